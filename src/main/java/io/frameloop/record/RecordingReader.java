package io.frameloop.record;

import io.frameloop.protocol.FrameKind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a recording written by the server (see {@link RecordingFormat}). */
public final class RecordingReader {

  /**
   * One recorded frame.
   *
   * @param sequence        the client's sequence number, -1 for a bare frame
   * @param clientTimestamp the client's timestamp, null for a bare frame
   * @param arrivalMicros   when it arrived, from the recording's start
   * @param payload         the JPEG, or the video chunk
   * @param kind            which: the header flags it arrived with
   */
  public record Frame(long sequence, Long clientTimestamp, long arrivalMicros, Buffer payload, FrameKind kind) {

    /** A JPEG frame. */
    public Frame(long sequence, Long clientTimestamp, long arrivalMicros, Buffer jpeg) {
      this(sequence, clientTimestamp, arrivalMicros, jpeg, FrameKind.JPEG);
    }

    /** The JPEG of a JPEG frame. */
    public Buffer jpeg() {
      if (kind.video()) {
        throw new IllegalStateException("a video chunk, not a JPEG");
      }
      return payload;
    }
  }

  /**
   * A recording: its frames in arrival order, its {@code session.json}, and the {@code results}
   * messages the server sent while it ran, in the order sent (empty for a recording without
   * {@code results.jsonl}).
   */
  public record Recorded(Path dir, List<Frame> frames, JsonObject session, List<JsonObject> results) {
  }

  private RecordingReader() {
  }

  /** Whether {@code dir} looks like a recording (it has an index and a session file). */
  public static boolean isRecording(Path dir) {
    return Files.isRegularFile(dir.resolve(RecordingFormat.INDEX)) && Files.isRegularFile(dir.resolve(RecordingFormat.SESSION));
  }

  /**
   * Reads at most {@code maxFrames} frames of the recording in {@code dir}, and as many results
   * messages at most (the server sends one per frame at most).
   *
   * @throws IllegalArgumentException for a file that is not a recording's, saying where
   */
  public static Recorded read(Path dir, int maxFrames) {
    try {
      JsonObject session = new JsonObject(Files.readString(dir.resolve(RecordingFormat.SESSION), StandardCharsets.UTF_8));
      List<String> rows = Files.readAllLines(dir.resolve(RecordingFormat.INDEX), StandardCharsets.UTF_8);
      if (rows.isEmpty() || !rows.get(0).equals(RecordingFormat.INDEX_HEADER) && !rows.get(0).equals(RecordingFormat.INDEX_HEADER_V1)) {
        throw new IllegalArgumentException(dir.resolve(RecordingFormat.INDEX) + ": the first line must be "
          + RecordingFormat.INDEX_HEADER);
      }
      List<Frame> frames = new ArrayList<>();
      for (int line = 1; line < rows.size() && frames.size() < maxFrames; line++) {
        if (!rows.get(line).isBlank()) {
          frames.add(frame(dir, rows.get(line), line + 1));
        }
      }
      return new Recorded(dir, frames, session, results(dir.resolve(RecordingFormat.RESULTS), maxFrames));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the recording " + dir, e);
    } catch (DecodeException e) {
      throw new IllegalArgumentException(dir.resolve(RecordingFormat.SESSION) + ": not JSON: " + e.getMessage());
    }
  }

  private static List<JsonObject> results(Path file, int maxResults) throws IOException {
    List<JsonObject> results = new ArrayList<>();
    if (!Files.exists(file)) {
      return results;
    }
    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int line = 0;
      for (String text = lines.readLine(); text != null && results.size() < maxResults; text = lines.readLine()) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        try {
          results.add(new JsonObject(text));
        } catch (DecodeException | ClassCastException e) {
          throw new IllegalArgumentException(file + " line " + line + ": not a JSON object");
        }
      }
    }
    return results;
  }

  private static Frame frame(Path dir, String row, int line) throws IOException {
    String[] fields = row.split(",", -1);
    String where = dir.resolve(RecordingFormat.INDEX) + " line " + line;
    if (fields.length != 5 && fields.length != 6 || !RecordingFormat.FRAME_FILE.matcher(fields[4]).matches()) {
      throw new IllegalArgumentException(where + ": expected " + RecordingFormat.INDEX_HEADER + " with a file like 000001.jpg");
    }
    FrameKind kind = FrameKind.JPEG; // a version 1 row: no flags
    if (fields.length == 6) {
      kind = Arrays.stream(FrameKind.values()).filter(k -> Integer.toString(k.flags()).equals(fields[5])).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(where + ": flags " + fields[5] + " are none of 0, 1, 3"));
    }
    try {
      long sequence = fields[0].isEmpty() ? -1 : Long.parseLong(fields[0]);
      Long timestamp = fields[1].isEmpty() ? null : Long.parseLong(fields[1]);
      long arrivalMicros = Math.round(Double.parseDouble(fields[2]) * 1000);
      byte[] jpeg = Files.readAllBytes(dir.resolve(fields[4]));
      if (jpeg.length != Integer.parseInt(fields[3])) {
        throw new IllegalArgumentException(where + ": " + fields[4] + " has " + jpeg.length + " bytes, the index says " + fields[3]);
      }
      return new Frame(sequence, timestamp, arrivalMicros, Buffer.buffer(jpeg), kind);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
  }
}
