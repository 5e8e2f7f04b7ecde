package io.frameloop.worker;

import io.frameloop.pipeline.ProcessedFrame;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * A processed frame on the event bus. Locally the object itself; between cluster nodes:
 * {@code [i32 width][i32 height][i64 nanos][u16 worker length][worker UTF-8][u32 length][JPEG]}.
 */
final class ProcessedFrameMessageCodec extends PassThroughMessageCodec<ProcessedFrame> {

  static final String NAME = "frameloop-processed-frame";

  ProcessedFrameMessageCodec() {
    super(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, ProcessedFrame frame) {
    byte[] worker = (frame.worker() == null ? "" : frame.worker()).getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(frame.width()).appendInt(frame.height()).appendLong(frame.processingNanos())
      .appendUnsignedShort(worker.length).appendBytes(worker)
      .appendInt(frame.jpeg().length()).appendBuffer(frame.jpeg());
  }

  @Override
  public ProcessedFrame decodeFromWire(int pos, Buffer buffer) {
    int width = buffer.getInt(pos);
    int height = buffer.getInt(pos + 4);
    long nanos = buffer.getLong(pos + 8);
    int workerLength = buffer.getUnsignedShort(pos + 16);
    String worker = buffer.getString(pos + 18, pos + 18 + workerLength, "UTF-8");
    int jpegAt = pos + 18 + workerLength;
    int jpegLength = buffer.getInt(jpegAt);
    return new ProcessedFrame(buffer.slice(jpegAt + 4, jpegAt + 4 + jpegLength), width, height, nanos,
      worker.isEmpty() ? null : worker);
  }
}
