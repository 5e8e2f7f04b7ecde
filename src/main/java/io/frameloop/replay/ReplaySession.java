package io.frameloop.replay;

import io.frameloop.client.FrameLoopClient;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameFormatException;
import io.frameloop.protocol.InboundFrame;
import io.frameloop.protocol.ServerMessages;
import io.frameloop.video.EncodedChunk;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One replayed client: sends the source's frames as its {@link FramePlan} says (at a target rate
 * or with a recording's own gaps), framed with a sequence number, and matches the replies. Runs
 * on one event loop; everything here is touched only there.
 *
 * <p>Closed loop ({@code window >= 1}): a frame is sent on a tick only when fewer than
 * {@code window} are unanswered, like the page does (with {@code --adaptive} too: the controller's
 * window, which the page follows, is not used here yet; see docs/ADAPTIVE.md). Open loop ({@code window == 0}): a frame is
 * sent on every tick regardless, and latency is measured from when the frame was due, not from
 * when it was sent, so that a stalled sender cannot hide latency (coordinated omission).
 *
 * <p>The session's reply mode is the one the server's last {@code pipeline} answer echoed: in
 * {@code results} mode a frame is answered by its {@code results} message, otherwise by its image
 * (in {@code both} mode its results come just before). Results messages are counted in any mode,
 * and when the source is a recording that kept results, each is compared with what was recorded
 * for the same frame.
 */
final class ReplaySession {

  /** An unanswered frame older than this is taken as dropped by the server (it says so in stats). */
  static final long ANSWER_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** A frame sent and not yet answered; {@code frame} is its index in the source. */
  private record InFlight(long sequence, int frame, long dueNanos, long sentNanos) {
  }

  private final Vertx vertx;
  private final FrameSource source;
  /** The results the source recording kept, or null when it kept none (or is no recording). */
  private final RecordedResults recorded;
  private final int window;
  private final FramePlan plan;
  private final Histogram latency;
  private final RunTimeline timeline;
  private static final long ANSWER_MS = 10_000;
  /** Send times kept for {@link #sendLog}: the first ones of a run. */
  static final int MAX_SEND_LOG = 100_000;
  private final Promise<Void> pipelineAnswer = Promise.promise();
  private final Promise<Void> recordAnswer = Promise.promise();
  private final Promise<Void> videoAnswer = Promise.promise();
  /** The source as a VP8 stream ({@code --video vp8}), or null to send JPEGs. */
  private final VideoFrames video;
  /** Checks the VP8 replies ({@code --reply-format vp8}), or null for JPEG replies. */
  private final VideoReplyCheck replyCheck;
  /** The frame whose chunk went last (-1: none yet): the next delta must follow it, else a key goes. */
  private int lastVideoFrame = -1;
  private boolean keyWanted;
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private FrameLoopClient client;
  /** Hears what breaks the session: a server message it cannot read, or the server closing the connection. */
  private Handler<Throwable> failureHandler = e -> { };
  /** Set when the run closes the session: a close after it is no failure. */
  private volatile boolean closing;
  private long timer = -1;
  private boolean sending;
  private long startNanos;
  /** Replies before this are left out of the latency figures (the warm-up). */
  private long recordFromNanos;
  private long sequence;
  /** The last header timestamp sent. */
  private long lastStamp = Long.MIN_VALUE;
  /** The reply mode of the server's last {@code pipeline} answer (the server's default is {@code image}). */
  private String replyMode = "image";

  // Written on the session's event loop; the runner reads them for its progress line (a
  // slightly stale value is fine there) and for the report after the session has closed.
  long sent;
  long received;
  long errors;
  long bytesUp;
  long bytesDown;
  long timedOut;
  /** Results messages received, and the detections in them. */
  long results;
  long detections;
  /** Frames whose results could be compared with the recording's for the same frame, and how many found as many detections. */
  long comparedFrames;
  long sameAsRecorded;
  long recordedDetectionsCompared;
  long detectionsCompared;
  /** What the server's stats messages to this session said. */
  final ServerStatsReader serverStats;
  /** Null unless the session adapts its frames to a latency target ({@code --adaptive}). */
  final SessionAdaptation adaptation;
  /** The recording's id on the server when the session asked it to record ({@code --record}). */
  String recordingId;
  /** {@code [frame index, send time (System.nanoTime)]} of the first {@link #MAX_SEND_LOG} frames sent. */
  final List<long[]> sendLog = new ArrayList<>();

  ReplaySession(Vertx vertx, FrameSource source, FramePlan plan, int window, RunMeters meters,
                SessionAdaptation adaptation) {
    this(vertx, source, plan, window, meters, adaptation, null, false);
  }

