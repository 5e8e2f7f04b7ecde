package io.frameloop.session;

import io.frameloop.image.BadFrameException;
import io.frameloop.image.JpegInfo;
import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.FrameResults;
import io.frameloop.pipeline.ImageSize;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.pipeline.ProcessedFrame;
import io.frameloop.pipeline.ReplyMode;
import io.frameloop.pipeline.StageTimes;
import io.frameloop.protocol.CloseCodes;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.protocol.FrameFormatException;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.protocol.FrameKind;
import io.frameloop.protocol.InboundFrame;
import io.frameloop.protocol.MessageAssembler;
import io.frameloop.protocol.ServerMessages;
import io.frameloop.video.EncodedChunk;
import io.frameloop.video.VideoSupport;
import io.frameloop.worker.ProcessingFailure;
import io.frameloop.worker.RateLimitedLog;
import io.frameloop.worker.WorkerLease;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The state of one WebSocket connection: its pipeline, its frame slots and its counters.
 *
 * <p>Drop policy: at most one frame in processing and one waiting. A frame that arrives while one
 * waits replaces it (the old one is dropped as {@code stale}), so a slow pipeline or network can
 * never build up lag. All state is touched only on the session's own context (event loop).
 */
public final class FrameSession implements FrameScheduler.Turn, MessageAssembler.Listener, VideoInput.Listener,
  VideoReplies.Listener<FrameSession.Processed> {

  private static final System.Logger LOG = System.getLogger(FrameSession.class.getName());
  private static final RateLimitedLog WORKER_LOST_LOG = new RateLimitedLog(LOG, 10_000);
  /** The 1012 close's reason once a draining session has answered its frames. */
  public static final String DRAINED_REASON = "server restarting: reconnect";
  /** The 1012 close's reason for a session still open when the drain's grace ended. */
  public static final String GRACE_OVER_REASON = "server restarting: the drain's grace is over, reconnect";

  private final String id;
  private final WebSocketBase socket;
  private final Runnable disconnect;
  private final Context context;
  private final SessionServices services;
  private final SessionOptions options;
  private final SessionStats stats;
  private final SessionOutput output;
  private final SessionLimits limits;
  private final SessionControl control;
  private final ReplyQuality replyQuality;
  private final SessionGrant grant;
  private final SessionRecorder recorder;
  private final VideoInput video;
  private final VideoReplies<Processed> replies;
  private final FrameCosts costs;
  /** The pipeline and frame size last found within the budget: further frames of that size are not checked again. */
  private PipelineSpec admittedPipeline;
  private ImageSize admittedSize;

  private Pending waiting;
  private boolean processing;
  private boolean queued;
  private boolean closed;
  private boolean draining; // goaway sent: closes with 1012 once the frames it holds are answered
  private boolean awaitingPong; // the ping after goaway: until its pong, frames sent before goaway may still arrive
  private long bareReplies;
  private Runnable stopTicks = () -> { };
  private long expiryTimer = -1; // when the session's token expires

  /**
   * A frame waiting for a worker: a JPEG, or a video chunk with its decoded picture.
   *
   * @param size the frame's size: the picture's, or the JPEG's declared one (read once, on arrival); null
   *             for a JPEG whose header is bad (the worker says so)
   */
  private record Pending(InboundFrame frame, long arrivedNanos, DecodedPicture picture, ImageSize size) {

    static Pending of(InboundFrame frame, long arrivedNanos, DecodedPicture picture) {
      if (picture != null) {
        return new Pending(frame, arrivedNanos, picture, new ImageSize(picture.width(), picture.height()));
      }
      ImageSize size;
      try {
        JpegInfo info = JpegInfo.readHeader(frame.jpeg());
        size = new ImageSize(info.width(), info.height());
      } catch (BadFrameException e) {
        size = null;
      }
      return new Pending(frame, arrivedNanos, null, size);
    }
  }

  /** A processed frame whose picture waits for the VP8 reply encoder. */
  record Processed(Pending frame, ProcessedFrame result, FrameHeader header, JsonObject results) {
  }

  /**
   * @param disconnect cuts the connection without the closing handshake (for clients that read
   *                   nothing: a close frame would wait behind what they never read)
   * @param grant      what the session's credentials allow it
   */
  public FrameSession(String id, WebSocketBase socket, Runnable disconnect, Context context, SessionServices services,
                      SessionGrant grant) {
    this.id = id;
    this.socket = socket;
    this.disconnect = disconnect;
    this.context = context;
    this.services = services;
    this.options = services.options();
    this.grant = grant;
    this.stats = new SessionStats(grant.listener());
    this.recorder = new SessionRecorder(services.recorder(), this::answer);
    this.video = new VideoInput(context, services.video(), services.pipelines().images(), stats, this::answer, this);
    this.output = new SessionOutput(socket, options);
    this.replies = new VideoReplies<>(context, options.getWriteQueueMaxBytes(), output::unsentBytes, this::answer, this);
    this.control = new SessionControl(services.pipelines(), services.defaultPipeline(), stats, recorder, video,
      services.video(), replies::keyRequested);
    this.limits = new SessionLimits(options, grant);
    this.replyQuality = new ReplyQuality(options.getWriteQueueMaxBytes());
    this.costs = new FrameCosts(services.pipelines().costs(), services.pipelines().limits().getMaxFrameCostMs());
  }

  /**
   * Wires the socket's message handlers, sends {@code hello} and starts the periodic
   * {@code stats}. The owner calls {@link #close} when the socket closes.
   */
  public void start(Vertx vertx) {
    socket.frameHandler(new MessageAssembler(options.getMaxMessageBytes(), options.getMaxTextMessageBytes(),
      options.getMaxFragmentsPerMessage(), this));
    LOG.log(System.Logger.Level.DEBUG, "session opened id={0} remote={1}{2}", id, socket.remoteAddress(),
      grant.tenant() == null ? "" : " tenant=" + grant.tenant());
    answer(ServerMessages.hello(services.pipelines().describe(), control.pipeline().toJson(), services.helloLimits(),
      recorder.allowed(), services.video().toJson()));
    services.scheduler().register(this);
    stopTicks = SessionTicks.every(context, options.getStatsIntervalMs(), this::tick);
    expiryTimer = grant.expiresAtMillis() == 0 ? -1 : vertx.setTimer(Math.max(1, grant.expiresAtMillis()
      - System.currentTimeMillis()), timer -> abandon("token expired: reconnect with a new token"));
  }

  private void tick() {
    long now = System.nanoTime();
    if (limits.idle(now)) {
      closeWith(CloseCodes.IDLE, "idle timeout: no message for " + options.getIdleTimeoutSeconds() + " s");
    } else if (output.stalled(now)) {
      abandon("the client reads nothing: its queue stayed full for " + options.getStalledTimeoutSeconds() + " s");
    } else {
      int pending = (processing ? 1 : 0) + (waiting != null ? 1 : 0) + video.pending() + replies.pending();
      int quality = replyQuality.current(control.pipeline().quality());
      if ((stats.reportDue(pending, quality) || recorder.recording())
        && !output.ifReading(recorder.addTo(ServerMessages.stats(stats.report(pending, quality))))) {
        stats.reportSkipped(); // still due: a client that catches up hears the counts at once
      }
      closeIfDrained();
    }
  }

  @Override
  public boolean frameArrived() {
    if (closed) {
      return false;
    }
    if (!limits.wsFrameAllowed()) {
      abandon("too many WebSocket frames: the limit is " + options.getMaxFramesPerSecond() + " per second");
      return false;
    }
    return true;
  }

  @Override
  public void tooManyFragments(int fragments) {
    abandon("a message in too many fragments: the limit is " + options.getMaxFragmentsPerMessage());
  }

  @Override
  public void ping() {
    if (!limits.pingAllowed()) {
      abandon("too many pings: the limit is " + options.getMaxPingsPerSecond() + " per second");
    }
  }

  @Override
  public void oversized(boolean text, long bytesSoFar) {
    limits.messageArrived();
    if (text) {
      answer(control.tooLarge(options.getMaxTextMessageBytes()));
    } else {
      closeWith(CloseCodes.TOO_BIG, "message too big: over " + options.getMaxMessageBytes() + " bytes, the limit");
    }
  }

  @Override
  public void binaryMessage(Buffer message) {
    long arrived = limits.messageArrived();
    stats.frameIn(message.length());
    if (!limits.frameAllowed(arrived)) {
      stats.drop(DropReason.RATE_LIMITED);
      return;
    }
    InboundFrame frame;
    try {
      frame = FrameFormat.decode(message);
    } catch (FrameFormatException e) {
      frameError(ServerMessages.BAD_FRAME, e.header() == null ? -1 : e.header().sequence(), e.getMessage());
      return;
    }
    recorder.frame(frame, arrived);
    if (frame.kind().video()) {
      video.chunk(frame, arrived); // decoded in order off the event loop; its picture comes back to picture()
    } else {
      hold(Pending.of(frame, arrived, null));
    }
  }

  @Override
  public void picture(InboundFrame chunk, DecodedPicture picture, long arrivedNanos) {
    if (!closed) {
      hold(Pending.of(chunk, arrivedNanos, picture));
    }
  }

  @Override
  public void chunkError(String code, long sequence, String message) {
    frameError(code, sequence, message);
    closeIfDrained();
  }

  /**
   * The frame waits for a worker, replacing (dropping as stale) the one that waited. The first frame
   * of a pipeline and each frame of another size is checked against the frame budget by the model's
   * figures: one predicted over it at its size is refused, and the one that waited stays. Frames of a
   * size admitted are not checked again (measured enforcement watches them). A frame over the image
   * limits is not checked: the worker refuses it.
   */
  private void hold(Pending frame) {
    ImageSize size = frame.size();
    double modelMs = 0;
    PipelineSpec pipeline = control.pipeline();
    // A frame over the image limits is the worker's to refuse, as bad_frame naming the limits.
    if (size != null && services.pipelines().withinImageLimits(pipeline, size)) {
      control.frameSize(size);
      modelMs = costs.modelMs(pipeline, size);
      boolean admitted = pipeline == admittedPipeline && size.equals(admittedSize);
      if (!admitted && modelMs <= costs.maxFrameCostMs()) {
        admittedPipeline = pipeline;
        admittedSize = size;
      } else if (!admitted) {
        long predicted = Math.round(Math.ceil(modelMs));
        stats.frameError(ServerMessages.OVER_BUDGET);
        answer(ServerMessages.frameError(ServerMessages.OVER_BUDGET, frame.frame().sequence(), "the pipeline is predicted"
            + " to take " + predicted + " ms for this " + size.width() + "x" + size.height() + " frame, over the budget of "
            + costs.maxFrameCostMs() + " ms (maxFrameCostMs): send smaller frames or set a cheaper pipeline")
          .put("predictedCostMs", predicted).put("maxFrameCostMs", costs.maxFrameCostMs()));
        return;
      }
    }
    if (waiting != null) {
      stats.drop(DropReason.STALE);
    }
    waiting = frame;
    if (!processing && !queued) {
      queued = true;
      services.scheduler().enqueue(this, costs.expensive(modelMs));
    }
  }

  @Override
  public void textMessage(String text) {
    limits.messageArrived();
    if (!limits.textMessageAllowed()) {
      abandon("too many text messages: the limit is " + options.getMaxTextMessagesPerSecond() + " per second");
      return;
    }
    control.apply(text).onSuccess(answer -> {
      if (answer != null && !closed) {
        answer(answer);
      }
    });
  }

  /** An answer to the client's own message; a client that does not read its answers is closed. */
  private void answer(JsonObject message) {
    if ("error".equals(message.getString("type")) && !limits.errorAllowed()) {
      abandon("too many errors: the limit is " + options.getMaxErrorsPerSecond() + " error answers per second");
      return;
    }
    if (!output.answer(message)) {
      abandon("the client does not read the answers to its own messages: over " + options.getWriteQueueMaxBytes()
        + " bytes of them unsent");
    }
  }

  private void frameError(String code, long sequence, String message) {
    stats.frameError(code);
    answer(ServerMessages.frameError(code, sequence, message));
  }

  /** Called by the scheduler when this session's turn has come, with a free worker. */
  @Override
  public void dispatch(WorkerLease lease) {
    if (Vertx.currentContext() == context) {
      dispatchNow(lease);
    } else {
      context.runOnContext(v -> dispatchNow(lease));
    }
  }

  private void dispatchNow(WorkerLease lease) {
    queued = false;
    Pending next = waiting;
    waiting = null;
    if (closed || next == null) {
      lease.release();
      return;
    }
    processing = true;
    PipelineSpec pipeline = control.pipeline();
    int quality = replyQuality.next(pipeline.quality(), output.unsentBytes(), System.nanoTime());
    FrameJob job = next.picture() == null ? new FrameJob(next.frame().jpeg(), pipeline, quality)
      : FrameJob.ofPicture(next.picture(), pipeline, quality);
    int epoch = costs.epoch();
    lease.process(job).onComplete(result -> onProcessed(next, pipeline, epoch, result));
  }

  /**
   * @param pipeline the pipeline the frame was processed with (the worker encoded an image or not by its reply mode)
   * @param epoch    the frame costs' epoch when the frame was sent
   */
  private void onProcessed(Pending frame, PipelineSpec pipeline, int epoch, AsyncResult<ProcessedFrame> result) {
    processing = false;
    if (closed) { // the client is gone: the socket is not touched again
      stats.drop(DropReason.CLOSED);
      return;
    }
    if (result.succeeded()) {
      reply(frame, pipeline.reply(), result.result());
      measured(frame, pipeline, epoch, result.result());
    } else {
      onFailure(frame, result.cause());
    }
    if (waiting != null && !queued) {
      queued = true;
      ImageSize size = waiting.size();
      services.scheduler().enqueue(this, costs.expensive(size == null ? 0 : costs.modelMs(control.pipeline(), size)));
    }
  }

  /**
   * Teaches the cost model what the frame took, and resets the pipeline to the server's default when
   * the session's frames kept exceeding the budget (the error says so, then the new pipeline).
   */
  private void measured(Pending frame, PipelineSpec pipeline, int epoch, ProcessedFrame processed) {
    ImageSize size = frame.size();
    long nanos = processed.processingNanos() - processed.stages().setupNanos();
    if (size == null || closed || !costs.measured(pipeline, size, nanos, epoch)) {
      return;
    }
    stats.controlError(ServerMessages.OVER_BUDGET);
    answer(ServerMessages.error(ServerMessages.OVER_BUDGET, "frames kept taking longer than the budget of "
        + costs.maxFrameCostMs() + " ms (maxFrameCostMs): " + FrameCosts.MAX_OVERRUNS + " of the last " + FrameCosts.WINDOW
        + ", the last " + Math.round(nanos / 1e6) + " ms; the pipeline is reset to the server's default")
      .put("measuredMs", Math.round(nanos / 1e6)).put("maxFrameCostMs", costs.maxFrameCostMs()));
    if (!closed) {
      answer(control.resetPipeline());
    }
    closeIfDrained();
  }

  private void onFailure(Pending frame, Throwable cause) {
    ProcessingFailure.Kind kind = cause instanceof ProcessingFailure failure ? failure.kind() : ProcessingFailure.Kind.SERVER_ERROR;
    switch (kind) {
      // Not the frame's fault, so not an error: counted, and for a lost worker logged.
      case WORKER_LOST -> {
        stats.drop(DropReason.WORKER_LOST);
        WORKER_LOST_LOG.warn("frames dropped as worker_lost, e.g. session " + id + ": " + cause.getMessage());
      }
      case EXPIRED -> stats.drop(DropReason.EXPIRED);
      case BAD_FRAME -> frameError(ServerMessages.BAD_FRAME, frame.frame().sequence(), cause.getMessage());
      default -> frameError(ServerMessages.SERVER_ERROR, frame.frame().sequence(), cause.getMessage());
    }
  }

  private void reply(Pending frame, ReplyMode mode, ProcessedFrame processed) {
    if (frame.picture() == null && frame.size() != null) { // the worker decoded it: its header is sound
      stats.input("jpeg", frame.size().width(), frame.size().height());
    }
    if (processed.picture() != null) {
      replyVideo(frame, mode, processed);
      return;
    }
    long total = System.nanoTime() - frame.arrivedNanos();
    stats.recordProcessed(frame.frame().sequence(), processed.worker(), processed.processingNanos(),
      total - processed.processingNanos(), processed.stages());
    if (processed.jpeg() != null && processed.jpeg().length() > options.getMaxMessageBytes()) {
      frameError(ServerMessages.BAD_FRAME, frame.frame().sequence(), "the processed frame is " + processed.jpeg().length()
        + " bytes, over the limit of " + options.getMaxMessageBytes() + ": lower the quality or the size");
      return;
    }
    FrameHeader header = frame.frame().header();
    JsonObject resultsMessage = results(header, mode, processed);
    Buffer reply = mode.sendsImage() && processed.jpeg() != null ? FrameFormat.encodeReply(header, processed.jpeg()) : null;
    if (reply != null) {
      replies.interrupted(); // a later VP8 reply starts a new stream
    }
    long bytes = output.frame(resultsMessage, reply);
    if (bytes >= 0) {
      stats.frameOut((int) bytes);
      if (reply != null) {
        stats.output("jpeg", processed.width(), processed.height());
      }
      if (resultsMessage != null) {
        recorder.results(resultsMessage);
      }
    } else {
      stats.drop(DropReason.SLOW_CLIENT);
    }
  }

  /**
   * A processed picture for the VP8 reply stream: dropped here, before the encoder, when the client
   * is behind (an encoded chunk is always sent: a missing delta would corrupt the stream).
   */
  /** Publishes the frame's results on the event bus when an op reported some; the client's results message when its mode sends them, else null. */
  private JsonObject results(FrameHeader header, ReplyMode mode, ProcessedFrame processed) {
    FrameResults results = processed.results();
    if (results != null && results.reported()) {
      services.results().publish(id, grant.tenant(), header, results.toJson());
    }
    return !mode.sendsResults() ? null
      : ServerMessages.results(header, results == null ? new JsonObject().put("detections", new JsonArray()) : results.toJson());
  }

  private void replyVideo(Pending frame, ReplyMode mode, ProcessedFrame processed) {
    if (!services.video().encode().contains(VideoSupport.VP8)) { // a configured pipeline asked for them
      frameError(ServerMessages.SERVER_ERROR, frame.frame().sequence(), "VP8 replies are unavailable on this server ("
        + services.video().unavailable() + "): configure \"replyFormat\":\"jpeg\"");
      return;
    }
    if (output.behind()) {
      stats.drop(DropReason.SLOW_CLIENT);
      return;
    }
    // Results go with the chunk, just before it (the results message comes first, as for a JPEG).
    JsonObject resultsMessage = results(frame.frame().header(), mode, processed);
    // A bare JPEG has no header to echo: its chunk is numbered by the replies sent, timestamp 0.
    FrameHeader header = frame.frame().header() != null ? frame.frame().header() : new FrameHeader(bareReplies++, 0);
    replies.picture(new Processed(frame, processed, header, resultsMessage), processed.picture());
  }

  @Override
  public void chunk(Processed frame, EncodedChunk chunk, int width, int height, long encodeNanos) {
    ProcessedFrame processed = frame.result();
    StageTimes worker = processed.stages();
    long processing = processed.processingNanos() + encodeNanos;
    long total = System.nanoTime() - frame.frame().arrivedNanos();
    stats.recordProcessed(frame.frame().frame().sequence(), processed.worker(), processing, total - processing,
      new StageTimes(worker.decodeNanos(), worker.setupNanos(), worker.ops(), worker.encodeNanos() + encodeNanos));
    Buffer reply = FrameFormat.encode(frame.header(), chunk.key() ? FrameKind.VIDEO_KEY : FrameKind.VIDEO_DELTA, chunk.data());
    long bytes = output.chunk(frame.results(), reply);
    stats.frameOut((int) bytes);
    if (frame.results() != null) {
      recorder.results(frame.results());
    }
    stats.output(VideoSupport.VP8, width, height);
    closeIfDrained();
  }

  @Override
  public void dropped(Processed frame, DropReason reason) {
    stats.drop(reason);
    closeIfDrained();
  }

  @Override
  public void failed(Processed frame, String message) {
    frameError(ServerMessages.SERVER_ERROR, frame.frame().frame().sequence(), message);
    closeIfDrained();
  }

  /** Forgets the waiting frame and stops the timer; a frame in processing is let go when it returns. */
  public void close(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    if (!socket.isClosed()) {
      socket.frameHandler(frame -> { }); // what still arrives is read and dropped
    }
    output.close();
    recorder.close();
    video.close();
    replies.close();
    if (waiting != null) {
      stats.drop(DropReason.CLOSED);
      waiting = null;
    }
    services.scheduler().remove(this);
    stopTicks.run();
    context.owner().cancelTimer(expiryTimer);
    LOG.log(System.Logger.Level.DEBUG, "session closed id={0} reason=\"{1}\" {2}", id, reason, stats.summary());
  }

  /**
   * Closes the WebSocket with 1001 (going away) and the reason, e.g. at server shutdown. May be
   * called from any thread: the work happens on the session's context.
   */
  public Future<Void> shutdown(String reason) {
    return shutdown(CloseCodes.GOING_AWAY, reason);
  }

  /** Closes the WebSocket with {@code code} and the reason at once (a drain's grace is over: 1012). From any thread. */
  public Future<Void> shutdown(short code, String reason) {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> closeWith(code, reason).onComplete(closed));
    return closed.future();
  }

  /**
   * The server drains: sends {@code goaway} (the client reconnects at once, elsewhere or here
   * when the server is back), answers the frames it holds (waiting, in processing, decoding or
   * encoding, and those still arriving meanwhile), then closes with 1012. From any thread; the
   * owner hears the close as for any other.
   */
  public void drain() {
    context.runOnContext(v -> {
      if (closed || draining) {
        return;
      }
      draining = true;
      answer(ServerMessages.goaway(ServerMessages.GOAWAY_RESTART, 0));
      // The client's pong comes after every frame it sent before it read the goaway (one TCP stream, in
      // order): those are answered too. A client that never answers is closed when the grace ends.
      awaitingPong = true;
      socket.pongHandler(pong -> {
        awaitingPong = false;
        closeIfDrained();
      });
      socket.writePing(Buffer.buffer("goaway"));
    });
  }

  private void closeIfDrained() {
    boolean holdsFrames = processing || queued || waiting != null || video.pending() > 0 || replies.pending() > 0;
    if (draining && !closed && !awaitingPong && !holdsFrames) {
      closeWith(CloseCodes.SERVICE_RESTART, DRAINED_REASON);
    }
  }

  /**
   * Closes with 1008, and cuts the connection a second later whether or not the client answered.
   * Nothing more is read meanwhile: a flooder's bytes wait in its own socket, not in our CPU.
   */
  private void abandon(String reason) {
    if (closed) {
      return;
    }
    closeWith(CloseCodes.POLICY, reason);
    socket.pause();
    context.owner().setTimer(1000, timer -> disconnect.run());
  }

  private Future<Void> closeWith(short code, String reason) {
    close(reason);
    return socket.close(code, CloseCodes.reason(reason));
  }
}
