package io.frameloop.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.cli.Main;
import io.frameloop.replay.FrameSource;
import io.frameloop.testing.Images;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Recording directories built to hurt the replay client ({@code replay --source DIR}): each gives a
 * clear error naming what is wrong, or a warning for a torn last row, within the test JVM's own heap
 * and in bounded time (a FIFO is never opened, so nothing blocks).
 */
class HostileRecordingDirTest {

  private static final Buffer JPEG = Images.fixture("coffee-640x480.jpg");
  private static final String SESSION = "{\"format\":\"" + RecordingFormat.FORMAT + "\",\"version\":3}";

  @TempDir
  Path dir;

  /** A recording of {@code frames} copies of the fixture, as the server writes it. */
  private void recording(int frames) throws IOException {
    StringBuilder index = new StringBuilder(RecordingFormat.INDEX_HEADER).append('\n');
    for (int i = 1; i <= frames; i++) {
      Files.write(dir.resolve(RecordingFormat.frameFile(i)), JPEG.getBytes());
      index.append(i).append(',').append(1000 + i * 40).append(',').append(i * 40).append(".000,").append(JPEG.length())
        .append(',').append(RecordingFormat.frameFile(i)).append(",0\n");
    }
    Files.writeString(dir.resolve(RecordingFormat.INDEX), index);
    Files.writeString(dir.resolve(RecordingFormat.SESSION), SESSION);
  }

  private static String row(int frame, long bytes, String file) {
    return frame + "," + (1000 + frame * 40) + "," + frame * 40 + ".000," + bytes + "," + file + ",0\n";
  }

  @Test
  void aFrameFileThatIsASymbolicLinkToAFileIsRefusedAndItsTargetNeverSent() throws IOException {
    recording(2);
    Path secret = Files.writeString(dir.getParent().resolve(dir.getFileName() + "-secret.jpg"), "not for the server");
    Files.delete(dir.resolve(RecordingFormat.frameFile(2)));
    Files.createSymbolicLink(dir.resolve(RecordingFormat.frameFile(2)), secret);
    // The index names the link with its target's size, as an attacker would.
    Files.writeString(dir.resolve(RecordingFormat.INDEX), RecordingFormat.INDEX_HEADER + "\n" + row(1, JPEG.length(),
      RecordingFormat.frameFile(1)) + row(2, Files.size(secret), RecordingFormat.frameFile(2)) + row(3, JPEG.length(),
      RecordingFormat.frameFile(1)).replace(RecordingFormat.frameFile(1), RecordingFormat.frameFile(3)));
    Files.write(dir.resolve(RecordingFormat.frameFile(3)), JPEG.getBytes());
    assertThatThrownBy(() -> FrameSource.open(dir.toString())).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining(dir.resolve(RecordingFormat.frameFile(2)).toString()).hasMessageContaining("symbolic link");
    Files.deleteIfExists(secret);
  }

  @Test
  void anIndexOrSessionFileThatIsALinkIsRefused() throws IOException {
    recording(1);
    Path elsewhere = Files.move(dir.resolve(RecordingFormat.SESSION), dir.getParent().resolve(dir.getFileName() + "-s.json"));
    Files.createSymbolicLink(dir.resolve(RecordingFormat.SESSION), elsewhere);
    assertThatThrownBy(() -> FrameSource.open(dir.toString())).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining(RecordingFormat.SESSION).hasMessageContaining("symbolic link");
    Files.delete(elsewhere);
  }

  @Test
  void aLinkToDevZeroIsRefusedWithoutReadingIt() throws IOException {
    recording(1);
    Files.delete(dir.resolve(RecordingFormat.frameFile(1)));
    Files.createSymbolicLink(dir.resolve(RecordingFormat.frameFile(1)), Path.of("/dev/zero"));
    Files.writeString(dir.resolve(RecordingFormat.INDEX), RecordingFormat.INDEX_HEADER + "\n"
      + row(1, Integer.MAX_VALUE, RecordingFormat.frameFile(1)) + row(2, 10, RecordingFormat.frameFile(2)));
    assertThatThrownBy(() -> FrameSource.open(dir.toString())).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("over the limit of " + (4 * 1024 * 1024) + " bytes for one frame");
    // With an honest size in the index, the link itself is what is refused.
    Files.writeString(dir.resolve(RecordingFormat.INDEX), RecordingFormat.INDEX_HEADER + "\n"
      + row(1, 1000, RecordingFormat.frameFile(1)) + row(2, 10, RecordingFormat.frameFile(2)));
    assertThatThrownBy(() -> FrameSource.open(dir.toString())).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining(RecordingFormat.frameFile(1)).hasMessageContaining("symbolic link");
  }

