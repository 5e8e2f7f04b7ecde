package io.frameloop.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.record.RecordingReader;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A recording's results matched to its frames: by sequence, a bare frame's in order, and a bad line named. */
class RecordedResultsTest {

  private static final Path DIR = Path.of("rec-test");

  private static RecordingReader.Frame frame(long sequence) {
    return new RecordingReader.Frame(sequence, sequence < 0 ? null : sequence * 10, 1000 * Math.max(0, sequence),
      Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8}));
  }

  private static JsonObject results(Long seq, int faces) {
    JsonArray detections = new JsonArray();
    for (int i = 0; i < faces; i++) {
      detections.add(new JsonObject().put("op", "faces").put("label", "face").put("score", 0.9)
        .put("box", new JsonArray().add(10 * i).add(10).add(40).add(40)));
    }
    JsonObject message = new JsonObject().put("type", "results").put("width", 640).put("height", 480).put("detections", detections);
    return seq == null ? message : message.put("seq", seq).put("timestamp", seq * 10);
  }

  private static RecordingReader.Recorded recorded(List<RecordingReader.Frame> frames, List<JsonObject> results) {
    return new RecordingReader.Recorded(DIR, frames, new JsonObject(), results);
  }

  @Test
  void resultsGoToTheFramesOfTheirSequenceAndABareFramesToTheBareFramesInOrder() {
    List<RecordingReader.Frame> frames = List.of(frame(5), frame(-1), frame(6), frame(-1), frame(7));
    // Seq 4 came before the recording started (its frame is not in it); seq 7 had no results; 6 came late.
    List<JsonObject> results = List.of(results(4L, 3), results(5L, 1), results(null, 2), results(null, 0), results(6L, 2));
    RecordedResults kept = RecordedResults.of(recorded(frames, results));
    assertThat(kept.messages()).isEqualTo(5);
    assertThat(kept.detections()).isEqualTo(8);
    assertThat(kept.detectionsByFrame()).containsExactly(1, 2, 2, 0, -1);
    assertThat(kept.detectionsOf(4)).as("no results recorded for it").isEqualTo(-1);
    assertThat(kept.detectionsOf(99)).isEqualTo(-1);
    assertThat(kept.toJson()).isEqualTo(new JsonObject().put("messages", 5).put("detections", 8L).put("frames", 4L));
    assertThat(kept.any()).isTrue();
    assertThat(RecordedResults.of(recorded(frames, List.of())).any()).isFalse();
  }

  @Test
  void aResultsMessageWithAFieldOfTheWrongTypeIsAnErrorNamingTheFileAndTheMessage() {
    List<RecordingReader.Frame> frames = List.of(frame(1), frame(2));
    assertThatThrownBy(() -> RecordedResults.of(recorded(frames, List.of(results(1L, 1), results(2L, 0).put("detections", "none")))))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(DIR.resolve("results.jsonl").toString())
      .hasMessageContaining("results message 2").hasMessageContaining("\"detections\" must be an array");
    assertThatThrownBy(() -> RecordedResults.of(recorded(frames, List.of(results(1L, 1).put("seq", "one")))))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("results message 1")
      .hasMessageContaining("\"seq\" must be a number");
  }
}
