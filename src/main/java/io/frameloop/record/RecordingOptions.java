package io.frameloop.record;

import io.frameloop.config.ConfigValues;
import io.frameloop.config.Ranges;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.annotations.GenIgnore;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * Whether and how much sessions may record what they send ({@code record} control message). Off
 * unless {@code recordDir} is set. Every limit is there so that a client with a valid session
 * cannot use recording to fill the disk or the server's memory. Part of the server's options; the
 * JSON names are the configuration keys.
 */
@DataObject
@JsonGen(publicConverter = true)
public class RecordingOptions {

  public static final long DEFAULT_RECORD_MAX_BYTES = 256L * 1024 * 1024;
  public static final long MAX_RECORD_MAX_BYTES = 64L * 1024 * 1024 * 1024;
  public static final int DEFAULT_RECORD_MAX_FILES = 100;
  public static final int DEFAULT_RECORD_MAX_SESSIONS = 8;
  /** All recordings in {@code recordDir} together: 16 recordings of the default size. */
  public static final long DEFAULT_RECORD_TOTAL_MAX_BYTES = 16 * DEFAULT_RECORD_MAX_BYTES;
  public static final long MAX_RECORD_TOTAL_MAX_BYTES = 1024L * 1024 * 1024 * 1024 * 1024;
  /** The free space a recording leaves the disk of {@code recordDir}, so the server's other files (logs) still fit. */
  public static final long DEFAULT_RECORD_MIN_FREE_BYTES = 512L * 1024 * 1024;
  /**
   * Frames waiting for the writer (with what their tasks hold), all recordings of a server together,
   * each at most its share; past it frames are skipped.
   */
  public static final int WRITER_QUEUE_MAX_BYTES = 16 * 1024 * 1024;

  private String recordDir;
  private long recordMaxBytes = DEFAULT_RECORD_MAX_BYTES;
  private int recordMaxFiles = DEFAULT_RECORD_MAX_FILES;
  private int recordMaxSessions = DEFAULT_RECORD_MAX_SESSIONS;
  private long recordTotalMaxBytes = DEFAULT_RECORD_TOTAL_MAX_BYTES;
  private long recordMinFreeBytes = DEFAULT_RECORD_MIN_FREE_BYTES;

  public RecordingOptions() {
  }

  public RecordingOptions(RecordingOptions other) {
    this(other.toJson());
  }

  /**
   * From configuration JSON (the keys are this owner's, as in {@link #toJson}); a missing key keeps
   * its default.
   *
   * @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range
   */
  public RecordingOptions(JsonObject json) {
    ConfigValues.read(json, toJson(), RecordingOptionsConverter::fromJson, this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    RecordingOptionsConverter.toJson(this, json);
    return json;
  }

  /** Whether sessions may record. */
  @GenIgnore
  public boolean isEnabled() {
    return recordDir != null;
  }

  public String getRecordDir() {
    return recordDir;
  }

  /** The directory recordings are written to, one sub-directory each; null (default): recording is off. */
  public RecordingOptions setRecordDir(String recordDir) {
    this.recordDir = recordDir == null || recordDir.isBlank() ? null : recordDir;
    return this;
  }

  public long getRecordMaxBytes() {
    return recordMaxBytes;
  }

  /**
   * The largest recording, as the disk holds it ({@link RecordingFormat#frameCost}: each frame's
   * JPEG bytes but at least a block, plus its index row); at the limit the recording stops.
   */
  public RecordingOptions setRecordMaxBytes(long recordMaxBytes) {
    this.recordMaxBytes = Ranges.between("recordMaxBytes", recordMaxBytes, 64 * 1024, MAX_RECORD_MAX_BYTES);
    return this;
  }

  public int getRecordMaxFiles() {
    return recordMaxFiles;
  }

  /** Recordings kept in {@code recordDir}; when it holds this many, new recordings are refused (none is deleted). */
  public RecordingOptions setRecordMaxFiles(int recordMaxFiles) {
    this.recordMaxFiles = Ranges.between("recordMaxFiles", recordMaxFiles, 1, 100_000);
    return this;
  }

  public int getRecordMaxSessions() {
    return recordMaxSessions;
  }

  /** Recordings running at once on this server; more are refused. */
  public RecordingOptions setRecordMaxSessions(int recordMaxSessions) {
    this.recordMaxSessions = Ranges.between("recordMaxSessions", recordMaxSessions, 1, 1000);
    return this;
  }

  public long getRecordTotalMaxBytes() {
    return recordTotalMaxBytes;
  }

  /**
   * All recordings in {@code recordDir} together, counted as {@code recordMaxBytes} counts (each
   * file at least a block): a start finds them at this size and is refused, a running recording
   * that would take them over it stops.
   */
  public RecordingOptions setRecordTotalMaxBytes(long recordTotalMaxBytes) {
    this.recordTotalMaxBytes = Ranges.between("recordTotalMaxBytes", recordTotalMaxBytes, 64 * 1024, MAX_RECORD_TOTAL_MAX_BYTES);
    return this;
  }

  public long getRecordMinFreeBytes() {
    return recordMinFreeBytes;
  }

  /**
   * The free space recordings leave on the disk of {@code recordDir}: a start that finds less is
   * refused, a running recording that would write into it stops (its {@code session.json} is
   * completed with the reason). 0: none kept, recordings stop when a write fails.
   */
  public RecordingOptions setRecordMinFreeBytes(long recordMinFreeBytes) {
    this.recordMinFreeBytes = Ranges.between("recordMinFreeBytes", recordMinFreeBytes, 0, MAX_RECORD_TOTAL_MAX_BYTES);
    return this;
  }
}
