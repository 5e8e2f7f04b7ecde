package io.frameloop.replay;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Runs N replay sessions against a FrameLoop server for a bounded time and reports. Stops by
 * itself, whatever the server does: connecting (TCP, upgrade, hello) is bounded by
 * {@link #connectTimeout}; after the duration it stops sending, waits (at most {@link #DRAIN}) for
 * the last replies and the server's final counts, and closes every connection (each close at most
 * {@link #CLOSE}). A session the server breaks (a message of the wrong types, a close mid-run) ends
 * the run at once: {@link #failure()} says why, and the report covers the run so far.
 */
public final class ReplayRunner {

  static final Duration DRAIN = Duration.ofSeconds(5);
  /** The longest a connection's close may take (a server that never answers the close frame). */
  static final Duration CLOSE = Duration.ofSeconds(2);
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final URI url;
  private final FrameSource source;
  private final int sessions;
  private final int fps;
  private final int window;
  private final Duration duration;
  private final JsonObject pipeline;
  private final Consumer<String> progress;
  private String token;
  private double adaptiveTargetMs;
  private Duration warmup = Duration.ZERO;
  private boolean recordedTiming;
  private double speed = 1;
  private boolean loop;
  private Duration stagger;
  private boolean record;
  private String video = "jpeg";
  private String replyFormat = "jpeg";
  private VideoFrames videoFrames;
  private List<ReplaySession> sessionsRun = List.of();
  private RunMeters meters;
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  /** The first failure of a session (set once, from any session's event loop), or null. */
  private final AtomicReference<String> failure = new AtomicReference<>();
  /** Ends a run that is measuring at once, skipping the drain (set while measuring). */
  private volatile Runnable finishEarly = () -> { };
  private volatile boolean measuring;

  /**
   * @param window   unanswered frames per session before it waits; 0 for open loop
   * @param pipeline a pipeline message body ({@code {"ops":[...]}}), or null for the server's default
   * @param progress receives one progress line a second
   */
  public ReplayRunner(Vertx vertx, URI url, FrameSource source, int sessions, int fps, int window, Duration duration,
                      JsonObject pipeline, Consumer<String> progress) {
    if (!url.getScheme().equals("ws") && !url.getScheme().equals("wss")) {
      throw new IllegalArgumentException("--url must be ws:// or wss://, got " + url);
    }
    if (sessions < 1 || fps < 1 || window < 0 || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("sessions and fps must be at least 1, window at least 0, duration positive");
    }
    this.vertx = vertx;
    this.url = url;
    this.source = source;
    this.sessions = sessions;
    this.fps = fps;
    this.window = window;
    this.duration = duration;
    this.pipeline = pipeline;
    this.progress = progress;
    this.recordedTiming = source.timing() != null;
    this.loop = source.timing() == null; // other sources loop until the duration is over
  }

  /**
   * A recording's frames with their recorded gaps divided by {@code speed} ({@code recorded}, the
   * default for a recording), or at {@code fps} ({@code false}).
   */
  public ReplayRunner timing(boolean recorded, double speed) {
    if (recorded && source.timing() == null) {
      throw new IllegalArgumentException("--timing recorded needs a recording as --source");
    }
    if (!(speed >= 0.01 && speed <= 100)) {
      throw new IllegalArgumentException("--speed must be 0.01 to 100, got " + speed);
    }
    this.recordedTiming = recorded;
    this.speed = speed;
    return this;
  }

  /** Whether sessions start over at the end of a recording (other sources always do) until the duration is over. */
  public ReplayRunner loop(boolean loop) {
    this.loop = loop || source.timing() == null;
    return this;
  }

  /** Session i starts {@code i * stagger} after the first; default: all start within one frame interval. */
  public ReplayRunner stagger(Duration stagger) {
    if (stagger.isNegative()) {
      throw new IllegalArgumentException("--stagger must not be negative");
    }
    this.stagger = stagger;
    return this;
  }

  /** Asks the server to record every session ({@code record} message); it must allow it. */
  public ReplayRunner record(boolean record) {
    this.record = record;
    return this;
  }

  /** How long each session may take to connect, be upgraded and get the server's hello (default 10 s). */
  public ReplayRunner connectTimeout(Duration connectTimeout) {
    if (connectTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("--connect-timeout must be positive, got " + connectTimeout.toMillis() + " ms");
    }
    this.connectTimeout = connectTimeout;
    return this;
  }

  /**
   * After {@link #run()}: why a session broke the run (a server message of the wrong types, a close
   * mid-run), naming the session, e.g. {@code session 2: ... stats.in: expected a number, got "x"}; null when none did.
   */
  public String failure() {
    return failure.get();
  }

  /** Sends {@code Authorization: Bearer <token>} with every session's handshake; null for none. */
  public ReplayRunner token(String token) {
    this.token = token;
    return this;
  }

  /** Each session adapts quality, width and rate to keep its round trip under {@code targetMs} (docs/ADAPTIVE.md). */
  public ReplayRunner adaptive(double targetMs) {
    if (!(targetMs > 0)) {
      throw new IllegalArgumentException("--target-ms must be positive, got " + targetMs);
    }
    this.adaptiveTargetMs = targetMs;
    return this;
  }

  /** Replies in the first {@code warmup} of the run are left out of the round-trip and added-latency figures. */
  public ReplayRunner warmup(Duration warmup) {
    if (warmup.isNegative() || warmup.compareTo(duration) >= 0) {
      throw new IllegalArgumentException("--warmup must be at least 0 and shorter than --duration");
    }
    this.warmup = warmup;
    return this;
  }

  /** After {@link #run()}: each session's adaptation summary, or null when not adaptive. */
  public JsonArray adaptiveSummary() {
    return adaptiveTargetMs <= 0 ? null
      : new JsonArray(sessionsRun.stream().map(s -> (Object) s.adaptation.summary()).toList());
  }

  /**
   * What the sessions send: {@code jpeg} (the source's frames) or {@code vp8} (the source encoded as
   * one VP8 stream before the run, see {@link VideoFrames}); and the reply format they ask for,
   * {@code jpeg} or {@code vp8} (decoded to check them).
   */
  public ReplayRunner video(String video, String replyFormat) {
    for (String[] value : new String[][] {{"--video", video}, {"--reply-format", replyFormat}}) {
      if (!"jpeg".equals(value[1]) && !"vp8".equals(value[1])) {
        throw new IllegalArgumentException(value[0] + " is jpeg or vp8, got " + value[1]);
      }
    }
    this.video = video;
    this.replyFormat = replyFormat;
    return this;
  }

  /**
   * After {@link #run()}: {@code {"send":"vp8","replyFormat":"vp8","chunkBytes":..,"repliesDecoded":..,"repliesFailed":..}},
   * or null for a JPEG run.
   */
  public JsonObject videoSummary() {
    if ("jpeg".equals(video) && "jpeg".equals(replyFormat)) {
      return null;
    }
    JsonObject summary = new JsonObject().put("send", video).put("replyFormat", replyFormat);
    if (videoFrames != null) {
      summary.put("chunkBytes", Math.round(videoFrames.averageBytes()));
    }
    if ("vp8".equals(replyFormat)) {
      long decoded = 0;
      long failed = 0;
      for (ReplaySession session : sessionsRun) {
        long[] checks = session.replyChecks();
        decoded += checks[0];
        failed += checks[1];
      }
      summary.put("repliesDecoded", decoded).put("repliesFailed", failed);
    }
    return summary;
  }

  /** The run's settings, as the report shows them. */
  public JsonObject settings() {
    return new JsonObject().put("url", url.toString()).put("source", source.description()).put("sessions", sessions)
      .put("fps", fps).put("window", window).put("duration", duration.toMillis() / 1000.0)
      .put("timing", recordedTiming ? "recorded" : "fixed").put("speed", speed).put("loop", loop)
      .put("stagger", stagger == null ? "one frame interval" : stagger.toMillis() + " ms")
      .put("pipeline", pipeline == null ? (source.timing() == null ? "the server's" : "the recording's") : pipeline.encode())
      .put("adaptiveTargetMs", adaptiveTargetMs > 0 ? adaptiveTargetMs : "off")
      .put("warmup", warmup.toMillis() / 1000.0).put("record", record).put("video", video).put("replyFormat", replyFormat);
  }

  /** After {@link #run()}: the run second by second. */
  public RunTimeline timeline() {
    return meters.timeline();
  }

  /** After {@link #run()}: every round trip of the run, µs (after the warm-up). */
  public Histogram latency() {
    return meters.latency();
  }

  /** After {@link #run()}: frames received per session, in session order. */
  public long[] receivedPerSession() {
    return sessionsRun.stream().mapToLong(s -> s.received).toArray();
  }

  /** After {@link #run()}: the ids of the recordings the server made of the sessions ({@code --record}). */
  public List<String> recordingIds() {
    return sessionsRun.stream().map(s -> s.recordingId).toList();
  }

  List<ReplaySession> sessions() {
    return sessionsRun;
  }

  /**
   * Runs the sessions and reports. With {@code --video vp8} the source is encoded first, in this
   * call (a blocking few milliseconds a frame): call it from a thread that may block, as the command line does.
   */
  public Future<ReplayReport> run() {
    if (adaptiveTargetMs > 0 && recordedTiming) {
      throw new IllegalArgumentException("--adaptive sets its own frame rate: with a recording, add --timing fixed");
    }
    if (adaptiveTargetMs > 0 && "vp8".equals(video)) {
      throw new IllegalArgumentException("--adaptive re-encodes JPEGs: it does not combine with --video vp8");
    }
    videoFrames = "vp8".equals(video) ? VideoFrames.encode(source) : null;
    boolean tls = url.getScheme().equals("wss");
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(64 * 1024 * 1024).setMaxMessageSize(64 * 1024 * 1024)
      .setSsl(tls).setTrustAll(tls).setVerifyHost(false)
      .setConnectTimeout((int) connectTimeout.toMillis())
      .setClosingTimeout((int) Math.max(1, CLOSE.toSeconds()))
      .setMaxConnections(sessions + 1));
    WebSocketConnectOptions connect = new WebSocketConnectOptions()
      .setHost(url.getHost())
      .setPort(url.getPort() > 0 ? url.getPort() : (tls ? 443 : 80))
      .setURI(url.getRawPath() == null || url.getRawPath().isEmpty() ? "/frames" : url.getRawPath())
      .setSsl(tls)
      .setConnectTimeout(connectTimeout.toMillis())
      // Vert.x's limit on the upgrade's answer, a little after the session's own (which names --connect-timeout):
      // it only frees the connection of an upgrade given up on.
      .setIdleTimeout(connectTimeout.toMillis() + CLOSE.toMillis());
    if (token != null) {
      connect.addHeader("Authorization", "Bearer " + token);
    }
    // Sessions run on several event loops and record into one histogram.
    Histogram latency = new SynchronizedHistogram(TimeUnit.MINUTES.toMicros(1), 3);
    Histogram added = new SynchronizedHistogram(TimeUnit.MINUTES.toMicros(1), 3);
    StageBreakdown stages = new StageBreakdown();
    meters = new RunMeters(latency, added, stages, new RunTimeline(duration.toNanos()),
      new CappedNames(CappedNames.MAX_DROP_REASONS, CappedNames.OTHER));
    List<ReplaySession> all = new ArrayList<>();
    sessionsRun = all;
    AdaptiveFrames ladder = adaptiveTargetMs > 0 ? AdaptiveFrames.of(source, fps) : null;
    List<Future<Void>> connected = new ArrayList<>();
    // Completes with the seconds measured; fails when connecting fails or a session breaks before the run started.
    Promise<Double> measured = Promise.promise();
    int frames = source.frames().size();
    // Without --pipeline, a recording's sessions start on the recording's own pipeline.
    JsonObject firstPipeline = pipeline != null || source.timing() == null ? pipeline : source.timing().pipeline();
    RecordedTiming timing = source.timing() == null || pipeline == null ? source.timing() : source.timing().withoutPipelines();
    for (int i = 0; i < sessions; i++) {
      FramePlan plan = recordedTiming ? FramePlan.recorded(timing, speed, loop)
        : FramePlan.fixed(frames, TimeUnit.SECONDS.toNanos(1) / fps, timing, loop, i % frames);
      ReplaySession session = new ReplaySession(vertx, source, plan, window, meters,
        ladder == null ? null : new SessionAdaptation(ladder.controller(adaptiveTargetMs, fps), ladder), videoFrames,
        "vp8".equals(replyFormat));
      all.add(session);
      int index = i;
      session.failureHandler(e -> {
        String why = "session " + index + ": " + e.getMessage();
        if (failure.compareAndSet(null, why)) {
          if (measuring) {
            finishEarly.run(); // end the run now, with what it measured
          } else {
            measured.tryFail(new IllegalArgumentException(why));
          }
        }
      });
      connected.add(session.connect(client, connect, firstPipeline, record, connectTimeout.toMillis()));
    }
    Future.all(connected).onComplete(done -> {
      if (done.failed()) {
        measured.tryFail(done.cause());
      } else if (!measured.future().isComplete()) {
        measure(all, measured);
      }
    });
    return measured.future()
      .map(seconds -> ReplayReport.of(url.toString(), source, fps, window, seconds, all, latency, added, stages.toJson()))
      .eventually(() -> Future.join(all.stream().map(s -> TimeLimits.atMost(vertx, s.close(), CLOSE.toMillis())).toList())
        .otherwiseEmpty().compose(v -> TimeLimits.atMost(vertx, client.close(), CLOSE.toMillis())));
  }

  private void measure(List<ReplaySession> all, Promise<Double> done) {
    long start = System.nanoTime();
    meters.timeline().start(start);
    long interval = TimeUnit.SECONDS.toNanos(1) / fps;
    for (int i = 0; i < all.size(); i++) {
      all.get(i).start(start + (stagger == null ? interval * i / all.size() : stagger.toNanos() * i), start + warmup.toNanos());
    }
    long[] last = {0, 0, 0, 0};
    AtomicBoolean finishing = new AtomicBoolean();
    long[] timers = {-1, -1, -1};
    Runnable finish = () -> {
      if (finishing.compareAndSet(false, true)) {
        vertx.cancelTimer(timers[1]);
        vertx.cancelTimer(timers[2]);
        double seconds = (System.nanoTime() - start) / 1e9;
        all.forEach(ReplaySession::stopSending);
        // A broken run has nothing to wait for; otherwise the last replies, within DRAIN.
        drain(all, failure.get() != null ? 0 : System.nanoTime() + DRAIN.toNanos(), () -> done.tryComplete(seconds));
      }
    };
    done.future().onComplete(v -> {
      for (long timer : timers) {
        vertx.cancelTimer(timer);
      }
    });
    timers[0] = vertx.setPeriodic(1000, id -> {
      long sent = all.stream().mapToLong(s -> s.sent).sum();
      long received = all.stream().mapToLong(s -> s.received).sum();
      long dropped = all.stream().mapToLong(s -> s.serverStats.droppedTotal()).sum();
      long errors = all.stream().mapToLong(s -> s.errors).sum();
      long results = all.stream().mapToLong(s -> s.results).sum();
      long detections = all.stream().mapToLong(s -> s.detections).sum();
      progress.accept(String.format(Locale.ROOT, "%5.1fs  out %6d fps  in %6d fps  sent %8d  received %8d  dropped %7d  errors %d"
          + "  results %5d/s  detections %5d/s",
        (System.nanoTime() - start) / 1e9, sent - last[0], received - last[1], sent, received, dropped, errors,
        results - last[2], detections - last[3]));
      last[0] = sent;
      last[1] = received;
      last[2] = results;
      last[3] = detections;
    });
    timers[1] = vertx.setTimer(duration.toMillis(), id -> finish.run());
    timers[2] = vertx.setPeriodic(100, id -> {
      if (all.stream().allMatch(ReplaySession::finished)) { // every session sent its recording once
        finish.run();
      }
    });
    finishEarly = finish;
    measuring = true;
    if (failure.get() != null) {
      finish.run(); // a session broke between connecting and now
    }
  }

  /** Waits until every sent frame is accounted for by the server's stats, or the deadline. */
  private void drain(List<ReplaySession> all, long deadline, Runnable then) {
    if (failure.get() != null) {
      then.run();
      return;
    }
    boolean settled = all.stream().allMatch(s -> s.serverStats.serverIn() == s.sent && s.serverStats.serverPending() == 0
      && s.received + s.serverStats.droppedTotal() + s.errors >= s.sent);
    if (settled || System.nanoTime() > deadline) {
      then.run();
    } else {
      vertx.setTimer(100, id -> drain(all, deadline, then));
    }
  }
}
