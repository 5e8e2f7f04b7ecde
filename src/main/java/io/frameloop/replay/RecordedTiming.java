package io.frameloop.replay;

import io.frameloop.record.RecordingFormat;
import io.frameloop.record.RecordingReader;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
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

  /**
   * The timing of {@code recorded}.
   *
   * @throws IllegalArgumentException when its {@code session.json} has a field of the wrong type
   *                                  or a pipeline change without its pipeline, naming the file and the field
   */
  static RecordedTiming of(RecordingReader.Recorded recorded) {
    Path file = recorded.dir().resolve(RecordingFormat.SESSION);
    JsonObject session = recorded.session();
    long[] arrivals = recorded.frames().stream().mapToLong(RecordingReader.Frame::arrivalMicros).toArray();
    List<PipelineChange> changes = new ArrayList<>();
    JsonArray recordedChanges = field(file, "pipelineChanges", session.getValue("pipelineChanges", new JsonArray()), JsonArray.class);
    for (int i = 0; i < recordedChanges.size(); i++) {
      String name = "pipelineChanges[" + i + "]";
      JsonObject change = field(file, name, recordedChanges.getValue(i), JsonObject.class);
      long micros = Math.round(field(file, name + ".arrival_ms", change.getValue("arrival_ms"), Number.class).doubleValue() * 1000);
      JsonObject pipeline = field(file, name + ".pipeline", change.getValue("pipeline"), JsonObject.class);
      int before = 0;
      while (before < arrivals.length && arrivals[before] < micros) {
        before++;
      }
      if (before < arrivals.length) { // a change after the last frame changes nothing that is replayed
        changes.add(new PipelineChange(before, pipeline));
      }
    }
    Object pipeline = session.getValue("pipeline");
    return new RecordedTiming(arrivals, pipeline == null ? null : field(file, "pipeline", pipeline, JsonObject.class),
      List.copyOf(changes));
  }

  /** {@code value}, the field {@code name} of {@code file}, as a {@code type}: present and of that type. */
  private static <T> T field(Path file, String name, Object value, Class<T> type) {
    if (!type.isInstance(value)) {
      String got = value == null ? "nothing" : Json.encode(value);
      throw new IllegalArgumentException(file + ": \"" + name + "\" must be " + (type == Number.class ? "a number"
        : type == JsonArray.class ? "an array" : "an object") + ", got " + (got.length() > 40 ? got.substring(0, 40) + "..." : got));
    }
    return type.cast(value);
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