  /**
   * @param video      the source as VP8 chunks to send instead of its JPEGs, or null
   * @param vp8Replies whether to ask for VP8 replies (and decode them to check them)
   */
  ReplaySession(Vertx vertx, FrameSource source, FramePlan plan, int window, RunMeters meters,
                SessionAdaptation adaptation, VideoFrames video, boolean vp8Replies) {
    this.video = video;
    this.replyCheck = vp8Replies ? new VideoReplyCheck(vertx, () -> client.requestKeyframe()) : null;
    this.adaptation = adaptation;
    this.vertx = vertx;
    this.source = source;
    this.recorded = source.results() != null && source.results().any() ? source.results() : null;
    this.plan = plan;
    this.window = window;
    this.latency = meters.latency();
    this.timeline = meters.timeline();
    this.serverStats = new ServerStatsReader(meters);
  }

  /** Hears, once, what broke the session (then it stops sending); the run ends on it. */
  ReplaySession failureHandler(Handler<Throwable> handler) {
    this.failureHandler = handler;
    return this;
  }

  /**
   * Connects, sets {@code pipeline} (null: the server's) and, when {@code record}, starts a recording
   * of the session. The TCP connection, the upgrade and the server's hello must come within
   * {@code connectTimeoutMs} together, each answer within {@link #ANSWER_MS}.
   */
  Future<Void> connect(WebSocketClient webSocketClient, WebSocketConnectOptions options, JsonObject pipeline, boolean record,
                       long connectTimeoutMs) {
    client = FrameLoopClient.create(webSocketClient).frameHandler(this::onReply).resultsHandler(this::onResults)
      .messageHandler(this::onControl)
      .exceptionHandler(e -> broken(new IllegalStateException((e instanceof FrameFormatException ? "the server sent a binary message that is not a frame: " : "")
        + SafeText.truncate(String.valueOf(e.getMessage()), SafeText.MAX_MESSAGE_CHARS))))
      .closeHandler(v -> {
        pipelineAnswer.tryFail(new IllegalArgumentException("the connection closed before the server answered --pipeline"));
        recordAnswer.tryFail(new IllegalArgumentException("the connection closed before the server answered --record"));
        videoAnswer.tryFail(new IllegalArgumentException("the connection closed before the server answered --video"));
        if (!closing) {
          broken(new IllegalStateException("the server closed the connection (status " + client.closeStatusCode()
            + (client.closeReason() == null ? "" : ", reason " + SafeText.truncate(client.closeReason(), SafeText.MAX_MESSAGE_CHARS)) + ")"));
        }
      });
    Future<FrameLoopClient> opened = TimeLimits.within(vertx, client.connect(options), connectTimeoutMs,
      () -> new IllegalArgumentException("no hello from the server within " + connectTimeoutMs
        + " ms of connecting (TCP connection, upgrade and hello; --connect-timeout)"));
    return opened.compose(connected -> {
      // Per-frame processing times in stats: round trip minus processing, frame by frame.
      connected.setTimings(true);
      JsonObject wanted = replyCheck == null ? pipeline : vp8Replies(pipeline, connected.hello());
      if (wanted == null) {
        return Future.succeededFuture();
      }
      connected.sendPipeline(wanted);
      // A pipeline the server refuses must stop the run, not leave it on the server's default.
      return answer(pipelineAnswer, "--pipeline");
    }).compose(v -> {
      if (!record) {
        return Future.succeededFuture();
      }
      client.sendText(new JsonObject().put("type", "record").put("enabled", true).encode());
      return answer(recordAnswer, "--record");
    }).compose(v -> {
      if (video == null) {
        return Future.succeededFuture();
      }
      client.sendVideo(video.config());
      return answer(videoAnswer, "--video");
    });
  }

  /** The pipeline asked for ({@code null}: the server's, from its hello) with VP8 replies. */
  private static JsonObject vp8Replies(JsonObject pipeline, JsonObject hello) {
    JsonObject base = pipeline != null ? pipeline.copy()
      : new JsonObject().put("ops", hello.getJsonArray("pipeline")).put("quality", hello.getInteger("quality"));
    return base.put("replyFormat", "vp8");
  }

  /** {@code answer}'s future, failed when it does not come within {@link #ANSWER_MS} (a run must not hang). */
  private Future<Void> answer(Promise<Void> answer, String option) {
    long timeout = vertx.setTimer(ANSWER_MS, t -> answer.tryFail(new IllegalArgumentException(
      "the server did not answer " + option + " within " + ANSWER_MS / 1000 + " s")));
    return answer.future().onComplete(done -> vertx.cancelTimer(timeout));
  }

