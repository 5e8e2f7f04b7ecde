package io.frameloop.record;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The layout of a recording, one directory: {@code 000001.jpg}, {@code 000002.jpg}... (each frame's
 * JPEG exactly as it arrived; a video chunk's bytes in {@code 000003.vp8}), {@code index.csv} (one
 * row per frame, in arrival order, with its header flags: 0 JPEG, 1 video delta, 3 video key),
 * {@code results.jsonl} (each {@code results} message the server sent the session, one JSON object a
 * line, in the order sent) and {@code session.json} (when and by what it was recorded, the pipeline
 * and its changes, the video configurations, the counts), {@code pipelines.jsonl} (each pipeline change as
 * it happens) and {@code INCOMPLETE} (until {@code session.json} is complete). A recording's video starts at a key chunk,
 * so a replay can too. Plain files any tool reads: an image viewer, a spreadsheet, ffmpeg's image2
 * demuxer, jq.
 */
public final class RecordingFormat {

  public static final String INDEX = "index.csv";
  public static final String SESSION = "session.json";
  /** Absent in recordings made before results existed: read as no results. */
  public static final String RESULTS = "results.jsonl";
  /**
   * Each pipeline change as it happened, one JSON object a line ({@code {"arrival_ms":N,"pipeline":{...}}}),
   * appended at once: a recording whose server was killed still has them. Absent before version 3.
   */
  public static final String PIPELINES = "pipelines.jsonl";
  /** There while {@code session.json} is not complete: the recording runs, or its server was killed or its disk full. */
  public static final String INCOMPLETE = "INCOMPLETE";
  public static final String FORMAT = "frameloop-recording";
  /**
   * 2: the index's {@code flags} column, video chunks and {@code videoChanges}; 3: {@code pipelines.jsonl}
   * and the {@code INCOMPLETE} marker.
   */
  public static final int VERSION = 3;
  /** {@code seq} and {@code client_timestamp} are empty for a bare frame (no header). */
  public static final String INDEX_HEADER = "seq,client_timestamp,arrival_ms,bytes,file,flags";
  /** Version 1's index, without {@code flags} (JPEG frames only): still read. */
  public static final String INDEX_HEADER_V1 = "seq,client_timestamp,arrival_ms,bytes,file";
  /** A frame's file name: only digits chosen by the server, never anything the client sent. */
  public static final Pattern FRAME_FILE = Pattern.compile("[0-9]{6,10}\\.(jpg|vp8)");
  /** What a frame's file takes on disk at least, however small its JPEG: one file-system block (and an inode). */
  public static final int MIN_FRAME_FILE_BYTES = 4096;
  /** What one frame's index row (up to about 90 bytes) and directory entry are counted as. */
  public static final int INDEX_BYTES_PER_FRAME = 128;

  private RecordingFormat() {
  }

  /**
   * What a frame of {@code jpegBytes} counts against {@code recordMaxBytes}: at least a block, so
   * that tiny frames cannot make a recording take many times its limit on disk (or millions of
   * inodes); a recording holds at most {@code recordMaxBytes / 4224} frames.
   */
  public static long frameCost(int jpegBytes) {
    return Math.max(jpegBytes, MIN_FRAME_FILE_BYTES) + INDEX_BYTES_PER_FRAME;
  }

  /** What a results message of {@code jsonBytes} (UTF-8) counts against {@code recordMaxBytes}: its line, newline included. */
  public static long resultsCost(int jsonBytes) {
    return jsonBytes + 1L;
  }

  /** The file name of the recording's {@code number}th frame (from 1). */
  public static String frameFile(long number) {
    return String.format(Locale.ROOT, "%06d.jpg", number);
  }

  /** The file name of the recording's {@code number}th frame when it is a VP8 chunk. */
  public static String chunkFile(long number) {
    return String.format(Locale.ROOT, "%06d.vp8", number);
  }

  /** Milliseconds with microsecond precision, as {@code arrival_ms} is written. */
  public static String millis(long micros) {
    return String.format(Locale.ROOT, "%d.%03d", micros / 1000, micros % 1000);
  }
}
