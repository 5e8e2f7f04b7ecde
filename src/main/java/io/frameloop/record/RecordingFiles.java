package io.frameloop.record;

import io.frameloop.protocol.FrameKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * One recording's files (see {@link RecordingFormat}), written only on the recorder's writer
 * thread. Nothing is ever overwritten: the directory and every frame file are created new.
 */
final class RecordingFiles {

  private final Path dir;
  private final JsonObject session;
  private final JsonArray pipelineChanges = new JsonArray();
  private final JsonArray videoChanges = new JsonArray();
  private final BufferedWriter index;
  private final OutputStream results;
  private long frames;

  private RecordingFiles(Path dir, JsonObject session) throws IOException {
    this.dir = dir;
    this.session = session;
    writeSession();
    BufferedWriter opened = Files.newBufferedWriter(dir.resolve(RecordingFormat.INDEX), StandardCharsets.UTF_8,
      StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    OutputStream resultsOpened = null;
    try {
      opened.write(RecordingFormat.INDEX_HEADER);
      opened.newLine();
      opened.flush();
      resultsOpened = Files.newOutputStream(dir.resolve(RecordingFormat.RESULTS), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    } catch (IOException | RuntimeException e) {
      try {
        opened.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    this.index = opened;
    this.results = resultsOpened;
  }

  /**
   * Creates the recording's directory under {@code root}, unless {@code root} already holds
   * {@code maxFiles} recordings.
   *
   * @throws RecordingRefusedException when the directory is full
   */
  static RecordingFiles create(Path root, String id, int maxFiles, JsonObject session) throws IOException {
    Files.createDirectories(root);
    long kept;
    try (Stream<Path> entries = Files.list(root)) {
      kept = entries.filter(Files::isDirectory).count();
    }
    if (kept >= maxFiles) {
      throw new RecordingRefusedException("the recording directory is full: it holds " + kept
        + " recordings (recordMaxFiles " + maxFiles + "); none is deleted or overwritten, so new recordings are refused"
        + " until some are moved away");
    }
    Path dir = root.resolve(id);
    Files.createDirectory(dir);
    return new RecordingFiles(dir, session);
  }

  /** Writes one frame's JPEG (or video chunk), unchanged, and its index row. */
  void frame(long sequence, Long clientTimestamp, long arrivalMicros, byte[] jpeg, FrameKind kind) throws IOException {
    String file = kind.video() ? RecordingFormat.chunkFile(++frames) : RecordingFormat.frameFile(++frames);
    Files.write(dir.resolve(file), jpeg, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    index.write((sequence < 0 ? "" : Long.toString(sequence)) + "," + (clientTimestamp == null ? "" : clientTimestamp)
      + "," + RecordingFormat.millis(arrivalMicros) + "," + jpeg.length + "," + file + "," + kind.flags());
    index.newLine();
    index.flush(); // a server that dies mid-recording leaves a readable recording
  }

  /**
   * Appends one results message to {@code results.jsonl}: {@code line} is its JSON (UTF-8; encoded
   * JSON has no raw newline) and the newline, written at once on an unbuffered stream, so the file
   * holds whole lines up to the last, as the index does.
   */
  void results(byte[] line) throws IOException {
    results.write(line);
  }

  void pipelineChange(long arrivalMicros, JsonObject pipeline) {
    pipelineChanges.add(new JsonObject().put("arrival_ms", Double.parseDouble(RecordingFormat.millis(arrivalMicros)))
      .put("pipeline", pipeline));
  }

  void videoChange(long arrivalMicros, JsonObject video) {
    videoChanges.add(new JsonObject().put("arrival_ms", Double.parseDouble(RecordingFormat.millis(arrivalMicros)))
      .put("video", video));
  }

  /**
   * Writes the final {@code session.json} with the changes and {@code summary}, and closes the
   * index and the results whether or not that write succeeds.
   */
  void close(JsonObject summary) throws IOException {
    try {
      session.put("pipelineChanges", pipelineChanges).mergeIn(summary);
      if (!videoChanges.isEmpty()) {
        session.put("videoChanges", videoChanges);
      }
      writeSession();
    } finally {
      try {
        index.close();
      } finally {
        results.close();
      }
    }
  }

  /** Written whole and moved into place: a reader never sees half a file. */
  private void writeSession() throws IOException {
    Path partial = dir.resolve(RecordingFormat.SESSION + ".partial");
    Files.writeString(partial, session.encodePrettily(), StandardCharsets.UTF_8);
    Files.move(partial, dir.resolve(RecordingFormat.SESSION), StandardCopyOption.REPLACE_EXISTING,
      StandardCopyOption.ATOMIC_MOVE);
  }
}
