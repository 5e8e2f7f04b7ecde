package io.frameloop.record;

import io.frameloop.protocol.FrameKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One recording's files (see {@link RecordingFormat}), written only on the recorder's writer
 * thread. Nothing is ever overwritten: the directory and every frame file are created new, the
 * directory 0700 and the files 0600 (a recording holds what a camera saw: only the server's user
 * reads it). {@code pipelines.jsonl} gets each pipeline change as it happens and the
 * {@code INCOMPLETE} marker stays until {@code session.json} is complete, so a server killed or
 * stopped by a full disk leaves a recording that says so and still knows its pipelines.
 */
final class RecordingFiles {

  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final FileAttribute<?>[] DIRECTORY_ATTRIBUTES = POSIX
    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
    : new FileAttribute<?>[0];
  private static final FileAttribute<?>[] FILE_ATTRIBUTES = POSIX
    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
    : new FileAttribute<?>[0];
  private static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  /** Room above the floor a recording needs to start: one frame of the smallest recording, at least. */
  static final long START_BYTES = 64 * 1024;

  private final Path dir;
  private final FileStore store;
  private final long minFreeBytes;
  private final JsonObject session;
  private final JsonArray pipelineChanges = new JsonArray();
  private final JsonArray videoChanges = new JsonArray();
  private BufferedWriter index;
  private OutputStream results;
  private OutputStream pipelines;
  private long frames;

  private RecordingFiles(Path dir, FileStore store, long minFreeBytes, JsonObject session) {
    this.dir = dir;
    this.store = store;
    this.minFreeBytes = minFreeBytes;
    this.session = session;
  }

  /** Opens the files of a new recording; on a failure the caller removes the directory. */
  private void open() throws IOException {
    Files.writeString(createFile(RecordingFormat.INCOMPLETE), "this recording's session.json is not complete: it is"
      + " being written, or the server stopped before it could complete it (killed, or a full disk);"
      + " pipelines.jsonl has its pipeline changes\n", StandardCharsets.UTF_8);
    writeSession();
    index = new BufferedWriter(new OutputStreamWriter(create(RecordingFormat.INDEX), StandardCharsets.UTF_8));
    index.write(RecordingFormat.INDEX_HEADER);
    index.newLine();
    index.flush();
    results = create(RecordingFormat.RESULTS);
    pipelines = create(RecordingFormat.PIPELINES);
  }

  /**
   * Creates the recording's directory under {@code root} (and {@code root} itself when missing,
   * 0700) with its first files, unless {@code root} already holds {@code maxFiles} recordings. A
   * recording that cannot start leaves nothing behind.
   *
   * @param minFreeBytes free space the recording leaves on the disk ({@code recordMinFreeBytes})
   * @throws RecordingRefusedException when the directory is full or the disk nearly so
   */
  static RecordingFiles create(Path root, String id, int maxFiles, long minFreeBytes, JsonObject session) throws IOException {
    Files.createDirectories(root, DIRECTORY_ATTRIBUTES);
    long kept;
    try (Stream<Path> entries = Files.list(root)) {
      kept = entries.filter(Files::isDirectory).count();
    }
    if (kept >= maxFiles) {
      throw new RecordingRefusedException("the recording directory is full: it holds " + kept
        + " recordings (recordMaxFiles " + maxFiles + "); none is deleted or overwritten, so new recordings are refused"
        + " until some are moved away");
    }
    FileStore store = Files.getFileStore(root);
    checkFree(store, START_BYTES, minFreeBytes);
    Path dir = root.resolve(id);
    Files.createDirectory(dir, DIRECTORY_ATTRIBUTES);
    RecordingFiles files = new RecordingFiles(dir, store, minFreeBytes, session);
    try {
      files.open();
      return files;
    } catch (IOException | RuntimeException | Error e) {
      files.closeStreams(e);
      removeQuietly(dir, e);
      throw e;
    }
  }

