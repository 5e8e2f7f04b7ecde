package io.frameloop.client;

import io.frameloop.protocol.CloseCodes;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.protocol.FrameKind;
import io.frameloop.protocol.InboundFrame;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/**
 * A client of the FrameLoop wire protocol (docs/PROTOCOL.md): one WebSocket to a server's
 * {@code /frames}, frames and control messages out, processed frames and control messages in.
 *
 * <p>Asynchronous in the Vert.x way: set the handlers, then {@link #connect}; sends return the
 * write's future. The handlers run on the connection's event loop, one at a time.
 *
 * <pre>{@code
 * FrameLoopClient client = FrameLoopClient.create(vertx)
 *   .frameHandler(reply -> show(reply.header().sequence(), reply.jpeg()))
 *   .resultsHandler(results -> count(results.getLong("seq"), results.getJsonArray("detections").size()))
 *   .messageHandler(json -> System.out.println(json.encode()));
 * client.connect(new WebSocketConnectOptions().setHost("localhost").setPort(8080).setURI(FrameLoopClient.PATH))
 *   .compose(c -> c.sendPipeline(new JsonObject().put("ops", ops).put("reply", "both")))
 *   .compose(v -> client.sendFrame(1, System.nanoTime(), jpeg));
 * }</pre>
 *
 * <p>A server that drains before a restart sends {@code goaway} (and closes with 1012): the client
 * then opens a new session at once with the same connect options, without backoff, sets the last
 * pipeline and timings it sent again, and tells {@link #reconnectHandler}; the old session's last
 * answers still reach the handlers. While the server is unreachable or refuses (503), it tries again
 * every {@link #MOVE_RETRY_MS} ms for at most {@link #MOVE_LIMIT_MS} ms, then closes. Until the new
 * session's hello, sends still go to the old session, which may close before it answers them.
 */
public final class FrameLoopClient {

  /** The server's default WebSocket path. */
  public static final String PATH = "/frames";
  /** Largest message {@link #create(Vertx)} accepts from the server. */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
  /** How soon a move (after {@code goaway} or 1012) tries again when the server could not be reached. */
  public static final long MOVE_RETRY_MS = 200;
  /** How long a move keeps trying before the client closes for good. */
  public static final long MOVE_LIMIT_MS = 30_000;

  private final WebSocketClient client;
  private final WebSocketClient ownedClient;
  private final Promise<JsonObject> hello = Promise.promise();
  /** The session's socket: sends go there; replaced by a move once the new session's hello came. */
  private volatile ClientWebSocket socket;
  private volatile JsonObject currentHello;
  private WebSocketConnectOptions connectOptions;
  private volatile boolean moving;
  private volatile boolean closedByCaller;
  private volatile boolean movesOnRestart = true;
  /** What a move sends again on the new session. */
  private volatile JsonObject lastPipeline;
  private volatile Boolean lastTimings;
  private Handler<JsonObject> reconnectHandler;
  private Handler<InboundFrame> frameHandler;
  private Handler<JsonObject> messageHandler;
  private Handler<JsonObject> resultsHandler;
  private Handler<Void> closeHandler;
  private Handler<Throwable> exceptionHandler;
  private volatile Short closeStatusCode;
  private volatile String closeReason;

  private FrameLoopClient(WebSocketClient client, boolean owned) {
    this.client = client;
    this.ownedClient = owned ? client : null;
    this.socket = wire(client.webSocket());
  }

  /** Every socket's answers reach the handlers (a draining one's last answers too); only the current one's close counts. */
  private ClientWebSocket wire(ClientWebSocket ws) {
    ws.binaryMessageHandler(this::onBinary);
    ws.textMessageHandler(text -> onText(ws, text));
    ws.closeHandler(v -> onClose(ws));
    ws.exceptionHandler(this::onException);
    return ws;
  }

