package io.frameloop.server;

import io.frameloop.image.NativeMats;
import io.frameloop.video.OpenVideoCodecs;
import io.frameloop.video.VideoNativeBytes;
import io.frameloop.pipeline.StageTimes;
import io.frameloop.session.DropReason;
import io.frameloop.session.SessionListener;
import io.frameloop.worker.WorkerPool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/** FrameLoop's server-wide meters in a Micrometer registry (scraped as Prometheus text at /metrics). */
final class FrameLoopMetrics implements SessionListener {

  private final MeterRegistry registry;
  private final Counter framesIn;
  private final Counter framesOut;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
  private final Timer processing;
  private final Timer queueWait;
  private static final int MAX_STAGE_SERIES = 100;
  /** frameloop_stage_seconds by "stage/op", at most {@link #MAX_STAGE_SERIES} of them. */
  private final Map<String, Timer> stages = new ConcurrentHashMap<>();
  /** The gauges bound to this FrameLoop's pool and sessions, removed when it closes. */
  private final List<Meter> ownGauges = new ArrayList<>();

  FrameLoopMetrics(MeterRegistry registry, WorkerPool pool, int workers) {
    this.registry = registry;
    framesIn = Counter.builder("frameloop.frames.in").description("Binary messages received").register(registry);
    framesOut = Counter.builder("frameloop.frames.out").description("Processed frames sent").register(registry);
    bytesIn = Counter.builder("frameloop.bytes.in").description("Binary bytes received").register(registry);
    bytesOut = Counter.builder("frameloop.bytes.out").description("Bytes of processed frames sent: images and results messages").register(registry);
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, Counter.builder("frameloop.frames.dropped").tag("reason", reason.wireName())
        .description("Frames received but not answered").register(registry));
    }
    processing = Timer.builder("frameloop.processing").description("Decode, ops and encode on a worker")
      .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
      .register(registry);
    queueWait = Timer.builder("frameloop.queue.wait").description("A frame's time in the server besides processing")
      .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
      .register(registry);
    ownGauges.add(Gauge.builder("frameloop.workers.busy", pool, WorkerPool::busy).description("Frames in the workers now")
      .register(registry));
    ownGauges.add(Gauge.builder("frameloop.workers", () -> workers).description("Worker verticles").register(registry));
    Gauge.builder("frameloop.native.mats", NativeMats::live).description("OpenCV Mats alive").register(registry);
    Gauge.builder("frameloop.video.decoders", OpenVideoCodecs::decoders).description("Video decoders open").register(registry);
    Gauge.builder("frameloop.video.encoders", OpenVideoCodecs::encoders).description("Video encoders open").register(registry);
    Gauge.builder("frameloop.video.native.bytes", VideoNativeBytes::now).description("Bytes the video codecs' JavaCPP buffers hold")
      .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /** The open sessions gauge, once the handler that keeps them exists. */
  void countSessions(FramesHandler sessions) {
    ownGauges.add(Gauge.builder("frameloop.sessions.active", sessions, FramesHandler::sessionCount)
      .description("Open WebSocket sessions").register(registry));
  }

  /**
   * Removes the gauges that read this FrameLoop's objects: Micrometer hands an existing meter back
   * for the same name, so a FrameLoop deployed next on the same registry would otherwise report
   * the closed one's sessions and workers. The counters stay and go on counting.
   */
  void close() {
    ownGauges.forEach(registry::remove);
  }

  @Override
  public void frameIn(int bytes) {
    framesIn.increment();
    bytesIn.increment(bytes);
  }

  @Override
  public void frameOut(int bytes) {
    framesOut.increment();
    bytesOut.increment(bytes);
  }

  @Override
  public void dropped(DropReason reason) {
    dropped.get(reason).increment();
  }

  @Override
  public void error(String code) {
    errors.computeIfAbsent(code, c -> Counter.builder("frameloop.errors").tag("code", c)
      .description("Error messages sent to clients").register(registry)).increment();
  }

  @Override
  public void processed(long processingNanos, long queueWaitNanos) {
    processing.record(processingNanos, TimeUnit.NANOSECONDS);
    queueWait.record(queueWaitNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void stages(StageTimes times, long queueWaitNanos) {
    stage("queue", "").record(queueWaitNanos, TimeUnit.NANOSECONDS);
    stage("decode", "").record(times.decodeNanos(), TimeUnit.NANOSECONDS);
    if (times.setupNanos() > 0) {
      stage("setup", "").record(times.setupNanos(), TimeUnit.NANOSECONDS);
    }
    for (StageTimes.OpTime op : times.ops()) {
      stage("op", op.op()).record(op.nanos(), TimeUnit.NANOSECONDS);
    }
    stage("encode", "").record(times.encodeNanos(), TimeUnit.NANOSECONDS);
  }

  private Timer stage(String stage, String op) {
    String key = stage + "/" + op;
    Timer known = stages.get(key);
    if (known != null) {
      return known;
    }
    // Op names come from the registry by way of the workers: bounded all the same, in case a
    // worker is not what it should be.
    String label = stages.size() >= MAX_STAGE_SERIES ? "other" : op;
    return stages.computeIfAbsent(stage + "/" + label, k -> Timer.builder("frameloop.stage")
      .description("A frame's time by stage: queue (in the server besides processing), decode, setup (making the ops), each op, encode")
      .tag("stage", stage).tag("op", label)
      // A few fixed buckets: one histogram per op used, so not Micrometer's ~70 percentile buckets each.
      .serviceLevelObjectives(STAGE_BUCKETS)
      .register(registry));
  }

  private static final Duration[] STAGE_BUCKETS = LongStream.of(250, 500, 1000, 2000, 5000, 10_000,
      20_000, 50_000, 100_000, 250_000, 1_000_000).mapToObj(Duration::ofNanos).map(d -> d.multipliedBy(1000))
    .toArray(Duration[]::new);

  @Override
  public void sessionRejected(String reason) {
    rejected.computeIfAbsent(reason, r -> Counter.builder("frameloop.sessions.rejected").tag("reason", r)
      .description("WebSocket upgrades refused").register(registry)).increment();
  }
}
