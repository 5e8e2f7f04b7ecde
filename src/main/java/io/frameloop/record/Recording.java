package io.frameloop.record;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.frameloop.protocol.FrameKind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One running recording. Its session calls {@link #frame}, {@link #results}, {@link #pipelineChange}
 * and {@link #stop} on its own event loop; the files are written on the writer thread.
 * The counts the session reports are the writer's, read across threads.
 */
public final class Recording {

  /** Pipeline changes kept for {@code session.json}; a session that makes more stops its recording. */
  static final int MAX_PIPELINE_CHANGES = 1000;

  private final WriterQueue writer;
  private final RecordingBudget budget;
  private final Runnable onStopped;
  private final String id;
  private final long maxBytes;
  private final long startNanos;
  private RecordingFiles files; // writer thread only
  /** Its frames waiting for the writer, as the queue counts them: at most its share of the queue. */
  private final AtomicLong queuedBytes = new AtomicLong();
  // Event loop only.
  private long acceptedBytes;
  private int pipelineChanges;
  private int videoChanges;
  private boolean stopped;
  // Written by the writer, read by the session.
  private volatile long framesWritten;
  private volatile long bytesWritten;
  private volatile long skipped;
  private volatile long resultsWritten;
  private volatile long resultsSkipped;
  private volatile String failure;

  Recording(WriterQueue writer, RecordingBudget budget, String id, long maxBytes, long startNanos, Runnable onStopped) {
    this.writer = writer;
    this.budget = budget;
    this.onStopped = onStopped;
    this.id = id;
    this.maxBytes = maxBytes;
    this.startNanos = startNanos;
  }

  void opened(RecordingFiles files) {
    this.files = files;
  }

  public String id() {
    return id;
  }

  /**
   * Queues a frame that arrived at {@code arrivedNanos} ({@link System#nanoTime}), or skips it
   * when the writer is behind.
   *
   * @param sequence        the client's sequence number, -1 for a bare frame
   * @param clientTimestamp the client's timestamp, null for a bare frame
   * @return null, or why the recording must stop now (its size limit, a write that failed)
   */
  public String frame(long sequence, Long clientTimestamp, Buffer jpeg, long arrivedNanos) {
    return frame(sequence, clientTimestamp, jpeg, FrameKind.JPEG, arrivedNanos);
  }

  /** As {@link #frame(long, Long, Buffer, long)}, for a frame of this kind: a JPEG or a video chunk. */
  public String frame(long sequence, Long clientTimestamp, Buffer jpeg, FrameKind kind, long arrivedNanos) {
    if (failure != null) {
      return failure;
    }
    long cost = RecordingFormat.frameCost(jpeg.length());
    String over = reserve(cost);
    if (over != null) {
      return over;
    }
    long arrivalMicros = micros(arrivedNanos);
    if (submit(cost, jpeg.length(), () -> {
      // The writer gets its own copy: it must not depend on what happens to the session's buffer.
      byte[] bytes = jpeg.getBytes();
      return () -> {
        files.frame(sequence, clientTimestamp, arrivalMicros, bytes, kind);
        bytesWritten += cost;
        framesWritten++;
      };
    })) {
      acceptedBytes += cost;
    } else {
      skipped++;
    }
    return null;
  }

  /**
   * Queues a results message the server sent the session, as sent, for {@code results.jsonl}, or
   * skips it when the writer is behind. Its line counts against {@code recordMaxBytes} and the
   * writer's queue like a frame.
   *
   * @return null, or why the recording must stop now (its size limit, a write that failed)
   */
  public String results(JsonObject message) {
    if (failure != null) {
      return failure;
    }
    // Encoded here, once: its size is what the limits count. A results message is small (the server bounds it).
    byte[] json = message.toBuffer().getBytes();
    long cost = RecordingFormat.resultsCost(json.length);
    String over = reserve(cost);
    if (over != null) {
      return over;
    }
    if (submit(cost, json.length, () -> {
      byte[] line = Arrays.copyOf(json, json.length + 1);
      line[json.length] = '\n';
      return () -> {
        files.results(line);
        bytesWritten += cost;
        resultsWritten++;
      };
    })) {
      acceptedBytes += cost;
    } else {
      resultsSkipped++;
    }
    return null;
  }

  /** Records the session's new pipeline; null, or why the recording must stop. */
  public String pipelineChange(JsonObject pipeline, long arrivedNanos) {
    if (++pipelineChanges > MAX_PIPELINE_CHANGES) {
      return "the session changed its pipeline more than " + MAX_PIPELINE_CHANGES + " times while recording";
    }
    // Its line in pipelines.jsonl counts like a results line: a session cannot grow the directory unbounded by changes.
    long cost = RecordingFormat.resultsCost(pipeline.toBuffer().length() + 32);
    String over = reserve(cost);
    if (over != null) {
      return over;
    }
    acceptedBytes += cost;
    long arrivalMicros = micros(arrivedNanos);
    writer.submit(() -> budget.settled(cost, write(() -> files.pipelineChange(arrivalMicros, pipeline))));
    return null;
  }

  /** Records the session's video configuration (the normalized {@code video} answer); null, or why the recording must stop. */
  public String videoChange(JsonObject video, long arrivedNanos) {
    if (++videoChanges > MAX_PIPELINE_CHANGES) {
      return "the session changed its video more than " + MAX_PIPELINE_CHANGES + " times while recording";
    }
    long arrivalMicros = micros(arrivedNanos);
    writer.submit(() -> write(() -> files.videoChange(arrivalMicros, video)));
    return null;
  }

  private long micros(long nanos) {
    return TimeUnit.NANOSECONDS.toMicros(Math.max(0, nanos - startNanos));
  }

  /** Null, or why {@code cost} more would take the recording over {@code recordMaxBytes} or all recordings over {@code recordTotalMaxBytes}. */
  private String reserve(long cost) {
    if (acceptedBytes + cost > maxBytes) {
      return "the recording reached recordMaxBytes (" + maxBytes + " bytes)";
    }
    if (!budget.reserve(cost)) {
      return "the server's recordings together reached recordTotalMaxBytes (" + budget.maxBytes() + " bytes)";
    }
    return null;
  }

  /**
   * Queues a write of {@code cost} (reserved in the budget) holding {@code bytes} in the queue, made by
   * {@code work} once the queue has room; false when it has none (the reservation is given back).
   */
  private boolean submit(long cost, int bytes, Supplier<FileWork> work) {
    boolean queued = false;
    try {
      queued = writer.submitFrame(queuedBytes, bytes, () -> {
        FileWork made = work.get();
        return () -> budget.settled(cost, write(made));
      });
      return queued;
    } finally {
      if (!queued) {
        budget.settled(cost, false);
      }
    }
  }

  /** An operation whose failure stops the recording (the session hears why with its next frame). */
  interface FileWork {
    void run() throws IOException;
  }

  /** Runs {@code work} unless the recording failed already: whether it ran and succeeded. */
  private boolean write(FileWork work) {
    if (failure != null) {
      return false;
    }
    try {
      work.run();
      return true;
    } catch (RecordingRefusedException e) { // the free-space floor: a reason for the client, not a fault
      if (failure == null) {
        failure = e.getMessage();
      }
      WriterQueue.FAILURES.warn("recording " + id + " stopped: " + e.getMessage());
      return false;
    } catch (Throwable e) { // even an Error (out of memory): this recording stops, the others go on
      failed(e);
      return false;
    }
  }

  private void failed(Throwable e) {
    if (failure == null) {
      failure = "the server could not write the recording: " + e.getClass().getSimpleName();
    }
    WriterQueue.FAILURES.warn("recording " + id + " failed", e);
  }

  /**
   * Stops the recording: the queued frames are written, then the index closed and
   * {@code session.json} completed (with the {@code failure} when a write failed). Completes on
   * the caller's context with {@link #describe()}, whatever the disk did.
   */
  public Future<JsonObject> stop(String reason) {
    if (stopped) {
      return Future.succeededFuture(describe());
    }
    stopped = true;
    Promise<JsonObject> done = Promise.promise();
    Context context = Vertx.currentContext();
    writer.submit(() -> {
      try {
        JsonObject summary = new JsonObject().put("stoppedAt", ZonedDateTime.now(ZoneOffset.UTC).toString())
          .put("stopReason", reason).put("frames", framesWritten).put("bytes", bytesWritten).put("skipped", skipped)
          .put("results", resultsWritten).put("resultsSkipped", resultsSkipped);
        files.close(failure == null ? summary : summary.put("failure", failure));
      } catch (Throwable e) {
        failed(e);
      } finally {
        onStopped.run();
        if (context == null) {
          done.complete(describe());
        } else {
          context.runOnContext(v -> done.complete(describe()));
        }
      }
    });
    return done.future();
  }

  /**
   * {@code {"id":..., "frames":N, "bytes":N, "skipped":N, "results":N, "resultsSkipped":N}}: what
   * has been written so far (bytes: frames and results lines together).
   */
  public JsonObject describe() {
    JsonObject json = new JsonObject().put("id", id).put("frames", framesWritten).put("bytes", bytesWritten)
      .put("skipped", skipped).put("results", resultsWritten).put("resultsSkipped", resultsSkipped);
    return failure == null ? json : json.put("failure", failure);
  }
}
