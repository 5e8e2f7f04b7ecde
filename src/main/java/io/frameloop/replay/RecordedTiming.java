package io.frameloop.replay;

import io.frameloop.record.RecordingReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * When a recording's frames arrived, and its pipelines: the one it started with and each change,
 * placed before the first frame that arrived after it.
 *
 * @param arrivalMicros each frame's arrival, from the recording's start
 * @param pipeline      the pipeline at the start ({@code {"ops":[...],"quality":N}}), or null
 */
public record RecordedTiming(long[] arrivalMicros, JsonObject pipeline, List<PipelineChange> changes) {

  /** A pipeline to send just before frame {@code beforeFrame} (an index into the frames). */
  public record PipelineChange(int beforeFrame, JsonObject pipeline) {
  }

  static RecordedTiming of(RecordingReader.Recorded recorded) {
    List<RecordingReader.Frame> frames = recorded.frames();
    long[] arrivals = frames.stream().mapToLong(RecordingReader.Frame::arrivalMicros).toArray();
    List<PipelineChange> changes = new ArrayList<>();
    JsonArray recordedChanges = recorded.session().getJsonArray("pipelineChanges", new JsonArray());
    for (int i = 0; i < recordedChanges.size(); i++) {
      JsonObject change = recordedChanges.getJsonObject(i);
      long micros = Math.round(change.getDouble("arrival_ms", 0.0) * 1000);
      int before = 0;
      while (before < arrivals.length && arrivals[before] < micros) {
        before++;
      }
      if (before < arrivals.length) { // a change after the last frame changes nothing that is replayed
        changes.add(new PipelineChange(before, change.getJsonObject("pipeline")));
      }
    }
    return new RecordedTiming(arrivals, recorded.session().getJsonObject("pipeline"), List.copyOf(changes));
  }

  /** The same times without the pipelines (a run with its own {@code --pipeline}). */
  RecordedTiming withoutPipelines() {
    return new RecordedTiming(arrivalMicros, null, List.of());
  }

  /**
   * The recording's length from its first frame to its last, plus one average gap: when a loop
   * starts over. At least 10 ms, so that a recording of one frame (or of one burst) still loops at
   * a bounded rate.
   */
  long loopMicros() {
    int n = arrivalMicros.length;
    long span = arrivalMicros[n - 1] - arrivalMicros[0];
    return Math.max(10_000, span + (n > 1 ? span / (n - 1) : 0));
  }
}
