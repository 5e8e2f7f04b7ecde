package io.frameloop.session;

import io.frameloop.protocol.InboundFrame;
import io.frameloop.protocol.ServerMessages;
import io.frameloop.record.Recorder;
import io.frameloop.record.Recording;
import io.frameloop.record.RecordingRefusedException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * A session's side of recording: the {@code record} message, the frames, results messages and
 * pipeline changes it passes on while a recording runs, and the recording's state in {@code stats}. Used on the
 * session's event loop; the files are the {@link Recorder}'s business.
 */
final class SessionRecorder {

  private final Recorder recorder;
  /** Sends the session a message of the recorder's own (a recording stopped by the server). */
  private final Consumer<JsonObject> notify;
  private Recording recording;
  /** The session's video configuration (the normalized answer), recorded first in every recording; null before one. */
  private JsonObject video;
  /** Whether the running recording still waits for a key chunk to start its video at. */
  private boolean awaitingKey;
  private boolean starting;
  private boolean closed;

  SessionRecorder(Recorder recorder, Consumer<JsonObject> notify) {
    this.recorder = recorder;
    this.notify = notify;
  }

  boolean allowed() {
    return recorder.allowed();
  }

  /** The answer to {@code {"type":"record","enabled":...}}; the session's pipeline is recorded first. */
  Future<JsonObject> apply(boolean enabled, JsonObject pipeline) {
    if (!recorder.allowed()) {
      return Future.succeededFuture(ServerMessages.error(ServerMessages.BAD_MESSAGE,
        "record: recording is off on this server (it has no recordDir); hello's \"recording\" says whether it is allowed"));
    }
    if (starting) {
      return Future.succeededFuture(ServerMessages.error(ServerMessages.BAD_MESSAGE,
        "record: a recording is starting; wait for the answer"));
    }
    if (!enabled) {
      Recording stopping = recording;
      recording = null;
      return stopping == null ? Future.succeededFuture(ServerMessages.record(false, null))
        : stopping.stop("stopped by the client").map(summary -> ServerMessages.record(false, summary));
    }
    if (recording != null) {
      return Future.succeededFuture(ServerMessages.record(true, recording.describe()));
    }
    starting = true;
    return recorder.start(pipeline).map(started -> {
      starting = false;
      if (closed) { // the session closed while the recording started
        started.stop("the session closed");
        return null;
      }
      recording = started;
      awaitingKey = true;
      if (video != null) {
        stopIf(started.videoChange(video, System.nanoTime()));
      }
      return ServerMessages.record(true, started.describe());
    }).recover(failure -> {
      starting = false;
      return Future.succeededFuture(ServerMessages.error(ServerMessages.RECORD_REFUSED,
        failure instanceof RecordingRefusedException ? failure.getMessage() : "the recording could not start"));
    });
  }

  void frame(InboundFrame frame, long arrivedNanos) {
    if (recording == null) {
      return;
    }
    if (frame.kind().video()) {
      if (awaitingKey && !frame.kind().key()) {
        return; // a delta before the recording's first key: no replay could decode it
      }
      awaitingKey = false;
    }
    stopIf(recording.frame(frame.sequence(), frame.header() == null ? null : frame.header().timestamp(), frame.payload(),
      frame.kind(), arrivedNanos));
  }

  /** The session's new video configuration (the normalized {@code video} answer, without its type). */
  void videoChanged(JsonObject config) {
    video = config;
    if (recording != null) {
      stopIf(recording.videoChange(config, System.nanoTime()));
    }
  }

  /** A {@code results} message the session sent its client ({@code results.jsonl} keeps it as sent). */
  void results(JsonObject message) {
    if (recording != null) {
      stopIf(recording.results(message));
    }
  }

  void pipelineChanged(JsonObject pipeline) {
    if (recording != null) {
      stopIf(recording.pipelineChange(pipeline, System.nanoTime()));
    }
  }

  /** Stops the recording for {@code reason} (when not null) and tells the client. */
  private void stopIf(String reason) {
    if (reason != null) {
      Recording stopping = recording;
      recording = null;
      stopping.stop(reason).onSuccess(summary -> {
        if (!closed) {
          notify.accept(ServerMessages.record(false, summary.put("reason", reason)));
        }
      });
    }
  }

  /** Whether a recording runs: its size in {@code stats} changes as the writer catches up. */
  boolean recording() {
    return recording != null;
  }

  /** {@code stats} with the running recording's {@code recording} object. */
  JsonObject addTo(JsonObject stats) {
    return recording == null ? stats : stats.put("recording", recording.describe());
  }

  void close() {
    closed = true;
    if (recording != null) {
      recording.stop("the session closed");
      recording = null;
    }
  }
}
