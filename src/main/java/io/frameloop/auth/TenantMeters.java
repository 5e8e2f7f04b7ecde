package io.frameloop.auth;

import io.frameloop.pipeline.StageTimes;
import io.frameloop.session.DropReason;
import io.frameloop.session.SessionListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** One tenant label's meters: open sessions, frames in and out, drops by reason, refused sessions. */
record TenantMeters(AtomicInteger sessions, Counter framesIn, Counter framesOut, Map<DropReason, Counter> dropped,
                    Counter refused) {

  TenantMeters(MeterRegistry registry, String tenant) {
    this(new AtomicInteger(), counter(registry, "frameloop.tenant.frames.in", tenant, "Binary messages received"),
      counter(registry, "frameloop.tenant.frames.out", tenant, "Processed frames sent"), new EnumMap<>(DropReason.class),
      counter(registry, "frameloop.tenant.sessions.refused", tenant, "Sessions refused: the tenant had maxSessionsPerTenant open"));
    Gauge.builder("frameloop.tenant.sessions", sessions, AtomicInteger::get).tag("tenant", tenant)
      .description("A tenant's open sessions").register(registry);
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, Counter.builder("frameloop.tenant.frames.dropped").tag("tenant", tenant).tag("reason", reason.wireName())
        .description("A tenant's frames received but not answered").register(registry));
    }
  }

  private static Counter counter(MeterRegistry registry, String name, String tenant, String description) {
    return Counter.builder(name).tag("tenant", tenant).description(description).register(registry);
  }

  /** Counts for this tenant, and passes everything on to the server's listener. */
  SessionListener listener(SessionListener server) {
    return new SessionListener() {
      @Override
      public void frameIn(int bytes) {
        framesIn.increment();
        server.frameIn(bytes);
      }

      @Override
      public void frameOut(int bytes) {
        framesOut.increment();
        server.frameOut(bytes);
      }

      @Override
      public void dropped(DropReason reason) {
        dropped.get(reason).increment();
        server.dropped(reason);
      }

      @Override
      public void error(String code) {
        server.error(code);
      }

      @Override
      public void processed(long processingNanos, long queueWaitNanos) {
        server.processed(processingNanos, queueWaitNanos);
      }

      @Override
      public void stages(StageTimes stages, long queueWaitNanos) {
        server.stages(stages, queueWaitNanos);
      }

      @Override
      public void sessionRejected(String reason) {
        server.sessionRejected(reason);
      }
    };
  }
}
