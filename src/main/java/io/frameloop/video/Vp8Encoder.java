package io.frameloop.video;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * A VP8 encoder (libvpx through FFmpeg) for BGR pictures of one size: realtime, one thread, no
 * look-ahead (every picture gives its chunk at once), key frames only when asked for and capped in
 * size ({@link Vp8EncoderOptions}). Converts BGR to I420 with the colour space it was made with.
 * Used by one thread at a time, never an event loop; {@link #close} frees its native state
 * (counted in {@link OpenVideoCodecs}).
 */
public final class Vp8Encoder implements AutoCloseable {

  static final String LIBVPX = "libvpx";

  private final AVCodecContext context;
  private final AVFrame frame;
  private final AVPacket packet;
  private final SwsContext converter;
  private final int width;
  private final int height;
  private final BytePointer input;
  private final PointerPointer<BytePointer> inputPlanes;
  private final IntPointer inputStrides;
  private final byte[] pixels;
  private long pts;
  private boolean closed;

  private Vp8Encoder(AVCodecContext context, int width, int height, ColorSpace colorSpace) {
    this.context = context;
    this.width = width;
    this.height = height;
    this.frame = avutil.av_frame_alloc();
    frame.format(avutil.AV_PIX_FMT_YUV420P).width(width).height(height);
    int buffered = avutil.av_frame_get_buffer(frame, 0);
    this.packet = avcodec.av_packet_alloc();
    this.converter = swscale.sws_getContext(width, height, avutil.AV_PIX_FMT_BGR24, width, height, avutil.AV_PIX_FMT_YUV420P,
      swscale.SWS_BILINEAR | swscale.SWS_ACCURATE_RND, null, null, (DoublePointer) null);
    IntPointer matrix = swscale.sws_getCoefficients(Matrices.swscale(colorSpace.matrix()));
    // From full-range BGR to the stream's YUV: its matrix, its range.
    int detailed = converter == null ? -1
      : swscale.sws_setColorspaceDetails(converter, matrix, 1, matrix, colorSpace.fullRange() ? 1 : 0, 0, 1 << 16, 1 << 16);
    this.input = new BytePointer((long) width * height * 3);
    this.inputPlanes = new PointerPointer<>(input, null, null, null);
    this.inputStrides = new IntPointer(width * 3, 0, 0, 0);
    this.pixels = new byte[width * height * 3];
    if (buffered < 0 || detailed < 0) {
      close(); // frees what was made, and counts the encoder closed
      throw new IllegalStateException(buffered < 0 ? "no picture buffer for the VP8 encoder: " + FfmpegErrors.describe(buffered)
        : "swscale cannot convert BGR to " + colorSpace.matrix() + " YUV for the VP8 encoder");
    }
  }

  /**
   * Opens an encoder; call only when {@link VideoSupport#probe()} lists VP8 under {@code encode}.
   *
   * @throws IllegalStateException when FFmpeg cannot open one
   */
  public static Vp8Encoder create(int width, int height, ColorSpace colorSpace, Vp8EncoderOptions options) {
    if (width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("VP8 in I420 needs an even width and height, not " + width + "x" + height);
    }
    AVCodec codec = avcodec.avcodec_find_encoder_by_name(LIBVPX);
    if (codec == null) {
      throw new IllegalStateException("this FFmpeg build has no libvpx VP8 encoder");
    }
    AVCodecContext context = avcodec.avcodec_alloc_context3(codec);
    context.width(width).height(height).pix_fmt(avutil.AV_PIX_FMT_YUV420P)
      .time_base(avutil.av_make_q(1, options.getFrameRate())).framerate(avutil.av_make_q(options.getFrameRate(), 1))
      .bit_rate(options.getBitrate()).thread_count(1).max_b_frames(0)
      .gop_size(Integer.MAX_VALUE) // key frames when asked for: a client asks after a loss
      .rc_buffer_size(options.getBitrate() / 2).rc_initial_buffer_occupancy(options.getBitrate() / 4)
      .color_range(colorSpace.fullRange() ? avutil.AVCOL_RANGE_JPEG : avutil.AVCOL_RANGE_MPEG);
    AVDictionary settings = new AVDictionary(null);
    for (List<String> setting : List.of(List.of("deadline", "realtime"), List.of("cpu-used", String.valueOf(options.getCpuUsed())),
      List.of("lag-in-frames", "0"), List.of("auto-alt-ref", "0"),
      List.of("max-intra-rate", String.valueOf(options.getMaxIntraRate())))) {
      avutil.av_dict_set(settings, setting.get(0), setting.get(1), 0);
    }
    int opened = avcodec.avcodec_open2(context, codec, settings);
    avutil.av_dict_free(settings);
    if (opened < 0) {
      avcodec.avcodec_free_context(context);
      throw new IllegalStateException("the VP8 encoder did not open: " + FfmpegErrors.describe(opened));
    }
    OpenVideoCodecs.encoderOpened();
    return new Vp8Encoder(context, width, height, colorSpace);
  }

  /**
   * Encodes one BGR picture of the encoder's size.
   *
   * @param key whether to make a key chunk (the first chunk always is one)
   */
  public EncodedChunk encode(Mat bgr, boolean key) {
    CodecThreads.refuseEventLoop();
    if (bgr.cols() != width || bgr.rows() != height || bgr.type() != CvType.CV_8UC3) {
      throw new IllegalArgumentException("this encoder takes " + width + "x" + height + " BGR pictures, not "
        + bgr.cols() + "x" + bgr.rows() + " of type " + CvType.typeToString(bgr.type()));
    }
    Mat continuous = bgr.isContinuous() ? bgr : bgr.clone();
    try {
      continuous.get(0, 0, pixels);
    } finally {
      if (continuous != bgr) {
        continuous.release();
      }
    }
    return encodePacked(pixels, key);
  }

  /**
   * Encodes one picture of packed BGR bytes ({@code width * height * 3}, rows top to bottom), as
   * a session's reply pictures come: no OpenCV needed.
   */
  public EncodedChunk encode(byte[] bgr, boolean key) {
    if (bgr.length != pixels.length) {
      throw new IllegalArgumentException("this encoder takes " + width + "x" + height + " BGR pictures of " + pixels.length
        + " bytes, not " + bgr.length);
    }
    return encodePacked(bgr, key);
  }

  private EncodedChunk encodePacked(byte[] bgr, boolean key) {
    input.position(0).put(bgr);
    int writable = avutil.av_frame_make_writable(frame);
    if (writable < 0) {
      throw new IllegalStateException("the VP8 encoder's picture buffer cannot be written: " + FfmpegErrors.describe(writable));
    }
    swscale.sws_scale(converter, inputPlanes, inputStrides, 0, height, frame.data(), frame.linesize());
    frame.pts(pts++);
    frame.pict_type(key ? avutil.AV_PICTURE_TYPE_I : avutil.AV_PICTURE_TYPE_NONE);
    int sent = avcodec.avcodec_send_frame(context, frame);
    if (sent < 0) {
      throw new IllegalStateException("the VP8 encoder refused the picture: " + FfmpegErrors.describe(sent));
    }
    int received = avcodec.avcodec_receive_packet(context, packet);
    if (received == avutil.AVERROR_EAGAIN()) {
      throw new IllegalStateException("the VP8 encoder held the picture back: it is set up with no look-ahead");
    }
    if (received < 0) {
      throw new IllegalStateException("the VP8 encoder failed: " + FfmpegErrors.describe(received));
    }
    try {
      byte[] data = new byte[packet.size()];
      packet.data().get(data);
      return new EncodedChunk(Buffer.buffer(data), (packet.flags() & avcodec.AV_PKT_FLAG_KEY) != 0);
    } finally {
      avcodec.av_packet_unref(packet);
    }
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (converter != null) {
      swscale.sws_freeContext(converter);
    }
    input.close();
    inputPlanes.close();
    inputStrides.close();
    avutil.av_frame_free(frame);
    avcodec.av_packet_free(packet);
    avcodec.avcodec_free_context(context);
    OpenVideoCodecs.encoderClosed();
  }
}
