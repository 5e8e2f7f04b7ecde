package io.frameloop.video;

import io.vertx.core.Context;

/** Where the video codecs may run. */
final class CodecThreads {

  private CodecThreads() {
  }

  /** A codec call blocks for milliseconds: a bug to make on an event loop, failed loudly rather than stalling it. */
  static void refuseEventLoop() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("video codecs never run on an event loop");
    }
  }
}
