package io.frameloop.record;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A recording's text file (index, JSON lines) read a line at a time, never more than
 * {@code maxLineBytes} of one line in memory, nor more than {@code maxFileBytes} read of the file
 * (it may grow while it is read, or be swapped): a hostile file cannot make the reader hold it whole.
 * Blank lines are at most {@code maxBlankLines}: a file of nothing but newlines ends soon.
 */
final class BoundedLines implements Closeable {

  /** One line without its newline; {@code terminated}: whether a newline ended it (false: the file's last, perhaps torn, line). */
  record Line(String text, int number, boolean terminated) {
  }

  private final Path file;
  private final InputStream in;
  private final int maxLineBytes;
  private final long maxFileBytes;
  private final int maxBlankLines;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private long read;
  private int number;
  private int blank;

  BoundedLines(Path file, InputStream in, int maxLineBytes, long maxFileBytes, int maxBlankLines) {
    this.file = file;
    this.in = new BufferedInputStream(in, 64 * 1024);
    this.maxLineBytes = maxLineBytes;
    this.maxFileBytes = maxFileBytes;
    this.maxBlankLines = maxBlankLines;
  }

  /** Bytes read so far. */
  long bytesRead() {
    return read;
  }

  /**
   * The next line that is not blank, or null at the end of the file.
   *
   * @throws IllegalArgumentException for a line over {@code maxLineBytes}, a file over
   *                                  {@code maxFileBytes} or too many blank lines, naming the file
   */
  Line next() throws IOException {
    while (true) {
      line.reset();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        if (++read > maxFileBytes) {
          throw new IllegalArgumentException(file + ": over " + maxFileBytes + " bytes, more than a recording's file may hold");
        }
        if (line.size() >= maxLineBytes) {
          throw new IllegalArgumentException(file + " line " + (number + 1) + ": longer than " + maxLineBytes + " bytes");
        }
        line.write(b);
      }
      if (b < 0 && line.size() == 0) {
        return null;
      }
      if (b >= 0 && ++read > maxFileBytes) {
        throw new IllegalArgumentException(file + ": over " + maxFileBytes + " bytes, more than a recording's file may hold");
      }
      number++;
      String text = line.toString(StandardCharsets.UTF_8);
      if (text.endsWith("\r")) { // a file saved on Windows
        text = text.substring(0, text.length() - 1);
      }
      if (!text.isBlank()) {
        return new Line(text, number, b >= 0);
      }
      if (++blank > maxBlankLines) {
        throw new IllegalArgumentException(file + ": more than " + maxBlankLines + " blank lines; the server writes none");
      }
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
