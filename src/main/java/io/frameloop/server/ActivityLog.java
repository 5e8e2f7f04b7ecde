package io.frameloop.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;

/**
 * One INFO line a minute while anything happens: sessions open and opened, frames in, out,
 * dropped and errors since the last line. Sessions themselves log at DEBUG, so a busy server's
 * log stays readable.
 */
final class ActivityLog {

  static final long INTERVAL_MS = 60_000;
  private static final System.Logger LOG = System.getLogger(ActivityLog.class.getName());

  private final MeterRegistry registry;
  private final IntSupplier openSessions;
  private final IntSupplier openedSessions;
  private double[] last = new double[4];
  private int lastOpened;

  ActivityLog(MeterRegistry registry, IntSupplier openSessions, IntSupplier openedSessions) {
    this.registry = registry;
    this.openSessions = openSessions;
    this.openedSessions = openedSessions;
  }

  void tick() {
    double[] now = {sum("frameloop.frames.in"), sum("frameloop.frames.out"), sum("frameloop.frames.dropped"),
      sum("frameloop.errors")};
    int opened = openedSessions.getAsInt();
    if (opened != lastOpened || now[0] != last[0] || openSessions.getAsInt() > 0) {
      LOG.log(System.Logger.Level.INFO, "last minute: {0} sessions open, {1} opened; frames in {2}, out {3}, dropped {4},"
          + " errors {5}", openSessions.getAsInt(), opened - lastOpened, (long) (now[0] - last[0]), (long) (now[1] - last[1]),
        (long) (now[2] - last[2]), (long) (now[3] - last[3]));
    }
    last = now;
    lastOpened = opened;
  }

  private double sum(String counter) {
    return registry.find(counter).counters().stream().mapToDouble(Counter::count).sum();
  }
}
