package io.frameloop.replay;

import io.frameloop.client.FrameLoopClient;
import io.frameloop.protocol.ServerMessages;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.InboundFrame;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One replayed client: sends the source's frames in a loop at a target rate, framed with a
 * sequence number, and matches the replies. Runs on one event loop; everything here is touched
 * only there.
 *
 * <p>Closed loop ({@code window >= 1}): a frame is sent on a tick only when fewer than
 * {@code window} are unanswered, like the page does. Open loop ({@code window == 0}): a frame is
 * sent on every tick regardless, and latency is measured from when the frame was due, not from
 * when it was sent, so that a stalled sender cannot hide latency (coordinated omission).
 */
final class ReplaySession {

  /** An unanswered frame older than this is taken as dropped by the server (it says so in stats). */
  static final long ANSWER_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private record InFlight(long sequence, long dueNanos, long sentNanos) {
  }

  private final int index;
  private final Vertx vertx;
  private final FrameSource source;
  private final int window;
  private final long intervalNanos;
  private final Histogram latency;
  private final Histogram added;
  private final StageBreakdown stages;
  private static final long PIPELINE_ANSWER_MS = 10_000;
  private final io.vertx.core.Promise<Void> pipelineAnswer = io.vertx.core.Promise.promise();
  /** Round trips (µs) of recent replies by sequence, until the server's per-frame timings arrive. */
  private final java.util.Map<Long, Long> recentRoundTrips = new java.util.LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(java.util.Map.Entry<Long, Long> eldest) {
      return size() > 4096;
    }
  };
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private FrameLoopClient client;
  private long timer = -1;
  private long nextDueNanos;
  /** Replies before this are left out of the latency figures (the warm-up). */
  private long recordFromNanos;
  private long sequence;
  private int nextFrame;

  // Written on the session's event loop; the runner reads them for its progress line (a
  // slightly stale value is fine there) and for the report after the session has closed.
  long sent;
  long received;
  long errors;
  long bytesUp;
  long bytesDown;
  long timedOut;
  JsonObject lastStats = new JsonObject();
  /** The server's per-window processing and queue-wait percentiles, weighted by frames (see ReplayReport). */
  final ServerTimes processTimes = new ServerTimes();
  final ServerTimes queueTimes = new ServerTimes();
  /** Null unless the session adapts its frames to a latency target ({@code --adaptive}). */
  final SessionAdaptation adaptation;

  ReplaySession(int index, Vertx vertx, FrameSource source, int fps, int window, Histogram latency, Histogram added,
                StageBreakdown stages, SessionAdaptation adaptation) {
    this.adaptation = adaptation;
    this.index = index;
    this.vertx = vertx;
    this.source = source;
    this.window = window;
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / fps;
    this.latency = latency;
    this.added = added;
    this.stages = stages;
    this.nextFrame = index % source.frames().size();
  }

  Future<Void> connect(WebSocketClient webSocketClient, WebSocketConnectOptions options, JsonObject pipeline) {
    client = FrameLoopClient.create(webSocketClient).frameHandler(this::onReply).messageHandler(this::onControl)
      .closeHandler(v -> pipelineAnswer.tryFail(new IllegalArgumentException("the connection closed before the server answered --pipeline")));
    return client.connect(options).compose(connected -> {
      // Per-frame processing times in stats: round trip minus processing, frame by frame.
      connected.setTimings(true);
      if (pipeline == null) {
        return Future.succeededFuture();
      }
      connected.sendPipeline(pipeline);
      // A pipeline the server refuses must stop the run, not leave it on the server's default; an
      // answer that never comes (the session closed, the message refused as such) must not hang it.
      long timeout = vertx.setTimer(PIPELINE_ANSWER_MS, t -> pipelineAnswer.tryFail(new IllegalArgumentException(
        "the server did not answer --pipeline within " + PIPELINE_ANSWER_MS / 1000 + " s")));
      return pipelineAnswer.future().onComplete(done -> vertx.cancelTimer(timeout));
    });
  }

  /** Starts sending from {@code startNanos} (the runner spreads sessions over one interval); latency counts from {@code recordFromNanos}. */
  void start(long startNanos, long recordFromNanos) {
    this.nextDueNanos = startNanos;
    this.recordFromNanos = recordFromNanos;
    long periodMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(intervalNanos) / 2);
    // Ticks are checked twice per interval and sent by schedule, so timer jitter does not lower the rate.
    timer = vertx.setPeriodic(periodMs, id -> tick());
  }

  private void tick() {
    long now = System.nanoTime();
    expireUnanswered(now);
    if (adaptation != null) {
      adaptation.tick(now, inFlight.isEmpty() ? -1 : inFlight.peek().sentNanos());
    }
    while (nextDueNanos <= now) {
      long due = nextDueNanos;
      nextDueNanos += adaptation == null ? intervalNanos : adaptation.intervalNanos();
      if (window == 0 || inFlight.size() < window) {
        send(due, now);
      }
    }
  }

  private void send(long dueNanos, long now) {
    long seq = sequence++ & 0xFFFFFFFFL;
    Buffer jpeg = adaptation == null ? source.frames().get(nextFrame) : adaptation.next(seq, nextFrame);
    nextFrame = (nextFrame + 1) % source.frames().size();
    inFlight.add(new InFlight(seq, dueNanos, now));
    sent++;
    bytesUp += FrameFormat.HEADER_LENGTH + jpeg.length();
    client.sendFrame(seq, now, jpeg);
  }

  private void onReply(InboundFrame reply) {
    long now = System.nanoTime();
    bytesDown += (reply.header() == null ? 0 : FrameFormat.HEADER_LENGTH) + reply.jpeg().length();
    received++;
    // Replies come in order; unanswered frames before this one were dropped by the server.
    while (!inFlight.isEmpty() && inFlight.peek().sequence() != reply.header().sequence()) {
      inFlight.poll();
    }
    InFlight frame = inFlight.poll();
    if (frame != null) {
      long from = window == 0 ? frame.dueNanos() : frame.sentNanos();
      long micros = Math.min(latency.getHighestTrackableValue(), TimeUnit.NANOSECONDS.toMicros(now - from));
      if (now >= recordFromNanos) {
        latency.recordValue(micros);
        recentRoundTrips.put(frame.sequence(), micros);
      }
      if (adaptation != null) {
        adaptation.onReply(frame.sequence(), micros / 1000.0, FrameFormat.HEADER_LENGTH + reply.jpeg().length());
      }
    }
  }

  private void onControl(JsonObject message) {
    switch (message.getString("type", "")) {
      case "stats" -> {
        lastStats = message;
        recordAdded(message.getJsonArray("timings"));
        processTimes.add(message.getJsonObject("processMs"));
        queueTimes.add(message.getJsonObject("queueMs"));
        if (adaptation != null) {
          adaptation.onStats(message);
        }
      }
      case "pipeline" -> pipelineAnswer.tryComplete();
      case "error" -> {
        if (ServerMessages.BAD_PIPELINE.equals(message.getString("code")) || ServerMessages.BAD_MESSAGE.equals(message.getString("code"))) {
          pipelineAnswer.tryFail(new IllegalArgumentException("the server refused --pipeline: " + message.getString("message")));
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

  /**
   * Summarizes the server's stats windows: the frame-weighted mean of the windows' p50 (close to
   * the overall median when windows are alike) and the largest window p99 (an upper bound).
   */
  static final class ServerTimes {
    long frames;
    double weightedP50;
    double maxP99;

    void add(JsonObject window) {
      if (window == null || window.getLong("count", 0L) == 0) {
        return;
      }
      long count = window.getLong("count");
      frames += count;
      weightedP50 += count * window.getDouble("p50");
      maxP99 = Math.max(maxP99, window.getDouble("p99"));
    }

    void addAll(ServerTimes other) {
      frames += other.frames;
      weightedP50 += other.weightedP50;
      maxP99 = Math.max(maxP99, other.maxP99);
    }

    JsonObject toJson() {
      return new JsonObject().put("p50", frames == 0 ? 0 : Math.round(weightedP50 / frames * 1000) / 1000.0)
        .put("p99Max", maxP99);
    }
  }

  /** Round trip minus the server's processing time, and the processing by stage, for each frame the stats message times. */
  private void recordAdded(io.vertx.core.json.JsonArray timings) {
    if (timings == null) {
      return;
    }
    for (Object entry : timings) {
      io.vertx.core.json.JsonArray timing = (io.vertx.core.json.JsonArray) entry;
      Long roundTrip = recentRoundTrips.remove(timing.getLong(0));
      if (roundTrip != null) {
        added.recordValue(Math.max(0, roundTrip - timing.getLong(1)));
      }
      stages.record(timing);
    }
  }

  private void expireUnanswered(long now) {
    while (!inFlight.isEmpty() && now - inFlight.peek().sentNanos() > ANSWER_TIMEOUT_NANOS) {
      inFlight.poll();
      timedOut++;
    }
  }

  void stopSending() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** The server's count of frames it has seen from this session (from its last stats). */
  long serverIn() {
    return lastStats.getLong("in", -1L);
  }

  Future<Void> close() {
    stopSending();
    return client == null ? Future.succeededFuture() : client.close();
  }
}
