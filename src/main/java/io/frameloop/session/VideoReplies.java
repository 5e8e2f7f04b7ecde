package io.frameloop.session;

import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.protocol.ServerMessages;
import io.frameloop.video.ColorSpace;
import io.frameloop.video.EncodedChunk;
import io.frameloop.video.Vp8Encoder;
import io.frameloop.video.Vp8EncoderOptions;
import io.frameloop.video.VideoSupport;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A session's VP8 reply stream: its one encoder, which encodes the processed pictures in the order
 * they were processed, on a small shared worker pool (never the event loop), one at a time.
 *
 * <p>Pictures are dropped only before the encoder (a chunk once encoded is always sent: a missing
 * delta would corrupt every picture after it): a picture that arrives while one is encoded waits,
 * and replaces (drops as {@code stale}) the one that waited. The encoder is made at the first
 * picture and made again, starting with a key chunk, on a size change, a new {@link ReplyBitrate}
 * or an encoder error; a {@code video} message with {@code "direction":"reply"} precedes the first
 * chunk of each size. A client's {@code keyframe} request makes the next chunk a key. Used on the
 * session's event loop.
 *
 * @param <T> what the session keeps of each processed frame for its reply
 */
final class VideoReplies<T> {

  /** What the reply pictures are encoded as, and what the reply's {@code video} message says: a canvas's colours. */
  static final ColorSpace REPLY_COLORS = new ColorSpace("bt709", "iec61966-2-1", "bt709", true);
  /** The encode pool's threads: one per core; each encode is a few milliseconds on one thread. */
  private static final int ENCODE_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static final String ENCODE_POOL = "frameloop-video-encode";

  /** Hears the reply stream's chunks and the pictures it let go. */
  interface Listener<T> {
    /** A picture's chunk, in order; to be sent whatever the client's queue (see the class comment). */
    void chunk(T frame, EncodedChunk chunk, int width, int height, long encodeNanos);

    /** A picture dropped before the encoder. */
    void dropped(T frame, DropReason reason);

    /** The encoder failed on a picture (the next one starts a new stream at a key). */
    void failed(T frame, String message);
  }

  private record Picture<T>(T frame, DecodedPicture picture) {
  }

  /** What an encode gave: the chunk, the size it was made at and its time. */
  private record Encoded(EncodedChunk chunk, int width, int height, long nanos) {
  }

  private final Context context;
  private final ReplyBitrate bitrate;
  private final LongSupplier unsentBytes;
  private final Consumer<JsonObject> send;
  private final Listener<T> listener;
  private WorkerExecutor executor;
  /** Touched only by the encode task in progress (one at a time, in order). */
  private Vp8Encoder encoder;
  private int encoderBitrate;
  private Picture<T> waiting;
  private boolean encoding;
  private boolean keyWanted;
  private boolean restart;
  private int announcedWidth;
  private int announcedHeight;
  private boolean closed;

  /**
   * @param unsentBytes the session's bytes written and not yet handed to the network
   * @param send        sends a message the client must see before the chunks it describes
   */
  VideoReplies(Context context, long writeQueueMaxBytes, LongSupplier unsentBytes, Consumer<JsonObject> send,
               Listener<T> listener) {
    this.context = context;
    this.unsentBytes = unsentBytes;
    this.bitrate = new ReplyBitrate(writeQueueMaxBytes);
    this.send = send;
    this.listener = listener;
  }

  /** A processed picture, in processing order (the session has checked that its client keeps up). */
  void picture(T frame, DecodedPicture picture) {
    if (closed) {
      listener.dropped(frame, DropReason.CLOSED);
      return;
    }
    Picture<T> next = new Picture<>(frame, picture);
    if (encoding) {
      if (waiting != null) {
        listener.dropped(waiting.frame(), DropReason.STALE);
      }
      waiting = next;
      return;
    }
    encode(next);
  }

  /** The client asked for a key chunk ({@code {"type":"keyframe"}}): the next chunk is one. */
  void keyRequested() {
    keyWanted = true;
  }

  /**
   * Replies went out as JPEGs meanwhile (the pipeline changed): a client back on VP8 replies starts
   * a new stream, so the next chunk is a key chunk after a new reply {@code video} message.
   */
  void interrupted() {
    keyWanted = true;
    announcedWidth = 0;
    announcedHeight = 0;
  }

  /** Pictures taken and not yet sent or dropped: pending in the session's counts. */
  int pending() {
    return (encoding ? 1 : 0) + (waiting != null ? 1 : 0);
  }

  /** The bitrate in force, for {@code stats}. */
  int bitrate() {
    return bitrate.current();
  }

  private void encode(Picture<T> next) {
    int rate = bitrate.next(unsentBytes.getAsLong(), System.nanoTime());
    boolean key = keyWanted;
    boolean fresh = restart;
    keyWanted = false;
    restart = false;
    encoding = true;
    if (executor == null) {
      executor = context.owner().createSharedWorkerExecutor(ENCODE_POOL, ENCODE_THREADS);
    }
    executor.executeBlocking(() -> encodeNow(next.picture(), rate, key, fresh), false)
      .onComplete(result -> encoded(next, result));
  }

  /** On an encode thread: the picture's chunk, with a new encoder for a new size, bitrate or after an error. */
  private Encoded encodeNow(DecodedPicture picture, int rate, boolean key, boolean fresh) {
    long start = System.nanoTime();
    if (encoder != null && (fresh || encoder.width() != picture.width() || encoder.height() != picture.height()
      || encoderBitrate != rate)) {
      encoder.close();
      encoder = null;
    }
    boolean first = encoder == null;
    if (first) {
      encoder = Vp8Encoder.create(picture.width(), picture.height(), REPLY_COLORS, new Vp8EncoderOptions().setBitrate(rate));
      encoderBitrate = rate;
    }
    EncodedChunk chunk = encoder.encode(picture.bgr(), key || first);
    return new Encoded(chunk, picture.width(), picture.height(), System.nanoTime() - start);
  }

  private void encoded(Picture<T> picture, AsyncResult<Encoded> result) {
    encoding = false;
    if (closed) {
      listener.dropped(picture.frame(), DropReason.CLOSED);
      release();
      return;
    }
    if (result.succeeded()) {
      Encoded encoded = result.result();
      if (encoded.width() != announcedWidth || encoded.height() != announcedHeight) {
        announcedWidth = encoded.width();
        announcedHeight = encoded.height();
        send.accept(ServerMessages.videoReply(VideoSupport.VP8, encoded.width(), encoded.height(), REPLY_COLORS.toJson()));
      }
      listener.chunk(picture.frame(), encoded.chunk(), encoded.width(), encoded.height(), encoded.nanos());
    } else {
      restart = true; // the encoder's state is unknown: the next picture starts a new stream, at a key
      listener.failed(picture.frame(), "the VP8 reply encoder failed: " + result.cause().getMessage());
    }
    Picture<T> next = waiting;
    waiting = null;
    if (next != null) {
      encode(next);
    }
  }

  /** Drops the waiting picture and frees the encoder (on an encode thread, after the picture in progress). */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (waiting != null) {
      listener.dropped(waiting.frame(), DropReason.CLOSED);
      waiting = null;
    }
    if (!encoding) {
      release();
    }
  }

  private void release() {
    if (executor == null) {
      return;
    }
    WorkerExecutor pool = executor;
    executor = null;
    pool.executeBlocking(() -> {
      if (encoder != null) {
        encoder.close();
        encoder = null;
      }
      return null;
    }, false).onComplete(done -> pool.close());
  }
}
