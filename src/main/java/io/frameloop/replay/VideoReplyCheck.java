package io.frameloop.replay;

import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.protocol.InboundFrame;
import io.frameloop.video.VideoDecodeException;
import io.frameloop.video.Vp8Decoder;
import io.frameloop.video.ColorSpace;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * A replay session's VP8 replies ({@code --reply-format vp8}), decoded in order off the event loop
 * (ordered blocking tasks of the session's context) to check them: each chunk decodes, to the size
 * the server's reply {@code video} message announced. A chunk that does not makes the session ask
 * for a key chunk, as the page would. Used on the session's event loop.
 */
final class VideoReplyCheck {

  private final Vertx vertx;
  private final Runnable askForKey;
  /** Touched only by the decode tasks, one at a time in order. */
  private Vp8Decoder decoder;
  private int width;
  private int height;
  private ColorSpace colorSpace = ColorSpace.VP8_DEFAULT;
  long decoded;
  long failed;

  VideoReplyCheck(Vertx vertx, Runnable askForKey) {
    this.vertx = vertx;
    this.askForKey = askForKey;
  }

  /** The server's {@code {"type":"video","direction":"reply",...}}: the size the chunks after it have. */
  void described(JsonObject message) {
    width = message.getInteger("width", 0);
    height = message.getInteger("height", 0);
    if (message.getValue("colorSpace") instanceof JsonObject colors) {
      colorSpace = new ColorSpace(colors.getString("primaries"), colors.getString("transfer"), colors.getString("matrix"),
        colors.getBoolean("fullRange", false));
    }
  }

  /** A reply chunk, in order; {@code onFailure} hears a chunk that did not decode to the announced size. */
  void chunk(InboundFrame reply, Runnable onFailure) {
    int expectedWidth = width;
    int expectedHeight = height;
    ColorSpace colors = colorSpace;
    vertx.<String>executeBlocking(() -> {
      if (decoder == null) {
        decoder = Vp8Decoder.create();
      }
      try {
        DecodedPicture picture = decoder.decode(reply.payload(), colors);
        if (picture == null || (picture.width() == expectedWidth && picture.height() == expectedHeight)) {
          return null;
        }
        return "a " + picture.width() + "x" + picture.height() + " reply where the server announced " + expectedWidth
          + "x" + expectedHeight;
      } catch (VideoDecodeException e) {
        return e.getMessage();
      }
    }, true).onComplete(result -> {
      if (result.succeeded() && result.result() == null) {
        decoded++;
      } else {
        failed++;
        onFailure.run();
        askForKey.run();
      }
    });
  }

  /** Frees the decoder after the chunks in progress. */
  void close() {
    vertx.executeBlocking(() -> {
      if (decoder != null) {
        decoder.close();
        decoder = null;
      }
      return null;
    }, true);
  }
}
