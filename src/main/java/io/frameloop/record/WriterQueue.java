package io.frameloop.record;

import io.frameloop.worker.RateLimitedLog;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Every file operation of a server's recordings, run in order on one writer thread (a worker pool
 * of one). A frame that would take the queue over {@link RecordingOptions#WRITER_QUEUE_MAX_BYTES},
 * or its recording over its share of the queue, is not queued: its recording skips and counts it,
 * so a slow disk never slows a session and one session cannot take the queue from the others.
 */
final class WriterQueue {

  /** Recordings that cannot be written: a client can ask again and again, the log gets a warning a minute at most. */
  static final RateLimitedLog FAILURES = new RateLimitedLog(System.getLogger(WriterQueue.class.getName()), 60_000);
  /** What a queued frame holds besides its JPEG bytes (the task, the write's closure, the array's header). */
  static final int TASK_OVERHEAD_BYTES = 256;
  /** The least a recording may have queued, however many recordings the server allows. */
  static final long MIN_SHARE_BYTES = 1024 * 1024;

  private final WorkerExecutor writer;
  private final long shareBytes;
  private final Queue<Task> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean draining = new AtomicBoolean();

  /**
   * A file operation and what it holds in the queue: {@code bytes} (0 for all but frames),
   * counted in the queue and in {@code recordingQueued}, its recording's count (null for 0).
   */
  private record Task(AtomicLong recordingQueued, long bytes, Runnable work) {
  }

  /** @param maxRecordings recordings that may run at once: each may hold its share of the queue */
  WriterQueue(WorkerExecutor writer, int maxRecordings) {
    this.writer = writer;
    this.shareBytes = Math.max(MIN_SHARE_BYTES, RecordingOptions.WRITER_QUEUE_MAX_BYTES / maxRecordings);
  }

  /**
   * Queues a frame's write, made by {@code write} only once the queue has room for it (so that a
   * frame that is skipped is not even copied); false (nothing made or queued) when the frame would
   * take the queue over its limit, or its recording, {@code recordingQueued}, over its share.
   * A recording with nothing queued may queue one frame larger than its share.
   */
  boolean submitFrame(AtomicLong recordingQueued, int jpegBytes, Supplier<Runnable> write) {
    long bytes = (long) jpegBytes + TASK_OVERHEAD_BYTES;
    long before = recordingQueued.getAndAdd(bytes);
    if (before > 0 && before + bytes > shareBytes) {
      recordingQueued.addAndGet(-bytes);
      return false;
    }
    if (queuedBytes.addAndGet(bytes) > RecordingOptions.WRITER_QUEUE_MAX_BYTES) {
      release(recordingQueued, bytes);
      return false;
    }
    Runnable work;
    try {
      work = write.get();
    } catch (RuntimeException | Error e) {
      release(recordingQueued, bytes);
      throw e;
    }
    add(new Task(recordingQueued, bytes, work));
    return true;
  }

  /** Queues an operation that holds no frame (it is never refused). */
  void submit(Runnable work) {
    add(new Task(null, 0, work));
  }

  private void add(Task task) {
    tasks.add(task);
    if (draining.compareAndSet(false, true)) {
      writer.executeBlocking(this::drain, false);
    }
  }

  private void release(AtomicLong recordingQueued, long bytes) {
    queuedBytes.addAndGet(-bytes);
    if (recordingQueued != null) {
      recordingQueued.addAndGet(-bytes);
    }
  }

  private Void drain() {
    do {
      try {
        for (Task task = tasks.poll(); task != null; task = tasks.poll()) {
          try {
            task.work().run();
          } catch (Throwable e) { // even an Error: the queue must go on for the other recordings
            FAILURES.warn("a recording's file operation failed", e);
          } finally {
            release(task.recordingQueued(), task.bytes());
          }
        }
      } finally {
        draining.set(false);
      }
      // A task added after the last poll and before the flag went down is drained here.
    } while (!tasks.isEmpty() && draining.compareAndSet(false, true));
    return null;
  }

  /** Closes the writer thread: call once nothing is queued any more. */
  Future<Void> close() {
    return writer.close();
  }
}
