package io.frameloop.replay;

import io.frameloop.record.RecordingFormat;
import io.frameloop.record.RecordingReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The results a recording kept ({@code results.jsonl}): how many messages and detections, and how
 * many detections the server found in each of the recording's frames, so that a replay can say
 * whether it finds the same now.
 *
 * @param messages           results messages recorded
 * @param detections         their detections, all together
 * @param detectionsByFrame  per frame of the recording (its index in the frames), the detections
 *                           recorded for it, or -1 when no results were recorded for it
 */
public record RecordedResults(int messages, long detections, int[] detectionsByFrame) {

  /**
   * The results of {@code recorded}, matched to its frames by {@code seq}; results without one
   * (bare frames) go to the bare frames in order.
   *
   * @throws IllegalArgumentException for a results line whose {@code seq} or {@code detections}
   *                                  has the wrong type, naming the file
   */
  static RecordedResults of(RecordingReader.Recorded recorded) {
    List<RecordingReader.Frame> frames = recorded.frames();
    int[] byFrame = new int[frames.size()];
    Arrays.fill(byFrame, -1);
    Map<Long, Integer> framed = new HashMap<>();
    int[] bare = new int[frames.size()];
    int bareCount = 0;
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).sequence() < 0) {
        bare[bareCount++] = i;
      } else {
        // A sequence seen twice (a client that started over) matches the frame that came first.
        framed.putIfAbsent(frames.get(i).sequence(), i);
      }
    }
    long detections = 0;
    int nextBare = 0;
    for (int line = 0; line < recorded.results().size(); line++) {
      JsonObject message = recorded.results().get(line);
      int found = detections(recorded, message, line);
      detections += found;
      Object seq = message.getValue("seq");
      if (seq != null && !(seq instanceof Number)) {
        throw new IllegalArgumentException(where(recorded, line) + ": \"seq\" must be a number");
      }
      Integer frame = seq == null ? (nextBare < bareCount ? Integer.valueOf(bare[nextBare++]) : null)
        : framed.get(((Number) seq).longValue());
      // Results for a frame that is not in the recording (sent before it started, or skipped) match none.
      if (frame != null && byFrame[frame] < 0) {
        byFrame[frame] = found;
      }
    }
    return new RecordedResults(recorded.results().size(), detections, byFrame);
  }

  private static int detections(RecordingReader.Recorded recorded, JsonObject message, int line) {
    Object detections = message.getValue("detections");
    if (detections == null) {
      return 0;
    }
    if (!(detections instanceof JsonArray array)) {
      throw new IllegalArgumentException(where(recorded, line) + ": \"detections\" must be an array");
    }
    return array.size();
  }

  private static String where(RecordingReader.Recorded recorded, int line) {
    return recorded.dir().resolve(RecordingFormat.RESULTS) + " results message " + (line + 1);
  }

  /** Whether the recording kept any results. */
  public boolean any() {
    return messages > 0;
  }

  /** The detections recorded for frame {@code frame} of the recording, or -1 when none were recorded for it. */
  int detectionsOf(int frame) {
    return frame >= 0 && frame < detectionsByFrame.length ? detectionsByFrame[frame] : -1;
  }

  /** {@code {"messages":N,"detections":N,"frames":N}}: frames = the recording's frames that have results. */
  public JsonObject toJson() {
    return new JsonObject().put("messages", messages).put("detections", detections)
      .put("frames", Arrays.stream(detectionsByFrame).filter(n -> n >= 0).count());
  }
}