  /** A client on a WebSocket client of its own (messages up to 64 MB), closed with it. */
  public static FrameLoopClient create(Vertx vertx) {
    return new FrameLoopClient(vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(MAX_MESSAGE_BYTES).setMaxMessageSize(MAX_MESSAGE_BYTES)), true);
  }

  /** A client on the caller's WebSocket client (its options: TLS, sizes, pool), left open by {@link #close()}. */
  public static FrameLoopClient create(WebSocketClient client) {
    return new FrameLoopClient(client, false);
  }

  /**
   * Opens the WebSocket ({@code options} give host, port, path, headers, TLS) and completes once
   * the server's {@code hello} has arrived, which {@link #hello()} then returns. Fails with the
   * upgrade's failure (e.g. {@code UpgradeRejectedException} with status 403 or 503), or if the
   * connection closes before the hello.
   */
  public Future<FrameLoopClient> connect(WebSocketConnectOptions options) {
    this.connectOptions = new WebSocketConnectOptions(options);
    return socket.connect(options).compose(ws -> hello.future()).<FrameLoopClient>map(h -> this)
      .onFailure(e -> {
        if (ownedClient != null) {
          ownedClient.close();
        }
      });
  }

  /**
   * Each processed frame, decoded: the request's header ({@code null} for a bare frame) and the JPEG,
   * a slice of the message; with {@code "replyFormat":"vp8"}, a VP8 chunk ({@link InboundFrame#kind()} says which).
   */
  public FrameLoopClient frameHandler(Handler<InboundFrame> handler) {
    this.frameHandler = handler;
    return this;
  }

  /**
   * Each JSON message from the server, {@code hello} included: {@code hello}, {@code pipeline},
   * {@code stats}, {@code record}, {@code error}; and {@code results} too, unless a
   * {@link #resultsHandler} is set.
   */
  public FrameLoopClient messageHandler(Handler<JsonObject> handler) {
    this.messageHandler = handler;
    return this;
  }

  /**
   * Each {@code results} message (what the pipeline's ops found in a frame; the session's pipeline
   * asks for them with {@code "reply":"results"} or {@code "both"}), as the server sent it:
   * {@code {"type":"results","seq":..,"timestamp":..,"width":..,"height":..,"detections":[...],"data":{...}}}
   * ({@code seq} and {@code timestamp} absent for a bare frame; docs/PROTOCOL.md). In {@code both}
   * mode a frame's results come just before its image ({@link #frameHandler}). With this handler
   * set, results messages no longer go to the {@link #messageHandler}.
   */
  public FrameLoopClient resultsHandler(Handler<JsonObject> handler) {
    this.resultsHandler = handler;
    return this;
  }

  /** Called once when the connection closes, by either side; {@link #closeStatusCode()} and {@link #closeReason()} say why. */
  public FrameLoopClient closeHandler(Handler<Void> handler) {
    this.closeHandler = handler;
    return this;
  }

  /**
   * Called with the new session's {@code hello} each time the client moved to a new session after
   * {@code goaway} or 1012 (the last pipeline and timings already sent again on it).
   */
  public FrameLoopClient reconnectHandler(Handler<JsonObject> handler) {
    this.reconnectHandler = handler;
    return this;
  }

  /** Whether {@code goaway} and 1012 move the client to a new session (default true); off, they are only passed on. */
  public FrameLoopClient movesOnRestart(boolean moves) {
    this.movesOnRestart = moves;
    return this;
  }

  /** Connection failures, and server messages that are not frames or not JSON objects. Without a handler they are thrown on the event loop. */
  public FrameLoopClient exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  /** Sends a framed frame: the 16-byte header (sequence: unsigned 32-bit; timestamp: any, echoed back), then the JPEG. */
  public Future<Void> sendFrame(long sequence, long timestamp, Buffer jpeg) {
    if (sequence < 0 || sequence > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("sequence must be an unsigned 32-bit number, got " + sequence);
    }
    return socket.writeBinaryMessage(FrameFormat.encode(new FrameHeader(sequence, timestamp), jpeg));
  }

  /**
   * Sends a video chunk of the session's stream (after {@link #sendVideo}): the header with the
   * video flags ({@code key}: a key chunk), then the chunk.
   */
  public Future<Void> sendChunk(long sequence, long timestamp, Buffer chunk, boolean key) {
    if (sequence < 0 || sequence > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("sequence must be an unsigned 32-bit number, got " + sequence);
    }
    return socket.writeBinaryMessage(FrameFormat.encode(new FrameHeader(sequence, timestamp),
      key ? FrameKind.VIDEO_KEY : FrameKind.VIDEO_DELTA, chunk));
  }

  /**
   * Declares the session's video stream, before its first key chunk and on every reconfigure:
   * {@code video} is the message body, {@code {"codec":"vp8","width":..,"height":..,"colorSpace":{...}}}.
   * The server answers with a {@code video} message (normalized) or an {@code error} ({@code bad_video}).
   */
  public Future<Void> sendVideo(JsonObject video) {
    return sendText(video.copy().put("type", "video").encode());
  }

  /** Asks for a key chunk as the next VP8 reply (after a lost or undecodable reply chunk). */
  public Future<Void> requestKeyframe() {
    return sendText(new JsonObject().put("type", "keyframe").encode());
  }

  /** Sends a binary message as it is: a bare JPEG (answered with a bare JPEG), or anything else. */
  public Future<Void> sendBinary(Buffer message) {
    return socket.writeBinaryMessage(message);
  }

  /**
   * Sets the session's pipeline: {@code pipeline} is the message body, {@code {"ops":[...]}} and
   * optionally {@code "quality"}, {@code "reply"} ({@code image}, {@code results}, {@code both}) and {@code "replyFormat"} ({@code "jpeg"} or {@code "vp8"}). The server answers with a {@code pipeline} message (the
   * normalized pipeline) or an {@code error}.
   */
  public Future<Void> sendPipeline(JsonObject pipeline) {
    lastPipeline = pipeline.copy();
    return sendText(pipeline.copy().put("type", "pipeline").encode());
  }

  /** Switches per-frame timings ({@code "timings":[[seq, processingMicros, queueMicros], ...]}) in {@code stats} on or off. */
  public Future<Void> setTimings(boolean enabled) {
    lastTimings = enabled;
    return sendText(new JsonObject().put("type", "timings").put("enabled", enabled).encode());
  }

  /** Sends a text message as it is. */
  public Future<Void> sendText(String message) {
    return socket.writeTextMessage(message);
  }

  /** The current session's {@code hello} (ops, pipeline, quality, limits), or {@code null} before {@link #connect} completes. */
  public JsonObject hello() {
    return currentHello != null ? currentHello : hello.future().result();
  }

  /** Closed for good: a move to a new session does not count. */
  public boolean isClosed() {
    return socket.isClosed() && !moving;
  }

  /** The WebSocket close status (1000 normal, 1001 server shutting down, ...), or {@code null} while open. */
  public Short closeStatusCode() {
    return closeStatusCode;
  }

  /** The close reason the server gave, or {@code null}. */
  public String closeReason() {
    return closeReason;
  }

  /** Closes the connection (and the WebSocket client, if {@link #create(Vertx)} made it). */
  public Future<Void> close() {
    closedByCaller = true;
    Future<Void> closed = socket.close();
    return ownedClient == null ? closed : closed.eventually(ownedClient::close);
  }

  private void onBinary(Buffer message) {
    InboundFrame frame;
    try {
      frame = FrameFormat.decode(message);
    } catch (RuntimeException e) {
      onException(e);
      return;
    }
    if (frameHandler != null) {
      frameHandler.handle(frame);
    }
  }

  private void onText(ClientWebSocket from, String text) {
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (RuntimeException e) {
      onException(new IllegalStateException("the server sent a text message that is not a JSON object: " + text, e));
      return;
    }
    if (resultsHandler != null && "results".equals(message.getString("type"))) {
      resultsHandler.handle(message);
    } else if (messageHandler != null) {
      messageHandler.handle(message);
    }
    if ("hello".equals(message.getString("type"))) {
      hello.tryComplete(message);
    } else if ("goaway".equals(message.getString("type")) && from == socket) {
      move(from, Math.max(0, message.getLong("reconnectAfterMs", 0L)));
    }
  }

  /** At once, no backoff: a new session with the same options; the old one may still answer meanwhile. */
  private void move(ClientWebSocket from, long afterMs) {
    if (moving || closedByCaller || !movesOnRestart || connectOptions == null) {
      return;
    }
    moving = true;
    Vertx vertx = Vertx.currentContext().owner(); // socket handlers run on its event loop
    long giveUpAt = System.nanoTime() + (afterMs + MOVE_LIMIT_MS) * 1_000_000;
    if (afterMs > 0) {
      vertx.setTimer(afterMs, timer -> attempt(vertx, from, giveUpAt));
    } else {
      attempt(vertx, from, giveUpAt);
    }
  }

  private void attempt(Vertx vertx, ClientWebSocket from, long giveUpAt) {
    ClientWebSocket next = wire(client.webSocket());
    Promise<JsonObject> nextHello = Promise.promise();
    next.textMessageHandler(text -> {
      onText(next, text);
      if (text.contains("\"hello\"")) {
        nextHello.tryComplete(new JsonObject(text));
      }
    });
    next.connect(connectOptions).compose(ws -> nextHello.future()).onComplete(result -> {
      if (closedByCaller) {
        next.close();
        moving = false;
      } else if (result.succeeded()) {
        socket = next;
        currentHello = result.result();
        moving = false;
        if (lastPipeline != null) {
          sendPipeline(lastPipeline);
        }
        if (lastTimings != null) {
          setTimings(lastTimings);
        }
        // The old socket stays: the server closes it (1012) once it has answered what it held.
        if (reconnectHandler != null) {
          reconnectHandler.handle(result.result());
        }
      } else if (System.nanoTime() - giveUpAt < 0) {
        vertx.setTimer(MOVE_RETRY_MS, timer -> attempt(vertx, from, giveUpAt));
      } else {
        moving = false;
        finish(socket);
      }
    });
  }

  private void onClose(ClientWebSocket closed) {
    if (closed != socket) {
      return; // a socket moved away from
    }
    if (!closedByCaller && movesOnRestart && closed.closeStatusCode() != null && closed.closeStatusCode() == CloseCodes.SERVICE_RESTART
      && hello.future().succeeded()) {
      if (!moving) {
        move(null, 0);
      }
      return;
    }
    if (moving) {
      return; // the move decides: a new session, or the close once it gives up
    }
    finish(closed);
  }

  private void finish(ClientWebSocket closed) {
    closeStatusCode = closed.closeStatusCode();
    closeReason = closed.closeReason();
    hello.tryFail(new IllegalStateException("the connection closed before the server's hello (status "
      + closeStatusCode + ", reason " + closeReason + ")"));
    if (closeHandler != null) {
      closeHandler.handle(null);
    }
  }

  private void onException(Throwable failure) {
    if (exceptionHandler != null) {
      exceptionHandler.handle(failure);
    } else if (failure instanceof RuntimeException e) {
      throw e;
    } else {
      throw new IllegalStateException(failure);
    }
  }
}
