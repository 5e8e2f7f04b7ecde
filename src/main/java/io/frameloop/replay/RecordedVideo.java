package io.frameloop.replay;

import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.pipeline.ImageLimits;
import io.frameloop.record.RecordingReader;
import io.frameloop.video.EncodedChunk;
import io.frameloop.video.VideoConfig;
import io.frameloop.video.VideoConfigException;
import io.frameloop.video.VideoDecodeException;
import io.frameloop.video.VideoSupport;
import io.frameloop.video.Vp8Decoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A recording's VP8 stream, to send as it came ({@code --source} a recording with {@code .vp8}
 * chunks, {@code --video vp8}): its one {@code video} configuration, and its chunks byte for byte in
 * order from the key chunk the recording starts at. The chunks are decoded once, before the run,
 * to pictures: the frames a JPEG replay sends and what the replay's own key chunks are made of
 * (a session that starts again at a frame needs a key of it, see {@link VideoFrames}).
 *
 * @param pictures each chunk's picture as a JPEG, in order
 */
public record RecordedVideo(VideoConfig config, List<EncodedChunk> chunks, List<Buffer> pictures) {

  /**
   * Reads the stream of {@code recorded}, whose frames are all video chunks.
   *
   * @param jpeg encodes a decoded picture as a JPEG frame
   * @throws IllegalArgumentException saying what the replay cannot send: JPEG frames mixed in, several video
   *                                  configurations, a gap in the sequence numbers, no key first, a chunk that does not decode
   */
  static RecordedVideo of(RecordingReader.Recorded recorded, Function<DecodedPicture, Buffer> jpeg) {
    String where = "--source " + recorded.dir() + ": ";
    List<RecordingReader.Frame> frames = recorded.frames();
    if (!frames.stream().allMatch(frame -> frame.kind().video())) {
      throw new IllegalArgumentException(where + "the recording mixes JPEG frames and video chunks; the replay sends one or the other");
    }
    VideoConfig config = config(recorded, where);
    if (!frames.get(0).kind().key()) {
      throw new IllegalArgumentException(where + "the recording's first chunk is not a key chunk: nothing after it decodes");
    }
    for (int i = 1; i < frames.size(); i++) {
      long expected = (frames.get(i - 1).sequence() + 1) & 0xFFFFFFFFL;
      if (frames.get(i).sequence() != expected) {
        throw new IllegalArgumentException(where + "chunk " + frames.get(i).sequence() + " follows " + frames.get(i - 1).sequence()
          + ": the recorded stream has a gap, and a replay must send an unbroken one");
      }
    }
    List<EncodedChunk> chunks = new ArrayList<>();
    List<Buffer> pictures = new ArrayList<>();
    DecodedPicture last = null;
    try (Vp8Decoder decoder = Vp8Decoder.create()) {
      for (RecordingReader.Frame frame : frames) {
        DecodedPicture picture;
        try {
          picture = decoder.decode(frame.payload(), config.colorSpace(), config.width(), config.height());
        } catch (VideoDecodeException e) {
          throw new IllegalArgumentException(where + "chunk " + frame.sequence() + " does not decode: " + e.getMessage());
        }
        if (picture != null) {
          last = picture;
        } else if (last == null) {
          throw new IllegalArgumentException(where + "the first chunk shows no picture");
        }
        chunks.add(new EncodedChunk(frame.payload(), frame.kind().key()));
        pictures.add(jpeg.apply(last)); // an invisible frame shows the picture before it
      }
    }
    return new RecordedVideo(config, chunks, pictures);
  }

  private static VideoConfig config(RecordingReader.Recorded recorded, String where) {
    JsonArray changes = recorded.session().getJsonArray("videoChanges", new JsonArray());
    if (changes.isEmpty()) {
      throw new IllegalArgumentException(where + "the recording has video chunks but no videoChanges in session.json");
    }
    JsonObject first = changes.getJsonObject(0).getJsonObject("video");
    for (int i = 1; i < changes.size(); i++) {
      if (!changes.getJsonObject(i).getJsonObject("video").equals(first)) {
        throw new IllegalArgumentException(where + "the recording's video was reconfigured (" + changes.size()
          + " configurations); the replay sends one stream of one size");
      }
    }
    try {
      return VideoConfig.fromJson(first, new ImageLimits(), VideoSupport.probe());
    } catch (VideoConfigException e) {
      throw new IllegalArgumentException(where + "its video configuration: " + e.getMessage());
    }
  }

}
