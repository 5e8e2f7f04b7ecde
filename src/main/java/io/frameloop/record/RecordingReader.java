package io.frameloop.record;

import io.frameloop.protocol.FrameKind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a recording written by the server (see {@link RecordingFormat}), as a hostile directory
 * could hold it: only regular files (a link, a device or a FIFO is refused, links never followed),
 * each at most {@link Limits#maxFileBytes}, all of them within {@link Limits#maxTotalBytes}, the
 * text files streamed with bounded lines. A torn last row or line (a server killed, a full disk) is
 * skipped with a warning.
 */
public final class RecordingReader {

  private static final System.Logger LOG = System.getLogger(RecordingReader.class.getName());
  /** An index row is about 90 bytes; a longer one is no row the server wrote. */
  static final int MAX_INDEX_LINE_BYTES = 1024;
  /** Blank lines in a text file at most (the server writes none). */
  static final int MAX_BLANK_LINES = 1000;
  /** {@code session.json} at most: its pipeline changes ({@link Recording#MAX_PIPELINE_CHANGES} of them) and counts. */
  static final long MAX_SESSION_BYTES = 64L * 1024 * 1024;

  /**
   * How much a reader takes from a recording.
   *
   * @param maxFrames     frames read at most (and results messages as many); rows past them are not read
   * @param maxFileBytes  one file at most, a frame or a line of JSON: the server's message limit, as no
   *                      frame or message it took was larger
   * @param maxTotalBytes everything read at most, frames, results and pipelines together
   */
  public record Limits(int maxFrames, int maxFileBytes, long maxTotalBytes) {

    /** The server's default {@code maxMessageBytes}. */
    public static final int DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;
    /** A recording of the server's default {@code recordMaxBytes} with its results. */
    public static final long DEFAULT_MAX_TOTAL_BYTES = RecordingOptions.DEFAULT_RECORD_MAX_BYTES + 64L * 1024 * 1024;

    public Limits {
      if (maxFrames < 0 || maxFileBytes < 1 || maxTotalBytes < 1) {
        throw new IllegalArgumentException("recording limits must be positive: " + maxFrames + ", " + maxFileBytes + ", "
          + maxTotalBytes);
      }
    }

    /** {@code maxFrames} with the default byte limits. */
    public static Limits frames(int maxFrames) {
      return new Limits(maxFrames, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOTAL_BYTES);
    }
  }

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
   * A recording: its frames in arrival order, its {@code session.json} (with the pipeline changes
   * of {@code pipelines.jsonl} when it was not completed), the {@code results} messages the server
   * sent while it ran, in the order sent (empty for a recording without {@code results.jsonl}), and
   * what the reader skipped or found amiss, for the user.
   */
  public record Recorded(Path dir, List<Frame> frames, JsonObject session, List<JsonObject> results, List<String> warnings) {

    public Recorded(Path dir, List<Frame> frames, JsonObject session, List<JsonObject> results) {
      this(dir, frames, session, results, List.of());
    }
  }

  /** What one read has taken so far, against {@link Limits#maxTotalBytes}. */
  private static final class Budget {
    private final Path dir;
    private final long maxBytes;
    private long bytes;

    Budget(Path dir, long maxBytes) {
      this.dir = dir;
      this.maxBytes = maxBytes;
    }

    long remaining() {
      return maxBytes - bytes;
    }

    void take(long more, String what) {
      bytes += more;
      if (bytes > maxBytes) {
        throw new IllegalArgumentException(dir + ": " + what + " takes the recording over the reader's budget of " + maxBytes
          + " bytes (frames, results and pipelines together)");
      }
    }
  }

  private RecordingReader() {
  }

  /**
   * Whether {@code dir} looks like a recording: it has an index and a session file, of whatever type
   * (links not followed), so that {@link #read} says what is wrong with one that is no regular file.
   */
  public static boolean isRecording(Path dir) {
    return Files.exists(dir.resolve(RecordingFormat.INDEX), LinkOption.NOFOLLOW_LINKS)
      && Files.exists(dir.resolve(RecordingFormat.SESSION), LinkOption.NOFOLLOW_LINKS);
  }

  /** As {@link #read(Path, Limits)} with {@link Limits#frames}. */
  public static Recorded read(Path dir, int maxFrames) {
    return read(dir, Limits.frames(maxFrames));
  }

  /**
   * Reads the recording in {@code dir} within {@code limits}.
   *
   * @throws IllegalArgumentException for a file that is not a recording's, or over a limit, saying where
   */
  public static Recorded read(Path dir, Limits limits) {
    List<String> warnings = new ArrayList<>();
    Budget budget = new Budget(dir, limits.maxTotalBytes());
    try {
      Path sessionFile = dir.resolve(RecordingFormat.SESSION);
      JsonObject session;
      try {
        byte[] bytes = RegularFiles.read(sessionFile, (int) Math.min(MAX_SESSION_BYTES, budget.remaining()));
        budget.take(bytes.length, sessionFile.getFileName().toString());
        session = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
      } catch (DecodeException | ClassCastException e) {
        throw new IllegalArgumentException(sessionFile + ": not a JSON object: " + e.getMessage());
      }
      if (isFile(dir.resolve(RecordingFormat.INCOMPLETE))) {
        warnings.add(dir + ": the recording was not closed (" + RecordingFormat.INCOMPLETE + " is there): its server was"
          + " killed or its disk was full, so session.json has no final counts");
      }
      Path pipelinesFile = dir.resolve(RecordingFormat.PIPELINES);
      if (!session.containsKey("pipelineChanges") && isFile(pipelinesFile)) {
        session.put("pipelineChanges", jsonLines(pipelinesFile, Recording.MAX_PIPELINE_CHANGES, limits, budget, warnings));
      }
      List<Frame> frames = frames(dir, limits, budget, warnings);
      Path resultsFile = dir.resolve(RecordingFormat.RESULTS);
      List<JsonObject> results = new ArrayList<>();
      if (Files.exists(resultsFile, LinkOption.NOFOLLOW_LINKS)) {
        jsonLines(resultsFile, limits.maxFrames(), limits, budget, warnings).forEach(line -> results.add((JsonObject) line));
      }
      for (String warning : warnings) {
        LOG.log(Level.WARNING, warning);
      }
      return new Recorded(dir, frames, session, results, List.copyOf(warnings));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(e.getFile() + ": no such file; a recording has " + RecordingFormat.INDEX + " and "
        + RecordingFormat.SESSION + " and the frame files its index names");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the recording " + dir, e);
    }
  }

  private static boolean isFile(Path file) {
    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
  }

  /** The index's frames, streamed, each file read within the limits; a torn last row is skipped with a warning. */
  private static List<Frame> frames(Path dir, Limits limits, Budget budget, List<String> warnings) throws IOException {
    Path indexFile = dir.resolve(RecordingFormat.INDEX);
    List<Frame> frames = new ArrayList<>();
    Set<String> named = new HashSet<>();
    long maxIndexBytes = (long) (limits.maxFrames() + 2) * MAX_INDEX_LINE_BYTES + MAX_BLANK_LINES;
    try (BoundedLines lines = new BoundedLines(indexFile, RegularFiles.open(indexFile, Long.MAX_VALUE), MAX_INDEX_LINE_BYTES,
      maxIndexBytes, MAX_BLANK_LINES)) {
      BoundedLines.Line header = lines.next();
      if (header == null || header.number() != 1 || !header.text().equals(RecordingFormat.INDEX_HEADER)
        && !header.text().equals(RecordingFormat.INDEX_HEADER_V1)) {
        throw new IllegalArgumentException(indexFile + ": the first line must be " + RecordingFormat.INDEX_HEADER);
      }
      BoundedLines.Line pending = null; // a row is read strictly once a later one shows it was not the last
      boolean end = false;
      while (frames.size() < limits.maxFrames()) {
        BoundedLines.Line next = lines.next();
        if (pending != null) {
          if (next == null) {
            end = true;
            break;
          }
          frames.add(frame(dir, pending, limits, budget, named));
        }
        if (next == null) {
          end = true;
          break;
        }
        pending = next;
      }
      if (end && pending != null) {
        try {
          frames.add(frame(dir, pending, limits, budget, named));
        } catch (TornRowException | NoSuchFileException e) {
          warnings.add(indexFile + " line " + pending.number() + ": skipped a torn last row (" + e.getMessage()
            + "); the server stopped while writing it");
        }
      }
    }
    return frames;
  }

  /** At most {@code maxLines} JSON objects, one a line; a torn last line is skipped with a warning. */
  private static JsonArray jsonLines(Path file, int maxLines, Limits limits, Budget budget, List<String> warnings)
    throws IOException {
    JsonArray objects = new JsonArray();
    long maxBytes = Math.min(budget.remaining(), (long) (maxLines + 1) * limits.maxFileBytes() + MAX_BLANK_LINES);
    try (BoundedLines lines = new BoundedLines(file, RegularFiles.open(file, Long.MAX_VALUE), limits.maxFileBytes(), maxBytes,
      MAX_BLANK_LINES)) {
      for (BoundedLines.Line line = lines.next(); line != null && objects.size() < maxLines; line = lines.next()) {
        budget.take(line.text().length() + 1L, file.getFileName() + " line " + line.number());
        try {
          objects.add(new JsonObject(line.text()));
        } catch (DecodeException | ClassCastException e) {
          if (!line.terminated()) { // nothing follows it: the server stopped while writing it
            warnings.add(file + " line " + line.number() + ": skipped a torn last line; the server stopped while writing it");
            break;
          }
          throw new IllegalArgumentException(file + " line " + line.number() + ": not a JSON object");
        }
      }
    }
    return objects;
  }

  /**
   * What a row looks like when the server stopped while writing it (half a row, its file shorter
   * than it says): skipped when it is the last. A row that breaks a rule (a link, a FIFO, a file too
   * large, named twice) is an error wherever it is.
   */
  private static final class TornRowException extends IllegalArgumentException {
    TornRowException(String message) {
      super(message);
    }
  }

  private static Frame frame(Path dir, BoundedLines.Line row, Limits limits, Budget budget, Set<String> named)
    throws IOException {
    String[] fields = row.text().split(",", -1);
    String where = dir.resolve(RecordingFormat.INDEX) + " line " + row.number();
    if (fields.length != 5 && fields.length != 6 || !RecordingFormat.FRAME_FILE.matcher(fields[4]).matches()) {
      throw new TornRowException(where + ": expected " + RecordingFormat.INDEX_HEADER + " with a file like 000001.jpg");
    }
    FrameKind kind = FrameKind.JPEG; // a version 1 row: no flags
    if (fields.length == 6) {
      kind = Arrays.stream(FrameKind.values()).filter(k -> Integer.toString(k.flags()).equals(fields[5])).findFirst()
        .orElseThrow(() -> new TornRowException(where + ": flags " + fields[5] + " are none of 0, 1, 3"));
    }
    if (!named.add(fields[4])) {
      throw new IllegalArgumentException(where + ": " + fields[4] + " is named by an earlier row too; the server writes"
        + " each frame to a file of its own");
    }
    try {
      long sequence = fields[0].isEmpty() ? -1 : Long.parseLong(fields[0]);
      Long timestamp = fields[1].isEmpty() ? null : Long.parseLong(fields[1]);
      long arrivalMicros = Math.round(Double.parseDouble(fields[2]) * 1000);
      long size = Long.parseLong(fields[3]);
      if (size < 0 || size > limits.maxFileBytes()) {
        throw new IllegalArgumentException(where + ": " + size + " bytes, over the limit of " + limits.maxFileBytes()
          + " bytes for one frame (the server's message limit)");
      }
      budget.take(size, fields[4]);
      Path file = dir.resolve(fields[4]);
      byte[] payload;
      try (InputStream in = RegularFiles.open(file, limits.maxFileBytes())) {
        payload = in.readNBytes((int) size + 1); // one more: a file that grew since it was checked is caught
      }
      if (payload.length > size) {
        throw new IllegalArgumentException(where + ": " + fields[4] + " has more than " + size + " bytes, the index says " + size);
      }
      if (payload.length < size) {
        throw new TornRowException(where + ": " + fields[4] + " has " + payload.length + " bytes, the index says " + size);
      }
      return new Frame(sequence, timestamp, arrivalMicros, Buffer.buffer(payload), kind);
    } catch (NumberFormatException e) {
      throw new TornRowException(where + ": " + e.getMessage());
    }
  }
}
