package io.frameloop.session;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.PipelineException;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.pipeline.ProcessedFrame;
import io.frameloop.protocol.ControlMessages;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameFormatException;
import io.frameloop.protocol.InboundFrame;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The state of one WebSocket connection: its pipeline, its frame slots and its counters.
 *
 * <p>Drop policy: at most one frame in processing and one waiting. A frame that arrives while one
 * waits replaces it (the old one is dropped as {@code stale}), so a slow pipeline or network can
 * never build up lag. All state is touched only on the session's own context (event loop).
 */
public final class FrameSession {

  /** The failure code a worker uses for a frame it cannot process. */
  public static final int BAD_FRAME_FAILURE = 400;
  /** Close code for a session closed for sending nothing (1000: normal closure, with a reason). */
  public static final short IDLE_CLOSE_CODE = 1000;
  /** Close code for a message over the size limit (1009: message too big). */
  public static final short TOO_BIG_CLOSE_CODE = 1009;

  private static final System.Logger LOG = System.getLogger(FrameSession.class.getName());

  private final String id;
  private final WebSocketBase socket;
  private final Context context;
  private final SessionConfig config;
  private final FrameScheduler scheduler;
  private final Function<FrameJob, Future<ProcessedFrame>> processor;
  private final SessionStats stats;
  private final RateLimiter rateLimiter;

  private PipelineSpec pipeline;
  private Pending waiting;
  private boolean processing;
  private boolean queued;
  private boolean closed;
  private long statsTimer = -1;
  private long lastMessageNanos = System.nanoTime();

  private record Pending(InboundFrame frame, long arrivedNanos) {
  }

  public FrameSession(String id, WebSocketBase socket, Context context, SessionConfig config, FrameScheduler scheduler,
                      Function<FrameJob, Future<ProcessedFrame>> processor) {
    this.id = id;
    this.socket = socket;
    this.context = context;
    this.config = config;
    this.scheduler = scheduler;
    this.processor = processor;
    this.stats = new SessionStats(config.listener());
    this.pipeline = config.defaultPipeline();
    this.rateLimiter = new RateLimiter(config.maxFps());
  }

  /**
   * Wires the socket's message handlers, sends {@code hello} and starts the periodic
   * {@code stats}. The owner calls {@link #close} when the socket closes.
   */
  public void start(Vertx vertx) {
    socket.binaryMessageHandler(this::onBinary);
    socket.textMessageHandler(this::onText);
    LOG.log(System.Logger.Level.INFO, "session opened id={0} remote={1}", id, socket.remoteAddress());
    sendJson(ControlMessages.hello(config.registry().describe(), pipeline.toJson(), config.limits()));
    statsTimer = vertx.setPeriodic(config.statsIntervalMs(), timer -> tick());
  }

  private void tick() {
    long idleNanos = System.nanoTime() - lastMessageNanos;
    if (config.idleTimeoutSeconds() > 0 && idleNanos > TimeUnit.SECONDS.toNanos(config.idleTimeoutSeconds())) {
      closeWith(IDLE_CLOSE_CODE, "idle timeout: no message for " + config.idleTimeoutSeconds() + " s");
      return;
    }
    sendJson(stats.snapshot((processing ? 1 : 0) + (waiting != null ? 1 : 0)));
  }

  void onBinary(Buffer message) {
    lastMessageNanos = System.nanoTime();
    if (message.length() > config.maxMessageBytes()) {
      closeWith(TOO_BIG_CLOSE_CODE, "message too big: " + message.length() + " bytes, the limit is " + config.maxMessageBytes());
      return;
    }
    stats.frameIn(message.length());
    if (!rateLimiter.tryAcquire(lastMessageNanos)) {
      stats.drop(DropReason.RATE_LIMITED);
      return;
    }
    InboundFrame frame;
    try {
      frame = FrameFormat.decode(message);
    } catch (FrameFormatException e) {
      long seq = e.header() == null ? -1 : e.header().sequence();
      stats.frameError(ControlMessages.BAD_FRAME);
      sendJson(ControlMessages.frameError(seq, e.getMessage()));
      return;
    }
    if (waiting != null) {
      stats.drop(DropReason.STALE);
    }
    waiting = new Pending(frame, lastMessageNanos);
    if (!processing && !queued) {
      queued = true;
      scheduler.enqueue(this);
    }
  }