  /** Starts sending from {@code startNanos} (the runner staggers the sessions); latency counts from {@code recordFromNanos}. */
  void start(long startNanos, long recordFromNanos) {
    this.startNanos = startNanos;
    this.recordFromNanos = recordFromNanos;
    sending = true;
    if (plan.recordedTiming()) {
      scheduleTick();
    } else {
      long periodMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(plan.intervalNanos()) / 2);
      // Ticks are checked twice per interval and sent by schedule, so timer jitter does not lower the rate.
      timer = vertx.setPeriodic(periodMs, id -> tick());
    }
  }

  /** A recording's gaps vary: a timer for the next frame's time (at most 100 ms, to expire unanswered frames). */
  private void scheduleTick() {
    long waitNanos = startNanos + plan.dueOffsetNanos() - System.nanoTime();
    long waitMs = Math.max(1, Math.min(100, (waitNanos + 999_999) / 1_000_000));
    timer = vertx.setTimer(waitMs, id -> {
      tick();
      if (sending && !plan.finished()) {
        scheduleTick();
      }
    });
  }

  private void tick() {
    long now = System.nanoTime();
    expireUnanswered(now);
    if (adaptation != null) {
      adaptation.tick(now, inFlight.isEmpty() ? -1 : inFlight.peek().sentNanos());
    }
    while (!plan.finished() && startNanos + plan.dueOffsetNanos() <= now) {
      long due = startNanos + plan.dueOffsetNanos();
      int frame = plan.frame();
      boolean send = window == 0 || inFlight.size() < window;
      if (send || plan.recordedTiming()) {
        plan.pipelinesBefore().forEach(client::sendPipeline);
      }
      plan.advance(send, adaptation == null ? 0 : adaptation.intervalNanos());
      if (send) {
        send(due, now, frame);
      }
    }
  }

  /** Whether the session has sent what its plan holds (never, for a plan that loops). */
  boolean finished() {
    return plan.finished();
  }

  private void send(long dueNanos, long now, int frame) {
    long seq = sequence++ & 0xFFFFFFFFL;
    if (video != null) {
      sendChunk(seq, dueNanos, now, frame);
      return;
    }
    Buffer jpeg = adaptation == null ? source.frames().get(frame) : adaptation.next(seq, frame);
    inFlight.add(new InFlight(seq, frame, dueNanos, now));
    if (sendLog.size() < MAX_SEND_LOG) {
      sendLog.add(new long[] {frame, now});
    }
    timeline.sent(now);
    sent++;
    bytesUp += FrameFormat.HEADER_LENGTH + jpeg.length();
    client.sendFrame(seq, stamp(now), jpeg);
  }

  /** A frame's VP8 chunk: the stream's own when it follows the last one sent, else (or when asked) a key of it. */
  private void sendChunk(long seq, long dueNanos, long now, int frame) {
    boolean follows = lastVideoFrame >= 0 && frame == (lastVideoFrame + 1) % source.frames().size();
    EncodedChunk chunk = follows && !keyWanted ? video.inOrder(frame) : video.key(frame);
    keyWanted = false;
    lastVideoFrame = frame;
    inFlight.add(new InFlight(seq, frame, dueNanos, now));
    if (sendLog.size() < MAX_SEND_LOG) {
      sendLog.add(new long[] {frame, now});
    }
    timeline.sent(now);
    sent++;
    bytesUp += FrameFormat.HEADER_LENGTH + chunk.data().length();
    client.sendChunk(seq, stamp(now), chunk.data(), chunk.key());
  }

  /** Reports the first failure and stops sending; what follows from a broken server is not read. */
  private void broken(Throwable failure) {
    if (!closing) {
      closing = true;
      stopSending();
      failureHandler.handle(failure);
    }
  }

  /**
   * The header's timestamp for a frame sent at {@code now}: frames a late tick sends together would
   * share one, so each is at least a nanosecond after the last (a recording's frames keep their order).
   */
  private long stamp(long now) {
    lastStamp = Math.max(now, lastStamp + 1);
    return lastStamp;
  }

  private void onReply(InboundFrame reply) {
    if (closing) {
      return;
    }
    if (reply.header() == null) {
      broken(new BadServerMessageException("a reply without the FL header: the answer to a framed frame repeats its header"));
      return;
    }
    long now = System.nanoTime();
    int bytes = (reply.header() == null ? 0 : FrameFormat.HEADER_LENGTH) + reply.payload().length();
    bytesDown += bytes;
    if (reply.kind().video() && replyCheck != null) {
      replyCheck.chunk(reply, () -> errors++);
    }
    answered(reply.header().sequence(), now, bytes);
  }

  private void onResults(JsonObject message) {
    if (!checked(message)) {
      return;
    }
    long now = System.nanoTime();
    int bytes = message.toBuffer().length(); // as the server encoded it
    bytesDown += bytes;
    int found = message.getValue("detections") instanceof JsonArray list ? list.size() : 0;
    results++;
    detections += found;
    timeline.results(now, found);
    Long seq = message.getValue("seq") instanceof Number n ? n.longValue() : null;
    if (seq == null) {
      return; // this session sends framed frames only: not the answer to one of them
    }
    if (recorded != null) {
      inFlight.stream().filter(f -> f.sequence() == seq).findFirst().ifPresent(f -> compare(f.frame(), found));
    }
    if ("results".equals(replyMode)) {
      answered(seq, now, bytes);
    }
  }

  /** Compares the detections found now in source frame {@code frame} with those the recording kept for it. */
  private void compare(int frame, int found) {
    int before = recorded.detectionsOf(frame);
    if (before >= 0) {
      comparedFrames++;
      recordedDetectionsCompared += before;
      detectionsCompared += found;
      if (before == found) {
        sameAsRecorded++;
      }
    }
  }

  /** The answer to frame {@code sequence}, {@code bytes} long, arrived at {@code now}. */
  private void answered(long sequence, long now, int bytes) {
    received++;
    if (inFlight.stream().noneMatch(f -> f.sequence() == sequence)) {
      return; // answered after it was given up as unanswered
    }
    // Replies come in order; unanswered frames before this one were dropped by the server.
    while (inFlight.peek().sequence() != sequence) {
      inFlight.poll();
    }
    InFlight frame = inFlight.poll();
    long from = window == 0 ? frame.dueNanos() : frame.sentNanos();
    long micros = Math.min(latency.getHighestTrackableValue(), TimeUnit.NANOSECONDS.toMicros(now - from));
    timeline.received(now, micros);
    if (now >= recordFromNanos) {
      latency.recordValue(micros);
      serverStats.roundTrip(frame.sequence(), micros);
    }
    if (adaptation != null) {
      adaptation.onReply(frame.sequence(), micros / 1000.0, bytes);
    }
  }

  /** Whether {@code message} may be read: its types are right ({@link ServerMessageCheck}) and the session is not broken. */
  private boolean checked(JsonObject message) {
    if (closing) {
      return false;
    }
    try {
      ServerMessageCheck.check(message);
      return true;
    } catch (BadServerMessageException e) {
      broken(e);
      return false;
    }
  }

  private void onControl(JsonObject message) {
    if (!checked(message)) {
      return;
    }
    switch (message.getString("type", "")) {
      case "stats" -> {
        serverStats.read(message, System.nanoTime());
        if (adaptation != null) {
          adaptation.onStats(message);
        }
      }
      case "pipeline" -> {
        replyMode = message.getValue("reply") instanceof String mode ? mode : "image";
        pipelineAnswer.tryComplete();
      }
      case "video" -> {
        if ("reply".equals(message.getString("direction"))) {
          if (replyCheck != null) {
            replyCheck.described(message);
          }
        } else {
          videoAnswer.tryComplete();
        }
      }
      case "keyframe" -> keyWanted = true; // the server lost the stream: the next chunk is a key
      case "record" -> {
        recordingId = message.getBoolean("enabled", false) ? message.getString("id") : recordingId;
        recordAnswer.tryComplete();
      }
      case "error" -> {
        if (ServerMessages.BAD_PIPELINE.equals(message.getString("code")) || ServerMessages.BAD_MESSAGE.equals(message.getString("code"))) {
          pipelineAnswer.tryFail(new IllegalArgumentException("the server refused --pipeline: " + message.getString("message")));
        }
        if (ServerMessages.BAD_VIDEO.equals(message.getString("code"))) {
          videoAnswer.tryFail(new IllegalArgumentException("the server refused --video: " + message.getString("message")));
        }
        if (ServerMessages.RECORD_REFUSED.equals(message.getString("code")) || ServerMessages.BAD_MESSAGE.equals(message.getString("code"))) {
          recordAnswer.tryFail(new IllegalArgumentException("the server refused --record: " + message.getString("message")));
        }
        if (ServerMessages.BAD_FRAME.equals(message.getString("code")) || ServerMessages.SERVER_ERROR.equals(message.getString("code"))) {
          errors++;
          Long seq = message.getLong("seq");
          inFlight.removeIf(f -> seq != null && f.sequence() == seq);
        }
      }
      default -> {
      }
    }
  }

  private void expireUnanswered(long now) {
    while (!inFlight.isEmpty() && now - inFlight.peek().sentNanos() > ANSWER_TIMEOUT_NANOS) {
      inFlight.poll();
      timedOut++;
    }
  }

  void stopSending() {
    sending = false;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** VP8 replies decoded to the announced size, and those that were not ({@code --reply-format vp8}). */
  long[] replyChecks() {
    return replyCheck == null ? null : new long[] {replyCheck.decoded, replyCheck.failed};
  }

  Future<Void> close() {
    closing = true;
    stopSending();
    if (replyCheck != null) {
      replyCheck.close();
    }
    return client == null ? Future.succeededFuture() : client.close();
  }
}
