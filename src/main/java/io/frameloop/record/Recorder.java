package io.frameloop.record;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's recordings: starts them and writes their files on one writer thread of its own (a
 * named Vert.x worker pool of one thread: never an event loop, never a frame worker) through one
 * bounded {@link WriterQueue}.
 */
public final class Recorder {

  static final String WRITER_POOL = "frameloop-recorder";
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final SecureRandom RANDOM = new SecureRandom();
  /** How long {@link #close} waits for the recordings' last writes before it closes the writer thread all the same. */
  static final long CLOSE_TIMEOUT_MS = 5000;

  private final Vertx vertx;
  private final RecordingOptions options;
  private final WriterQueue writer;
  private final RecordingBudget budget;
  private final RecordingUsage usage = new RecordingUsage(); // writer thread only
  /** Recordings started and not yet stopped (their files not yet closed), starting ones among them. */
  private final AtomicInteger running = new AtomicInteger();
  private final Promise<Void> allStopped = Promise.promise();
  private volatile Context closeContext; // set before closing
  private volatile boolean closing;

  private Recorder(Vertx vertx, RecordingOptions options, WriterQueue writer) {
    this.vertx = vertx;
    this.options = options;
    this.writer = writer;
    this.budget = new RecordingBudget(options.getRecordTotalMaxBytes());
  }

  /** A recorder for {@code options}; one that refuses every recording when {@code recordDir} is not set. */
  public static Recorder create(Vertx vertx, RecordingOptions options) {
    return new Recorder(vertx, options, options.isEnabled()
      ? new WriterQueue(vertx.createSharedWorkerExecutor(WRITER_POOL, 1), options.getRecordMaxSessions()) : null);
  }

  /** Whether this server lets sessions record ({@code hello} says so). */
  public boolean allowed() {
    return writer != null;
  }

  public long maxBytes() {
    return options.getRecordMaxBytes();
  }

  /**
   * Starts a recording of a session whose pipeline is {@code pipeline}; call on the session's
   * context. The future completes there, once the recording's directory exists.
   *
   * @throws RecordingRefusedException (as the future's failure) when the server allows no more recordings
   */
  public Future<Recording> start(JsonObject pipeline) {
    if (!allowed()) {
      return Future.failedFuture(new RecordingRefusedException("recording is off on this server (no recordDir)"));
    }
    if (running.incrementAndGet() > options.getRecordMaxSessions() || closing) {
      stopped();
      return Future.failedFuture(new RecordingRefusedException(closing ? "the server is shutting down"
        : "this server already runs " + options.getRecordMaxSessions() + " recordings (recordMaxSessions): try again later"));
    }
    String id = "rec-" + ZonedDateTime.now(ZoneOffset.UTC).format(ID_TIME) + "-" + HexFormat.of().formatHex(randomBytes());
    Recording recording = new Recording(writer, budget, id, options.getRecordMaxBytes(), System.nanoTime(), this::stopped);
    JsonObject session = new JsonObject().put("format", RecordingFormat.FORMAT).put("version", RecordingFormat.VERSION)
      .put("id", id).put("server", "FrameLoop " + version()).put("startedAt", ZonedDateTime.now(ZoneOffset.UTC).toString())
      .put("pipeline", pipeline);
    Promise<Recording> started = Promise.promise();
    Context context = Vertx.currentContext();
    writer.submit(() -> {
      Future<Recording> outcome;
      try {
        Path root = Path.of(options.getRecordDir());
        if (!budget.measured(usage.measure(root))) {
          throw new RecordingRefusedException("the recordings in the server's recording directory reached"
            + " recordTotalMaxBytes (" + budget.maxBytes() + " bytes); none is deleted, so new recordings are refused"
            + " until some are moved away");
        }
        recording.opened(RecordingFiles.create(root, id, options.getRecordMaxFiles(), options.getRecordMinFreeBytes(), session));
        outcome = Future.succeededFuture(recording);
      } catch (RecordingRefusedException e) {
        stopped();
        outcome = Future.failedFuture(e);
      } catch (Throwable e) { // even an Error: the session must hear that its recording did not start
        stopped();
        // The client hears what kind of failure; the path and details are for the operator.
        WriterQueue.FAILURES.warn("cannot start a recording in recordDir " + options.getRecordDir(), e);
        outcome = Future.failedFuture(new RecordingRefusedException("the server cannot write the recording: "
          + e.getClass().getSimpleName()));
      }
      Future<Recording> result = outcome;
      if (context == null) {
        started.handle(result);
      } else {
        context.runOnContext(v -> started.handle(result));
      }
    });
    return started.future();
  }

  /** A recording stopped (its files closed) or did not start. */
  private void stopped() {
    if (running.decrementAndGet() == 0 && closing) {
      closeContext.runOnContext(v -> allStopped.tryComplete());
    }
  }

  /**
   * Refuses new recordings, waits until every running one has been stopped and its files closed
   * (the sessions stop theirs when they close: call this after closing them), at most
   * {@link #CLOSE_TIMEOUT_MS}, then closes the writer thread. Never fails.
   */
  public Future<Void> close() {
    if (!allowed()) {
      return Future.succeededFuture();
    }
    closeContext = vertx.getOrCreateContext();
    closing = true;
    if (running.get() == 0) {
      allStopped.tryComplete();
    }
    long timer = vertx.setTimer(CLOSE_TIMEOUT_MS, t -> {
      if (allStopped.tryComplete()) {
        WriterQueue.FAILURES.warn(running.get() + " recordings were still being written " + CLOSE_TIMEOUT_MS
          + " ms after the server began to close: their last frames and session.json may be missing");
      }
    });
    return allStopped.future().compose(v -> {
      vertx.cancelTimer(timer);
      return writer.close();
    });
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[3];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static String version() {
    String version = Recorder.class.getPackage().getImplementationVersion();
    return version == null ? "(development build)" : version;
  }

}
