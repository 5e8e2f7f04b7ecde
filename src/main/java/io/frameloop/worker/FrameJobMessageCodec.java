package io.frameloop.worker;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.PipelineSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A frame on the event bus. Locally the object itself is passed (no copy of the bytes); between
 * cluster nodes: {@code [u32 pipeline length][pipeline JSON][u8 quality][u32 JPEG length][JPEG]},
 * the JPEG as raw bytes.
 */
final class FrameJobMessageCodec extends PassThroughMessageCodec<FrameJob> {

  // v2: with the reply quality; v3: the pipeline JSON carries its reply mode (a v2 worker would ignore it
  // and encode an image the front did not ask for: a node of another version must not take these jobs).
  static final String NAME = "frameloop-frame-job-v3";

  FrameJobMessageCodec() {
    super(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, FrameJob job) {
    Buffer pipeline = job.pipeline().toJson().toBuffer();
    buffer.appendInt(pipeline.length()).appendBuffer(pipeline).appendUnsignedByte((short) job.quality())
      .appendInt(job.jpeg().length()).appendBuffer(job.jpeg());
  }

  @Override
  public FrameJob decodeFromWire(int pos, Buffer buffer) {
    int pipelineLength = buffer.getInt(pos);
    int qualityAt = pos + 4 + pipelineLength;
    PipelineSpec pipeline = PipelineSpec.fromTrustedJson(new JsonObject(buffer.getBuffer(pos + 4, qualityAt)));
    int jpegAt = qualityAt + 1;
    int jpegLength = buffer.getInt(jpegAt);
    return new FrameJob(buffer.slice(jpegAt + 4, jpegAt + 4 + jpegLength), pipeline, buffer.getUnsignedByte(qualityAt));
  }
}