  /** @throws RecordingRefusedException when writing {@code bytes} would leave less than {@code minFreeBytes} free */
  private static void checkFree(FileStore store, long bytes, long minFreeBytes) throws IOException {
    if (minFreeBytes > 0 && store.getUsableSpace() - bytes < minFreeBytes) {
      throw new RecordingRefusedException("the server's disk is nearly full: recordings leave " + minFreeBytes
        + " bytes free (recordMinFreeBytes)");
    }
  }

  private OutputStream create(String name) throws IOException {
    return Channels.newOutputStream(Files.newByteChannel(dir.resolve(name), CREATE_NEW, FILE_ATTRIBUTES));
  }

  private Path createFile(String name) throws IOException {
    return Files.createFile(dir.resolve(name), FILE_ATTRIBUTES);
  }

  /** Writes one frame's JPEG (or video chunk), unchanged, and its index row. */
  void frame(long sequence, Long clientTimestamp, long arrivalMicros, byte[] jpeg, FrameKind kind) throws IOException {
    checkFree(store, jpeg.length + RecordingFormat.INDEX_BYTES_PER_FRAME, minFreeBytes);
    String file = kind.video() ? RecordingFormat.chunkFile(++frames) : RecordingFormat.frameFile(++frames);
    try (SeekableByteChannel channel = Files.newByteChannel(dir.resolve(file), CREATE_NEW, FILE_ATTRIBUTES)) {
      ByteBuffer bytes = ByteBuffer.wrap(jpeg);
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    }
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
    checkFree(store, line.length, minFreeBytes);
    results.write(line);
  }

  /** Keeps the change for {@code session.json} and appends it to {@code pipelines.jsonl} at once (one write, unbuffered). */
  void pipelineChange(long arrivalMicros, JsonObject pipeline) throws IOException {
    JsonObject change = new JsonObject().put("arrival_ms", Double.parseDouble(RecordingFormat.millis(arrivalMicros)))
      .put("pipeline", pipeline);
    pipelineChanges.add(change);
    byte[] json = change.toBuffer().getBytes();
    byte[] line = new byte[json.length + 1];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\n';
    pipelines.write(line);
  }

  void videoChange(long arrivalMicros, JsonObject video) {
    videoChanges.add(new JsonObject().put("arrival_ms", Double.parseDouble(RecordingFormat.millis(arrivalMicros)))
      .put("video", video));
  }

  /**
   * Writes the final {@code session.json} with the changes and {@code summary}, removes the
   * {@code INCOMPLETE} marker once it is written, and closes the other files whether or not that
   * write succeeds.
   */
  void close(JsonObject summary) throws IOException {
    try {
      session.put("pipelineChanges", pipelineChanges).mergeIn(summary);
      if (!videoChanges.isEmpty()) {
        session.put("videoChanges", videoChanges);
      }
      writeSession();
      Files.deleteIfExists(dir.resolve(RecordingFormat.INCOMPLETE));
    } finally {
      closeStreams(null);
    }
  }

  /** Closes what is open; a failure is added to {@code failure}, or thrown when that is null. */
  private void closeStreams(Throwable failure) throws IOException {
    IOException first = null;
    for (Closeable stream : new Closeable[] {index, results, pipelines}) {
      if (stream == null) {
        continue;
      }
      try {
        stream.close();
      } catch (IOException e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static void removeQuietly(Path dir, Throwable failure) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Written whole and moved into place: a reader never sees half a file. A write that fails (a
   * full disk) removes its partial file; the {@code INCOMPLETE} marker says what is missing.
   */
  private void writeSession() throws IOException {
    Path partial = dir.resolve(RecordingFormat.SESSION + ".partial");
    try {
      try (OutputStream out = Channels.newOutputStream(Files.newByteChannel(partial,
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), FILE_ATTRIBUTES))) {
        out.write(session.encodePrettily().getBytes(StandardCharsets.UTF_8));
      }
      Files.move(partial, dir.resolve(RecordingFormat.SESSION), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException removing) {
        e.addSuppressed(removing);
      }
      throw e;
    }
  }
}
