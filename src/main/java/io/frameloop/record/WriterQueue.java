package io.frameloop.record;

import io.frameloop.worker.RateLimitedLog;
import io.vertx.core.WorkerExecutor;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every file operation of a server's recordings, run in order on one writer thread (a worker pool
 * of one). A frame that would take the queue over {@link RecordingOptions#WRITER_QUEUE_MAX_BYTES}
 * is not queued: its recording skips and counts it, so a slow disk never slows a session.
 */
final class WriterQueue {

  /** Recordings that cannot be written: a client can ask again and again, the log gets a warning a minute at most. */
  static final RateLimitedLog FAILURES = new RateLimitedLog(System.getLogger(WriterQueue.class.getName()), 60_000);

  private final WorkerExecutor writer;
  private final Queue<Task> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean draining = new AtomicBoolean();

  /** A file operation and the frame bytes it holds in the queue (0 for the rest). */
  private record Task(long bytes, Runnable work) {
  }

  WriterQueue(WorkerExecutor writer) {
    this.writer = writer;
  }

  /** Queues a frame's write; false (nothing queued) when that would take the queue over its limit. */
  boolean submitFrame(long bytes, Runnable work) {
    if (queuedBytes.addAndGet(bytes) > RecordingOptions.WRITER_QUEUE_MAX_BYTES) {
      queuedBytes.addAndGet(-bytes);
      return false;
    }
    submit(bytes, work);
    return true;
  }

  /** Queues an operation; {@code bytes} are already counted in the queue. */
  void submit(long bytes, Runnable work) {
    tasks.add(new Task(bytes, work));
    if (draining.compareAndSet(false, true)) {
      writer.executeBlocking(this::drain, false);
    }
  }

  private Void drain() {
    do {
      for (Task task = tasks.poll(); task != null; task = tasks.poll()) {
        try {
          task.work().run();
        } finally {
          queuedBytes.addAndGet(-task.bytes());
        }
      }
      draining.set(false);
      // A task added after the last poll and before the flag went down is drained here.
    } while (!tasks.isEmpty() && draining.compareAndSet(false, true));
    return null;
  }
}
