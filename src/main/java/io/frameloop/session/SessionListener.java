package io.frameloop.session;

import io.frameloop.pipeline.StageTimes;

/**
 * Hears what happens in every session, e.g. to keep server-wide metrics. Called on the session's
 * event loop; implementations must be thread-safe and must not block.
 */
public interface SessionListener {

  SessionListener NONE = new SessionListener() {
  };

  default void frameIn(int bytes) {
  }

  default void frameOut(int bytes) {
  }

  default void dropped(DropReason reason) {
  }

  /** An {@code error} message sent to a client, by its code. */
  default void error(String code) {
  }

  default void processed(long processingNanos, long queueWaitNanos) {
  }

  /** A processed frame's time by stage on its worker, and its time in the server besides. */
  default void stages(StageTimes stages, long queueWaitNanos) {
  }

  /** A WebSocket upgrade refused, by reason: {@code origin}, {@code max_sessions}, {@code shutting_down}, {@code draining}. */
  default void sessionRejected(String reason) {
  }
}
