package io.frameloop.record;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code recordTotalMaxBytes}: what all recordings in {@code recordDir} take together, counted as
 * {@code recordMaxBytes} counts. Each start measures the directory on the writer thread (so a
 * recording moved away makes room), to which the bytes accepted and not yet written are added; the
 * running recordings reserve each frame's cost before they queue it.
 */
final class RecordingBudget {

  private final long maxBytes;
  private final AtomicLong used = new AtomicLong();
  /** Accepted by the running recordings and not yet written (or dropped): not on disk for a measure to see. */
  private final AtomicLong pending = new AtomicLong();

  RecordingBudget(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  long maxBytes() {
    return maxBytes;
  }

  /** The directory holds {@code diskBytes} now (writer thread, so nothing is being written meanwhile): whether a recording may start. */
  boolean measured(long diskBytes) {
    long total = diskBytes + pending.get();
    used.set(total);
    return total < maxBytes;
  }

  /** Reserves {@code cost} for a frame or line to be queued: false, and nothing reserved, when it would go over the budget. */
  boolean reserve(long cost) {
    while (true) {
      long before = used.get();
      if (before + cost > maxBytes) {
        return false;
      }
      if (used.compareAndSet(before, before + cost)) {
        pending.addAndGet(cost);
        return true;
      }
    }
  }

  /** A reserved {@code cost} was written, or will never be (skipped, failed): it is on disk or nowhere. */
  void settled(long cost, boolean written) {
    pending.addAndGet(-cost);
    if (!written) {
      used.addAndGet(-cost);
    }
  }
}
