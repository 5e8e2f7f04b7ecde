package io.frameloop.worker;

import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.pipeline.FrameResults;
import io.frameloop.pipeline.ProcessedFrame;
import io.frameloop.pipeline.StageTimes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A processed frame on the event bus. Locally the object itself; between cluster nodes:
 * {@code [i32 width][i32 height][i64 nanos][u16 worker length][worker UTF-8][i64 decode nanos]
 * [i64 setup nanos][i64 encode nanos][u16 ops]([u16 op length][op UTF-8][i64 nanos])*[i32 length][JPEG]
 * [u8 results: 0 none, 1 results, 2 results an op reported][u32 length][results JSON]
 * [i32 length][picture]}; a JPEG length of -1 is no JPEG (reply mode {@code results}, or VP8 replies),
 * a picture length of -1 no picture (the processed picture of a VP8 reply: packed BGR of the width and height).
 */
final class ProcessedFrameMessageCodec extends PassThroughMessageCodec<ProcessedFrame> {

  // v2: with the stage times; v3: with the results; v4: with a VP8 reply's picture
  static final String NAME = "frameloop-processed-frame-v4";

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
    if (frame.jpeg() == null) {
      buffer.appendInt(-1);
    } else {
      buffer.appendInt(frame.jpeg().length()).appendBuffer(frame.jpeg());
    }
    FrameResults results = frame.results();
    if (results == null) {
      buffer.appendUnsignedByte((short) 0);
    } else {
      Buffer json = results.toJson().toBuffer();
      buffer.appendUnsignedByte((short) (results.reported() ? 2 : 1)).appendInt(json.length()).appendBuffer(json);
    }
    if (frame.picture() == null) {
      buffer.appendInt(-1);
    } else {
      buffer.appendInt(frame.picture().bgr().length).appendBytes(frame.picture().bgr());
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
    int jpegLength = buffer.getInt(at);
    Buffer jpeg = jpegLength < 0 ? null : buffer.slice(at + 4, at + 4 + jpegLength);
    at += 4 + Math.max(0, jpegLength);
    int resultsKind = buffer.getUnsignedByte(at);
    at += 1;
    FrameResults results = null;
    if (resultsKind != 0) {
      int length = buffer.getInt(at);
      results = FrameResults.fromTrustedJson(new JsonObject(buffer.getBuffer(at + 4, at + 4 + length)), resultsKind == 2);
      at += 4 + length;
    }
    int pictureLength = buffer.getInt(at);
    DecodedPicture picture = pictureLength < 0 ? null
      : new DecodedPicture(width, height, buffer.getBytes(at + 4, at + 4 + pictureLength), 0);
    return new ProcessedFrame(jpeg, width, height, nanos, worker.isEmpty() ? null : worker,
      new StageTimes(decode, setup, ops, encode), results, picture);
  }
}
