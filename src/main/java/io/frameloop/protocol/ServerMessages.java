package io.frameloop.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;

/** Every JSON control message (text WebSocket message) the server sends in protocol v1. */
public final class ServerMessages {

  public static final int PROTOCOL_VERSION = 1;

  /** A frame that could not be processed; the session stays open. */
  public static final String BAD_FRAME = "bad_frame";
  /** A {@code pipeline} message naming an unknown op or a bad parameter. */
  public static final String BAD_PIPELINE = "bad_pipeline";
  /** A frame predicted over the frame budget at its size, or frames that kept measuring over it (the pipeline is then reset). */
  public static final String OVER_BUDGET = "over_budget";
  /** A text message that is not valid JSON, has no known {@code type}, or has fields of the wrong type. */
  public static final String BAD_MESSAGE = "bad_message";
  /** A frame the server failed on (not the frame's fault); the session stays open. */
  public static final String SERVER_ERROR = "server_error";
  /** A {@code record} message the server cannot follow now: its directory is full, too many recordings run. */
  public static final String RECORD_REFUSED = "record_refused";
  /** A {@code video} message the server cannot follow: unknown codec, size over the limits, video unavailable. */
  public static final String BAD_VIDEO = "bad_video";
  /** Keyframe request reasons: a gap in the chunks' sequence numbers, a delta with no key before it, a decoder error. */
  public static final String KEYFRAME_GAP = "gap";
  public static final String KEYFRAME_NO_KEY = "no_key";
  public static final String KEYFRAME_DECODE_ERROR = "decode_error";
  /** The server's decode queue was full: the decoder fell behind the stream. */
  public static final String KEYFRAME_OVERLOAD = "overload";

  private ServerMessages() {
  }

  /**
   * The first message of a session: the ops on offer, the session's pipeline, the limits and
   * whether the session may record ({@code record} messages), and the video codecs it decodes and
   * encodes ({@code {"decode":[...],"encode":[...]}}, with {@code "unavailable":"<reason>"} when none).
   */
  public static JsonObject hello(JsonArray ops, JsonObject pipeline, HelloLimits limits, boolean recording, JsonObject video) {
    return new JsonObject()
      .put("type", "hello")
      .put("version", PROTOCOL_VERSION)
      .put("ops", ops)
      .put("pipeline", pipeline.getJsonArray("ops"))
      .put("quality", pipeline.getInteger("quality"))
      .put("reply", pipeline.getString("reply"))
      .put("replyFormat", pipeline.getString("replyFormat", "jpeg"))
      .put("limits", limits.toJson())
      .put("recording", recording)
      .put("video", video);
  }

  /** Why a {@code goaway} is sent: the server drains before a restart. */
  public static final String GOAWAY_RESTART = "restart";

  /**
   * The server drains: the session's held frames are still answered, then it closes with 1012;
   * the client reconnects after {@code reconnectAfterMs} (0: at once), keeping its pipeline.
   */
  public static JsonObject goaway(String reason, long reconnectAfterMs) {
    return new JsonObject().put("type", "goaway").put("reason", reason).put("reconnectAfterMs", reconnectAfterMs);
  }

  /** The session's video stream after a {@code video} message, normalized: {@code codec}, {@code width}, {@code height}, {@code colorSpace}. */
  public static JsonObject video(JsonObject video) {
    return new JsonObject().put("type", "video").mergeIn(video);
  }

  /**
   * Describes the session's VP8 reply stream, before its first chunk and whenever its size changes:
   * {@code {"type":"video","direction":"reply","codec":..,"width":..,"height":..,"colorSpace":{...}}}.
   */
  public static JsonObject videoReply(String codec, int width, int height, JsonObject colorSpace) {
    return new JsonObject().put("type", "video").put("direction", "reply").put("codec", codec).put("width", width)
      .put("height", height).put("colorSpace", colorSpace);
  }

  /** Asks the client for a key chunk: {@code reason} is one of the {@code KEYFRAME_*}, {@code sequence} the chunk that showed it. */
  public static JsonObject keyframe(String reason, long sequence) {
    return new JsonObject().put("type", "keyframe").put("reason", reason).put("seq", sequence);
  }

  /** The session's pipeline after a change, normalized: {@code ops} with every parameter, {@code quality} and {@code reply}. */
  public static JsonObject pipeline(JsonObject pipeline) {
    return new JsonObject().put("type", "pipeline").mergeIn(pipeline);
  }

  /**
   * What the ops found in one frame, sent before its image (if any): {@code seq} and
   * {@code timestamp} from the frame's header (none for a bare JPEG), then {@code width},
   * {@code height}, {@code detections} and {@code data} as {@code results} has them.
   */
  public static JsonObject results(FrameHeader header, JsonObject results) {
    JsonObject json = new JsonObject().put("type", "results");
    if (header != null) {
      json.put("seq", header.sequence()).put("timestamp", header.timestamp());
    }
    return json.mergeIn(results);
  }

  /** The answer to a {@code timings} message. */
  public static JsonObject timings(boolean enabled) {
    return new JsonObject().put("type", "timings").put("enabled", enabled);
  }

  /**
   * The state of the session's recording: {@code enabled}, and the recording's {@code id},
   * {@code frames}, {@code bytes}, {@code skipped} (and {@code reason} when the server stopped it).
   */
  public static JsonObject record(boolean enabled, JsonObject recording) {
    JsonObject json = new JsonObject().put("type", "record").put("enabled", enabled);
    return recording == null ? json : json.mergeIn(recording);
  }

  public static JsonObject stats(StatsReport report) {
    JsonObject json = new JsonObject()
      .put("type", "stats")
      .put("in", report.framesIn())
      .put("out", report.framesOut())
      .put("errors", report.errors())
      .put("dropped", new JsonObject(new LinkedHashMap<>(report.dropped())))
      .put("droppedTotal", report.dropped().values().stream().mapToLong(Long::longValue).sum())
      .put("pending", report.pending())
      .put("bytesIn", report.bytesIn())
      .put("bytesOut", report.bytesOut())
      .put("workers", new JsonObject(new LinkedHashMap<>(report.processedBy())))
      .put("processMs", report.processMs().toJson())
      .put("queueMs", report.queueMs().toJson())
      .put("replyQuality", report.replyQuality());
    if (report.input() != null) {
      json.put("input", report.input().toJson());
    }
    if (report.output() != null) {
      json.put("output", report.output().toJson());
    }
    if (report.timings() != null) {
      JsonArray timings = new JsonArray();
      report.timings().forEach(t -> timings.add(timing(t)));
      json.put("timings", timings);
    }
    return json;
  }

  /** {@code [seq, processing, queue, decode, encode, [[op, micros], ...], setup]}: the first three as in the first v1 servers. */
  private static JsonArray timing(StatsReport.FrameTiming timing) {
    JsonArray ops = new JsonArray();
    timing.ops().forEach(op -> ops.add(new JsonArray().add(op.op()).add(op.micros())));
    return new JsonArray().add(timing.sequence()).add(timing.processingMicros()).add(timing.queueMicros())
      .add(timing.decodeMicros()).add(timing.encodeMicros()).add(ops).add(timing.setupMicros());
  }

  public static JsonObject error(String code, String message) {
    return new JsonObject().put("type", "error").put("code", code).put("message", message);
  }

  /** An error about one frame ({@code bad_frame} or {@code server_error}); {@code sequence} is -1 for a bare frame. */
  public static JsonObject frameError(String code, long sequence, String message) {
    JsonObject error = error(code, message);
    if (sequence >= 0) {
      error.put("seq", sequence);
    }
    return error;
  }
}
