package io.frameloop.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.record.RecordingFormat;
import io.frameloop.record.RecordingReader;
import io.frameloop.testing.Images;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A recording's timing and pipelines, read from its files; a broken {@code session.json} is an error naming what is wrong. */
class RecordedTimingTest {

  private static final String GRAY = "{\"ops\":[{\"op\":\"gray\"}],\"quality\":80}";

  @TempDir
  Path dir;

  /** A recording of two frames (at 0 and 40 ms) whose {@code session.json} has {@code sessionFields}. */
  private RecordingReader.Recorded recording(String sessionFields) throws IOException {
    Buffer jpeg = Images.fixture("coffee-640x480.jpg");
    Files.write(dir.resolve(RecordingFormat.frameFile(1)), jpeg.getBytes());
    Files.write(dir.resolve(RecordingFormat.frameFile(2)), jpeg.getBytes());
    Files.writeString(dir.resolve(RecordingFormat.INDEX), RecordingFormat.INDEX_HEADER + "\n"
      + "1,1000,0.000," + jpeg.length() + "," + RecordingFormat.frameFile(1) + "\n"
      + "2,1040,40.000," + jpeg.length() + "," + RecordingFormat.frameFile(2) + "\n");
    Files.writeString(dir.resolve(RecordingFormat.SESSION), "{\"format\":\"" + RecordingFormat.FORMAT + "\",\"version\":1"
      + (sessionFields.isEmpty() ? "" : "," + sessionFields) + "}");
    return RecordingReader.read(dir, 1000);
  }

  @Test
  void aPipelineChangeGoesBeforeTheFirstFrameThatArrivedAfterIt() throws IOException {
    RecordedTiming timing = RecordedTiming.of(recording("\"pipeline\":" + GRAY
      + ",\"pipelineChanges\":[{\"arrival_ms\":20.5,\"pipeline\":" + GRAY + "}]"));
    assertThat(timing.arrivalMicros()).containsExactly(0, 40_000);
    assertThat(timing.pipeline()).isEqualTo(new JsonObject(GRAY));
    assertThat(timing.changes()).containsExactly(new RecordedTiming.PipelineChange(1, new JsonObject(GRAY)));
  }

  @Test
  void withoutPipelinesTheRecordingHasNone() throws IOException {
    RecordedTiming timing = RecordedTiming.of(recording(""));
    assertThat(timing.pipeline()).isNull();
    assertThat(timing.changes()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
    "pipeline":"gray"                                         | "pipeline" must be an object, got "gray"
    "pipelineChanges":{}                                      | "pipelineChanges" must be an array, got {}
    "pipelineChanges":[3]                                     | "pipelineChanges[0]" must be an object, got 3
    "pipelineChanges":[{"arrival_ms":"soon","pipeline":{}}]   | "pipelineChanges[0].arrival_ms" must be a number, got "soon"
    "pipelineChanges":[{"arrival_ms":1.5}]                    | "pipelineChanges[0].pipeline" must be an object, got nothing
    "pipelineChanges":[{"arrival_ms":1.5,"pipeline":[]}]      | "pipelineChanges[0].pipeline" must be an object, got []
    """)
  void aSessionFileWithAFieldOfTheWrongTypeIsAnErrorNamingTheFileAndTheField(String fields, String message)
    throws IOException {
    RecordingReader.Recorded recorded = recording(fields);
    assertThatThrownBy(() -> RecordedTiming.of(recorded)).isInstanceOf(IllegalArgumentException.class)
      .hasMessage(dir.resolve(RecordingFormat.SESSION) + ": " + message);
  }
}
