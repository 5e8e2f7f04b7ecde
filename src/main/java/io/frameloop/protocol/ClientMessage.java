package io.frameloop.protocol;

import io.vertx.core.json.JsonObject;

/** A control message (text WebSocket message) from a client, decoded by {@link ClientMessages}. */
public sealed interface ClientMessage {

  /** {@code {"type":"pipeline","ops":[...],"quality":N}}: the ops are checked by the op registry. */
  record SetPipeline(JsonObject pipeline) implements ClientMessage {
  }

  /** {@code {"type":"timings","enabled":true|false}}: per-frame timings in {@code stats}. */
  record SetTimings(boolean enabled) implements ClientMessage {
  }

  /** {@code {"type":"record","enabled":true|false}}: starts or stops recording the session's frames. */
  record SetRecording(boolean enabled) implements ClientMessage {
  }

  /**
   * {@code {"type":"video","codec":"vp8","width":W,"height":H,"colorSpace":{...}}}: the session's video
   * stream, before its first key chunk and on every reconfigure; checked by the session.
   */
  record SetVideo(JsonObject video) implements ClientMessage {
  }

  /** {@code {"type":"keyframe"}}: the next VP8 reply chunk is to be a key chunk (e.g. the client lost one). */
  record RequestKeyframe() implements ClientMessage {
  }
}
