package io.frameloop.worker;

import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.PipelineSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A frame on the event bus. Locally the object itself is passed (no copy of the bytes, a decoded
 * video picture as it is); between cluster nodes:
 * {@code [u32 pipeline length][pipeline JSON][u8 quality][u8 kind]}, then for a JPEG (kind 0)
 * {@code [u32 JPEG length][JPEG]}, for a decoded video picture (kind 1)
 * {@code [u32 width][u32 height][i64 decode nanos][width * height * 3 BGR bytes]}: raw pixels, as a
 * remote worker may have no video decoder, and re-encoding would cost the front a JPEG encode.
 */
final class FrameJobMessageCodec extends PassThroughMessageCodec<FrameJob> {

  // v2: with the reply quality; v3: the pipeline JSON carries its reply mode (a v2 worker would ignore it
  // and encode an image the front did not ask for) and a job may carry a decoded video picture. A node
  // of another version must not take these jobs.
  static final String NAME = "frameloop-frame-job-v3";

  private static final short JPEG = 0;
  private static final short PICTURE = 1;

  FrameJobMessageCodec() {
    super(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, FrameJob job) {
    Buffer pipeline = job.pipeline().toJson().toBuffer();
    buffer.appendInt(pipeline.length()).appendBuffer(pipeline).appendUnsignedByte((short) job.quality());
    DecodedPicture picture = job.picture();
    if (picture == null) {
      buffer.appendUnsignedByte(JPEG).appendInt(job.jpeg().length()).appendBuffer(job.jpeg());
    } else {
      buffer.appendUnsignedByte(PICTURE).appendInt(picture.width()).appendInt(picture.height())
        .appendLong(picture.decodeNanos()).appendBytes(picture.bgr());
    }
  }

  @Override
  public FrameJob decodeFromWire(int pos, Buffer buffer) {
    int pipelineLength = buffer.getInt(pos);
    int qualityAt = pos + 4 + pipelineLength;
    PipelineSpec pipeline = PipelineSpec.fromTrustedJson(new JsonObject(buffer.getBuffer(pos + 4, qualityAt)));
    int quality = buffer.getUnsignedByte(qualityAt);
    int at = qualityAt + 2;
    if (buffer.getUnsignedByte(qualityAt + 1) == PICTURE) {
      int width = buffer.getInt(at);
      int height = buffer.getInt(at + 4);
      int pixelsAt = at + 16;
      return FrameJob.ofPicture(new DecodedPicture(width, height, buffer.getBytes(pixelsAt, pixelsAt + width * height * 3),
        buffer.getLong(at + 8)), pipeline, quality);
    }
    int jpegLength = buffer.getInt(at);
    return new FrameJob(buffer.slice(at + 4, at + 4 + jpegLength), pipeline, quality);
  }
}
