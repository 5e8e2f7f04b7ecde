package io.frameloop.video;

import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.pipeline.ImageLimits;
import io.vertx.core.buffer.Buffer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * One session's VP8 decoder (FFmpeg's, one thread): decodes the stream's chunks in order, each to a
 * BGR picture converted with the colour space the client declared. Used by one thread at a time,
 * never an event loop; {@link #close} frees its native state (counted in {@link OpenVideoCodecs}).
 */
public final class Vp8Decoder implements AutoCloseable {

  private final AVCodecContext context;
  private final AVPacket packet;
  private final AVFrame frame;
  private final YuvToBgr converter = new YuvToBgr();
  private boolean closed;

  private Vp8Decoder(AVCodecContext context) {
    this.context = context;
    this.packet = avcodec.av_packet_alloc();
    this.frame = avutil.av_frame_alloc();
  }

  /**
   * Opens a decoder; call only when {@link VideoSupport#probe()} says VP8 is decoded here.
   *
   * @throws IllegalStateException when FFmpeg cannot open one
   */
  public static Vp8Decoder create() {
    return create(null);
  }

  /**
   * Opens a decoder that refuses pictures over {@code limits}' pixels before allocating for them
   * (FFmpeg's own {@code max_pixels}); null for FFmpeg's default.
   *
   * @throws IllegalStateException when FFmpeg cannot open one
   */
  public static Vp8Decoder create(ImageLimits limits) {
    AVCodec codec = avcodec.avcodec_find_decoder(avcodec.AV_CODEC_ID_VP8);
    AVCodecContext context = avcodec.avcodec_alloc_context3(codec);
    context.thread_count(1); // parallelism is across sessions, not inside one frame
    if (limits != null) {
      context.max_pixels(limits.getMaxPixels());
    }
    int opened = avcodec.avcodec_open2(context, codec, (AVDictionary) null);
    if (opened < 0) {
      avcodec.avcodec_free_context(context);
      throw new IllegalStateException("the VP8 decoder did not open: " + FfmpegErrors.describe(opened));
    }
    OpenVideoCodecs.decoderOpened();
    return new Vp8Decoder(context);
  }

  /**
   * Decodes the next chunk of the stream.
   *
   * @return the picture, or null when the chunk shows none (an invisible frame)
   * @throws VideoDecodeException when the decoder refuses the chunk (the stream needs a key chunk then)
   */
  public DecodedPicture decode(Buffer chunk, ColorSpace colorSpace) {
    return decode(chunk, colorSpace, 0, 0);
  }

  /**
   * Decodes the next chunk of a stream that declared its pictures' size: a picture of another size
   * (a key frame the checks before decoding did not see) is refused before it is converted.
   *
   * @param width the declared width, or 0 for any
   * @param height the declared height, or 0 for any
   * @return the picture, or null when the chunk shows none (an invisible frame)
   * @throws VideoDecodeException when the decoder refuses the chunk or it decodes to another size
   */
  public DecodedPicture decode(Buffer chunk, ColorSpace colorSpace, int width, int height) {
    CodecThreads.refuseEventLoop();
    long start = System.nanoTime();
    byte[] bytes = chunk.getBytes();
    int made = avcodec.av_new_packet(packet, bytes.length);
    if (made < 0) {
      throw new IllegalStateException("no packet for the chunk: " + FfmpegErrors.describe(made));
    }
    try {
      packet.data().put(bytes);
      int sent = avcodec.avcodec_send_packet(context, packet);
      if (sent < 0) {
        throw new VideoDecodeException("the VP8 decoder refused the chunk: " + FfmpegErrors.describe(sent));
      }
    } finally {
      avcodec.av_packet_unref(packet);
    }
    int received = avcodec.avcodec_receive_frame(context, frame);
    if (received == avutil.AVERROR_EAGAIN()) {
      return null;
    }
    if (received < 0) {
      throw new VideoDecodeException("the VP8 decoder failed on the chunk: " + FfmpegErrors.describe(received));
    }
    try {
      if (frame.decode_error_flags() != 0) {
        throw new VideoDecodeException("the VP8 chunk decoded with errors (flags 0x" + Integer.toHexString(frame.decode_error_flags()) + ")");
      }
      if (width > 0 && (frame.width() != width || frame.height() != height)) {
        throw new VideoDecodeException("the VP8 chunk decoded to " + frame.width() + "x" + frame.height()
          + ", the video message declared " + width + "x" + height);
      }
      byte[] bgr = converter.convert(frame, colorSpace);
      return new DecodedPicture(frame.width(), frame.height(), bgr, System.nanoTime() - start);
    } finally {
      avutil.av_frame_unref(frame);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    converter.close();
    avutil.av_frame_free(frame);
    avcodec.av_packet_free(packet);
    avcodec.avcodec_free_context(context);
    OpenVideoCodecs.decoderClosed();
  }
}
