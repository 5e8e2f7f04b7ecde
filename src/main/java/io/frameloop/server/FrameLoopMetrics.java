package io.frameloop.server;

import io.frameloop.image.NativeMats;
import io.frameloop.session.DropReason;
import io.frameloop.session.SessionListener;
import io.frameloop.worker.WorkerPool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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

  FrameLoopMetrics(MeterRegistry registry, Supplier<Number> activeSessions, WorkerPool pool, int workers) {
    this.registry = registry;
    framesIn = Counter.builder("frameloop.frames.in").description("Binary messages received").register(registry);
    framesOut = Counter.builder("frameloop.frames.out").description("Processed frames sent").register(registry);
    bytesIn = Counter.builder("frameloop.bytes.in").description("Binary bytes received").register(registry);
    bytesOut = Counter.builder("frameloop.bytes.out").description("Binary bytes sent").register(registry);
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
    Gauge.builder("frameloop.sessions.active", activeSessions).description("Open WebSocket sessions").register(registry);
    Gauge.builder("frameloop.workers.busy", pool, WorkerPool::busy).description("Frames in the workers now")
      .register(registry);
    Gauge.builder("frameloop.workers", () -> workers).description("Worker verticles").register(registry);
    Gauge.builder("frameloop.native.mats", NativeMats::live).description("OpenCV Mats alive").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
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
  public void sessionRejected(String reason) {
    rejected.computeIfAbsent(reason, r -> Counter.builder("frameloop.sessions.rejected").tag("reason", r)
      .description("WebSocket upgrades refused").register(registry)).increment();
  }
}