  @Test
  void aDeviceIsRefusedAsNoRegularFile() throws IOException {
    // A JPEG directory (the other kind of --source DIR) holding a link to a device and, by its own name, nothing else.
    Files.createSymbolicLink(dir.resolve("a.jpg"), Path.of("/dev/zero"));
    assertThatThrownBy(() -> FrameSource.open(dir.toString())).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("a.jpg").hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> RegularFiles.read(Path.of("/dev/zero"), 1024)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("/dev/zero: not a regular file");
  }

  @Test
  void aFifoIsRefusedWithoutOpeningIt() throws Exception {
    recording(2);
    Path fifo = dir.resolve(RecordingFormat.frameFile(2));
    Files.delete(fifo);
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();
    // Opening a FIFO with no writer blocks: this returns only because it is never opened.
    assertThatThrownBy(() -> FrameSource.open(dir.toString())).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining(fifo.toString()).hasMessageContaining("not a regular file");
    // A FIFO as the index, too.
    Files.delete(dir.resolve(RecordingFormat.INDEX));
    new ProcessBuilder("mkfifo", dir.resolve(RecordingFormat.INDEX).toString()).start().waitFor(30, TimeUnit.SECONDS);
    assertThatThrownBy(() -> FrameSource.open(dir.toString())).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining(RecordingFormat.INDEX).hasMessageContaining("not a regular file");
  }

  @Test
  void threeHundredMegabytesOfBlankIndexLinesEndAfterTheBlankLineLimit() throws IOException {
    recording(1);
    Path index = dir.resolve(RecordingFormat.INDEX);
    // The header and row, then 300 MB: newlines on the first 2 MB, a sparse hole (NUL bytes) after them.
    byte[] newlines = new byte[2 * 1024 * 1024];
    Arrays.fill(newlines, (byte) '\n');
    Files.write(index, newlines, StandardOpenOption.APPEND);
    try (RandomAccessFile file = new RandomAccessFile(index.toFile(), "rw")) {
      file.setLength(300L * 1024 * 1024);
    }
    assertThatThrownBy(() -> FrameSource.open(dir.toString())).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining(index.toString()).hasMessageContaining("more than " + RecordingReader.MAX_BLANK_LINES + " blank lines");
  }

  @Test
  void aSparseIndexOfOneHugeLineEndsAtTheLineLimit() throws IOException {
    recording(1);
    Path index = dir.resolve(RecordingFormat.INDEX);
    try (RandomAccessFile file = new RandomAccessFile(index.toFile(), "rw")) {
      file.setLength(300L * 1024 * 1024); // NUL bytes after the row: one line of 300 MB
    }
    assertThatThrownBy(() -> FrameSource.open(dir.toString())).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining(index + " line 3").hasMessageContaining("longer than " + RecordingReader.MAX_INDEX_LINE_BYTES);
  }

  @Test
  void aHugeSessionFileIsRefusedBeforeItIsRead() throws IOException {
    recording(1);
    try (RandomAccessFile file = new RandomAccessFile(dir.resolve(RecordingFormat.SESSION).toFile(), "rw")) {
      file.setLength(300L * 1024 * 1024);
    }
    assertThatThrownBy(() -> FrameSource.open(dir.toString())).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining(RecordingFormat.SESSION).hasMessageContaining("over the limit");
  }

  @Test
  void fiveThousandRowsNamingOneBigFileAreRefusedAtTheSecond() throws IOException {
    recording(0);
    byte[] big = new byte[1024 * 1024];
    Files.write(dir.resolve(RecordingFormat.frameFile(1)), big);
    StringBuilder index = new StringBuilder(RecordingFormat.INDEX_HEADER).append('\n');
    for (int i = 1; i <= 5000; i++) {
      index.append(row(i, big.length, RecordingFormat.frameFile(1)));
    }
    Files.writeString(dir.resolve(RecordingFormat.INDEX), index);
    assertThatThrownBy(() -> FrameSource.open(dir.toString())).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining(RecordingFormat.INDEX + " line 3").hasMessageContaining("named by an earlier row");
  }