  void onText(String text) {
    lastMessageNanos = System.nanoTime();
    // A char is at most 3 UTF-8 bytes: only long texts need their bytes counted.
    if (text.length() > config.maxTextMessageBytes() / 3
      && text.getBytes(StandardCharsets.UTF_8).length > config.maxTextMessageBytes()) {
      controlError(ControlMessages.BAD_MESSAGE, "control message too large: the limit is " + config.maxTextMessageBytes() + " bytes");
      return;
    }
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      controlError(ControlMessages.BAD_MESSAGE, "malformed JSON: expected an object like {\"type\":\"pipeline\",...}");
      return;
    }
    Object type = message.getValue("type");
    if ("pipeline".equals(type)) {
      try {
        pipeline = config.registry().parse(message, pipeline.quality());
        sendJson(ControlMessages.pipeline(pipeline.toJson()));
      } catch (PipelineException e) {
        controlError(ControlMessages.BAD_PIPELINE, e.getMessage());
      }
    } else if ("timings".equals(type)) {
      Object enabled = message.getValue("enabled");
      if (enabled instanceof Boolean on) {
        stats.collectTimings(on);
        sendJson(new JsonObject().put("type", "timings").put("enabled", on));
      } else {
        controlError(ControlMessages.BAD_MESSAGE, "timings: 'enabled' must be true or false, got " + enabled);
      }
    } else {
      controlError(ControlMessages.BAD_MESSAGE,
        "unknown message type " + (type == null ? "(missing \"type\")" : "'" + type + "'") + "; known types: pipeline, timings");
    }
  }

  private void controlError(String code, String message) {
    stats.controlError(code);
    sendJson(ControlMessages.error(code, message));
  }

  /** Called by the scheduler when this session's turn has come; runs on the session's context. */
  void dispatch() {
    if (Vertx.currentContext() == context) {
      dispatchNow();
    } else {
      context.runOnContext(v -> dispatchNow());
    }
  }

  private void dispatchNow() {
    queued = false;
    Pending next = waiting;
    waiting = null;
    if (closed || next == null) {
      scheduler.release();
      return;
    }
    processing = true;
    processor.apply(new FrameJob(next.frame().jpeg(), pipeline))
      .onComplete(result -> onProcessed(next, result));
  }

  private void onProcessed(Pending frame, AsyncResult<ProcessedFrame> result) {
    processing = false;
    scheduler.release();
    if (closed) {
      return;
    }
    if (result.succeeded()) {
      ProcessedFrame processed = result.result();
      long total = System.nanoTime() - frame.arrivedNanos();
      stats.recordProcessed(frame.frame().sequence(), processed.worker(), processed.processingNanos(),
        total - processed.processingNanos());
      if (socket.writeQueueFull()) {
        stats.drop(DropReason.SLOW_CLIENT);
      } else {
        Buffer reply = FrameFormat.encodeReply(frame.frame().header(), processed.jpeg());
        stats.frameOut(reply.length());
        socket.writeBinaryMessage(reply);
      }
    } else {
      onFailure(frame, result.cause());
    }
    if (waiting != null && !queued) {
      queued = true;
      scheduler.enqueue(this);
    }
  }

  private void onFailure(Pending frame, Throwable cause) {
    if (cause instanceof ReplyException reply && reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      // Timeout or no handler: no worker answered. Not the frame's fault, so not an error.
      stats.drop(DropReason.WORKER_LOST);
      return;
    }
    boolean badFrame = cause instanceof ReplyException reply && reply.failureCode() == BAD_FRAME_FAILURE;
    stats.frameError(ControlMessages.BAD_FRAME);
    sendJson(ControlMessages.frameError(frame.frame().sequence(),
      badFrame ? cause.getMessage() : "processing failed: " + cause.getMessage()));
  }

  private void sendJson(JsonObject message) {
    if (!closed) {
      socket.writeTextMessage(message.encode());
    }
  }

  /** Forgets the waiting frame and stops the timer; a frame in processing is let go when it returns. */
  public void close(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    waiting = null;
    scheduler.remove(this);
    if (statsTimer >= 0) {
      context.owner().cancelTimer(statsTimer);
    }
    LOG.log(System.Logger.Level.INFO, "session closed id={0} reason=\"{1}\" {2}", id, reason, stats.summary());
  }

  /**
   * Closes the WebSocket with 1001 (going away) and the reason, e.g. at server shutdown. May be
   * called from any thread: the work happens on the session's context.
   */
  public Future<Void> shutdown(String reason) {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> closeWith((short) 1001, reason).onComplete(closed));
    return closed.future();
  }

  private Future<Void> closeWith(short code, String reason) {
    close(reason);
    return socket.close(code, reason);
  }

  public boolean isClosed() {
    return closed;
  }
}
