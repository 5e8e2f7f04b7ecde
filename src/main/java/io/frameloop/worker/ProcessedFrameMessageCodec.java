package io.frameloop.worker;

import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.pipeline.ProcessedFrame;
import io.frameloop.pipeline.StageTimes;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A processed frame on the event bus. Locally the object itself; between cluster nodes:
 * {@code [i32 width][i32 height][i64 nanos][u16 worker length][worker UTF-8][i64 decode nanos]
 * [i64 setup nanos][i64 encode nanos][u16 ops]([u16 op length][op UTF-8][i64 nanos])*[u8 kind][u32 length][bytes]},
 * kind 0 a JPEG, kind 1 the processed picture of a VP8 reply (packed BGR of the width and height).
 */
final class ProcessedFrameMessageCodec extends PassThroughMessageCodec<ProcessedFrame> {

  static final String NAME = "frameloop-processed-frame-v3"; // v2: with the stage times; v3: a VP8 reply's picture
  private static final byte JPEG = 0;
  private static final byte PICTURE = 1;

  ProcessedFrameMessageCodec() {
    super(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, ProcessedFrame frame) {
    buffer.appendInt(frame.width()).appendInt(frame.height()).appendLong(frame.processingNanos());
    appendString(buffer, frame.worker() == null ? "" : frame.worker());
    StageTimes stages = frame.stages();
    buffer.appendLong(stages.decodeNanos())
      .appendLong(stages.setupNanos())
      .appendLong(stages.encodeNanos())
      .appendUnsignedShort(stages.ops().size());
    for (StageTimes.OpTime op : stages.ops()) {
      appendString(buffer, op.op());
      buffer.appendLong(op.nanos());
    }
    if (frame.picture() != null) {
      buffer.appendByte(PICTURE).appendInt(frame.picture().bgr().length).appendBytes(frame.picture().bgr());
    } else {
      buffer.appendByte(JPEG).appendInt(frame.jpeg().length()).appendBuffer(frame.jpeg());
    }
  }

  private static void appendString(Buffer buffer, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    buffer.appendUnsignedShort(bytes.length).appendBytes(bytes);
  }

  @Override
  public ProcessedFrame decodeFromWire(int pos, Buffer buffer) {
    int width = buffer.getInt(pos);
    int height = buffer.getInt(pos + 4);
    long nanos = buffer.getLong(pos + 8);
    int at = pos + 16;
    String worker = buffer.getString(at + 2, at + 2 + buffer.getUnsignedShort(at), "UTF-8");
    at += 2 + buffer.getUnsignedShort(at);
    long decode = buffer.getLong(at);
    long setup = buffer.getLong(at + 8);
    long encode = buffer.getLong(at + 16);
    int opCount = buffer.getUnsignedShort(at + 24);
    at += 26;
    List<StageTimes.OpTime> ops = new ArrayList<>(opCount);
    for (int i = 0; i < opCount; i++) {
      int length = buffer.getUnsignedShort(at);
      String op = buffer.getString(at + 2, at + 2 + length, "UTF-8");
      ops.add(new StageTimes.OpTime(op, buffer.getLong(at + 2 + length)));
      at += 2 + length + 8;
    }
    byte kind = buffer.getByte(at);
    int length = buffer.getInt(at + 1);
    at += 5;
    StageTimes stages = new StageTimes(decode, setup, ops, encode);
    String node = worker.isEmpty() ? null : worker;
    if (kind == PICTURE) {
      DecodedPicture picture = new DecodedPicture(width, height, buffer.getBytes(at, at + length), 0);
      return new ProcessedFrame(null, width, height, nanos, node, stages, picture);
    }
    return new ProcessedFrame(buffer.slice(at, at + length), width, height, nanos, node, stages);
  }
}
