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
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Runs N replay sessions against a FrameLoop server for a bounded time and reports. Stops by
 * itself: after the duration it stops sending, waits (at most {@link #DRAIN}) for the last replies
 * and the server's final counts, and closes every connection.
 */
public final class ReplayRunner {

  static final Duration DRAIN = Duration.ofSeconds(5);

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
  private List<ReplaySession> sessionsRun = List.of();

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

  public Future<ReplayReport> run() {
    boolean tls = url.getScheme().equals("wss");
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(64 * 1024 * 1024).setMaxMessageSize(64 * 1024 * 1024)
      .setSsl(tls).setTrustAll(tls).setVerifyHost(false)
      .setMaxConnections(sessions + 1));
    WebSocketConnectOptions connect = new WebSocketConnectOptions()
      .setHost(url.getHost())
      .setPort(url.getPort() > 0 ? url.getPort() : (tls ? 443 : 80))
      .setURI(url.getRawPath() == null || url.getRawPath().isEmpty() ? "/frames" : url.getRawPath())
      .setSsl(tls);
    if (token != null) {
      connect.addHeader("Authorization", "Bearer " + token);
    }
    // Sessions run on several event loops and record into one histogram.
    Histogram latency = new SynchronizedHistogram(TimeUnit.MINUTES.toMicros(1), 3);
    Histogram added = new SynchronizedHistogram(TimeUnit.MINUTES.toMicros(1), 3);
    StageBreakdown stages = new StageBreakdown();
    List<ReplaySession> all = new ArrayList<>();
    sessionsRun = all;
    AdaptiveFrames ladder = adaptiveTargetMs > 0 ? AdaptiveFrames.of(source, fps) : null;
    List<Future<Void>> connected = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      ReplaySession session = new ReplaySession(i, vertx, source, fps, window, latency, added, stages,
        ladder == null ? null : new SessionAdaptation(ladder.controller(adaptiveTargetMs, fps), ladder));
      all.add(session);
      connected.add(session.connect(client, connect, pipeline));
    }
    return Future.all(connected)
      .compose(v -> measure(all))
      .map(seconds -> ReplayReport.of(url.toString(), source, fps, window, seconds, all, latency, added, stages.toJson()))
      .eventually(() -> Future.join(all.stream().map(ReplaySession::close).toList()).otherwiseEmpty()
        .compose(v -> client.close()));
  }

  private Future<Double> measure(List<ReplaySession> all) {
    Promise<Double> done = Promise.promise();
    long start = System.nanoTime();
    long interval = TimeUnit.SECONDS.toNanos(1) / fps;
    for (int i = 0; i < all.size(); i++) {
      all.get(i).start(start + interval * i / all.size(), start + warmup.toNanos());
    }
    long[] last = {0, 0};
    long progressTimer = vertx.setPeriodic(1000, id -> {
      long sent = all.stream().mapToLong(s -> s.sent).sum();
      long received = all.stream().mapToLong(s -> s.received).sum();
      long dropped = all.stream().mapToLong(s -> s.lastStats.getLong("droppedTotal", 0L)).sum();
      long errors = all.stream().mapToLong(s -> s.errors).sum();
      progress.accept(String.format(Locale.ROOT, "%5.1fs  out %6d fps  in %6d fps  sent %8d  received %8d  dropped %7d  errors %d",
        (System.nanoTime() - start) / 1e9, sent - last[0], received - last[1], sent, received, dropped, errors));
      last[0] = sent;
      last[1] = received;
    });
    vertx.setTimer(duration.toMillis(), id -> {
      double seconds = (System.nanoTime() - start) / 1e9;
      all.forEach(ReplaySession::stopSending);
      drain(all, System.nanoTime() + DRAIN.toNanos(), () -> {
        vertx.cancelTimer(progressTimer);
        done.complete(seconds);
      });
    });
    return done.future();
  }

  /** Waits until every sent frame is accounted for by the server's stats, or the deadline. */
  private void drain(List<ReplaySession> all, long deadline, Runnable then) {
    boolean settled = all.stream().allMatch(s -> s.serverIn() == s.sent && s.lastStats.getInteger("pending", 1) == 0
      && s.received + s.lastStats.getLong("droppedTotal", 0L) + s.errors >= s.sent);
    if (settled || System.nanoTime() > deadline) {
      then.run();
    } else {
      vertx.setTimer(100, id -> drain(all, deadline, then));
    }
  }
}