  @Test
  void distinctFilesOverTheTotalBudgetAreRefused() throws IOException {
    recording(10);
    long budget = 5L * JPEG.length();
    assertThatThrownBy(() -> RecordingReader.read(dir, new RecordingReader.Limits(1000, 1024 * 1024, budget)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("over the reader's budget of " + budget + " bytes");
    assertThat(RecordingReader.read(dir, new RecordingReader.Limits(1000, 1024 * 1024, 11L * JPEG.length() + 1000))
      .frames()).hasSize(10);
    // Each file at most the message limit: one larger than it is refused though the index agrees.
    assertThatThrownBy(() -> RecordingReader.read(dir, new RecordingReader.Limits(1000, JPEG.length() - 1, Long.MAX_VALUE)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("over the limit of " + (JPEG.length() - 1));
  }

  @Test
  void aFileThatGrewAfterItsRowWasWrittenIsCaught() throws IOException {
    recording(2);
    Files.write(dir.resolve(RecordingFormat.frameFile(1)), new byte[10], StandardOpenOption.APPEND);
    assertThatThrownBy(() -> RecordingReader.read(dir, 1000)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("line 2").hasMessageContaining("has more than " + JPEG.length() + " bytes")
      .hasMessageContaining("the index says " + JPEG.length());
  }

  @Test
  void aTornLastRowIsSkippedWithAWarningAndTheGoodFramesKept() throws IOException {
    recording(5);
    Files.writeString(dir.resolve(RecordingFormat.INDEX), "6,1240,24", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    Files.writeString(dir.resolve(RecordingFormat.RESULTS), "{\"type\":\"results\",\"seq\":1}\n{\"type\":\"res",
      StandardCharsets.UTF_8);
    RecordingReader.Recorded recorded = RecordingReader.read(dir, 1000);
    assertThat(recorded.frames()).hasSize(5);
    assertThat(recorded.results()).hasSize(1);
    assertThat(recorded.warnings()).hasSize(2).anyMatch(w -> w.contains(RecordingFormat.INDEX + " line 7")
      && w.contains("torn last row")).anyMatch(w -> w.contains(RecordingFormat.RESULTS + " line 2") && w.contains("torn"));
    // The same half row anywhere but last is an error: nothing is skipped silently.
    Files.writeString(dir.resolve(RecordingFormat.INDEX), "\n" + row(7, JPEG.length(), RecordingFormat.frameFile(1)),
      StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertThatThrownBy(() -> RecordingReader.read(dir, 1000)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining(RecordingFormat.INDEX + " line 7");
  }

  @Test
  void aLastRowWhoseFileIsMissingIsSkippedToo() throws IOException {
    recording(3);
    Files.delete(dir.resolve(RecordingFormat.frameFile(3)));
    RecordingReader.Recorded recorded = RecordingReader.read(dir, 1000);
    assertThat(recorded.frames()).hasSize(2);
    assertThat(recorded.warnings()).singleElement().asString().contains("line 4").contains("torn last row");
    Files.delete(dir.resolve(RecordingFormat.frameFile(1))); // not the last: an error naming the file
    assertThatThrownBy(() -> RecordingReader.read(dir, 1000)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining(RecordingFormat.frameFile(1)).hasMessageContaining("no such file");
  }

  @Test
  void theReplayCommandSaysWhatIsWrongAndExitsOne() throws Exception {
    recording(2);
    Files.delete(dir.resolve(RecordingFormat.frameFile(2)));
    Files.createSymbolicLink(dir.resolve(RecordingFormat.frameFile(2)), Path.of("/dev/zero"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = new CommandLine(new Main()).execute("replay", "--source", dir.toString(), "--url", "ws://127.0.0.1:9/frames",
        "--duration", "1s");
    } finally {
      System.setErr(stderr);
    }
    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isEqualTo(1);
    assertThat(printed).contains("FAIL: --source " + dir).contains(RecordingFormat.frameFile(2)).contains("symbolic link")
      .doesNotContain("\tat ");
  }
}
