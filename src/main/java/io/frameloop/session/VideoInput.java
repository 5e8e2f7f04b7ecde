package io.frameloop.session;

import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.pipeline.ImageLimits;
import io.frameloop.protocol.InboundFrame;
import io.frameloop.protocol.ServerMessages;
import io.frameloop.video.ColorSpace;
import io.frameloop.video.VideoConfig;
import io.frameloop.video.VideoConfigException;
import io.frameloop.video.VideoDecodeException;
import io.frameloop.video.Vp8Decoder;
import io.frameloop.video.Vp8KeyFrames;
import io.frameloop.video.VideoSupport;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * A session's video stream: its {@code video} configuration, and its one decoder, which decodes
 * every chunk in order on a small shared worker pool (never the event loop), one chunk at a time.
 * The pictures go on to the session, whose latest-wins slot drops the stale ones.
 *
 * <p>A chunk the decoder cannot use truly (after a gap in the sequence numbers, a delta with no key
 * before it, a decoder error, a chunk refused or a full decode queue) makes the stream wait for a
 * key chunk: the deltas until then are discarded as {@code awaiting_key}, and the client is sent a
 * {@code keyframe} request, at most once per round trip measured from a request to its key
 * ({@link KeyRequestPacer}: 500 ms until measured, 50 ms at least) or sooner once a key arrived. Used on the session's event loop.
 */
final class VideoInput {

  /** Chunks waiting for the decoder at most, besides the one it decodes; then the stream restarts at a key. */
  static final int MAX_QUEUED = 4;
  /** The video decode pool's threads: one per core; each decode is about a millisecond. */
  private static final int DECODE_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static final String DECODE_POOL = "frameloop-video-decode";

  /** Hears what the stream makes and what goes wrong with it. */
  interface Listener {
    /** A chunk decoded to a picture, in order. */
    void picture(InboundFrame chunk, DecodedPicture picture, long arrivedNanos);

    /** A chunk answered with an error ({@code bad_frame}, {@code bad_video} on a server without video, or {@code server_error}). */
    void chunkError(String code, long sequence, String message);
  }

  /** A chunk waiting for the decoder, with the stream's configuration when it came. */
  private record Chunk(InboundFrame frame, long arrivedNanos, ColorSpace colorSpace, int width, int height) {
  }

  private final Context context;
  private final VideoSupport support;
  private final ImageLimits limits;
  private final SessionStats stats;
  private final Consumer<JsonObject> send;
  private final Listener listener;
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
  private VideoConfig config;
  private WorkerExecutor executor;
  /** Touched only by the decode task in progress (one at a time, in order). */
  private Vp8Decoder decoder;
  private boolean decoding;
  private boolean awaitingKey = true;
  private boolean sawKey;
  /** Why the stream waits for a key, for the next request. */
  private String awaitingReason = ServerMessages.KEYFRAME_NO_KEY;
  private long lastSequence = -1;
  private final KeyRequestPacer keyRequests = new KeyRequestPacer();
  private boolean closed;

  VideoInput(Context context, VideoSupport support, ImageLimits limits, SessionStats stats, Consumer<JsonObject> send,
             Listener listener) {
    this.context = context;
    this.support = support;
    this.limits = limits;
    this.stats = stats;
    this.send = send;
    this.listener = listener;
  }

  /** The answer to a {@code video} message: the normalized configuration, or a {@code bad_video} error (the old one stays). */
  JsonObject configure(JsonObject message) {
    VideoConfig next;
    try {
      next = VideoConfig.fromJson(message, limits, support);
    } catch (VideoConfigException e) {
      stats.controlError(ServerMessages.BAD_VIDEO);
      return ServerMessages.error(ServerMessages.BAD_VIDEO, e.getMessage());
    }
    if (!next.equals(config)) {
      awaitingKey = true; // a reconfigured stream starts at a key chunk
      awaitingReason = ServerMessages.KEYFRAME_NO_KEY;
    }
    config = next;
    return ServerMessages.video(config.toJson());
  }

  /** Chunks received and not yet decoded or discarded: pending in the session's counts. */
  int pending() {
    return queue.size() + (decoding ? 1 : 0);
  }

  /** A video chunk, in the order received; counted {@code in} already. */
  void chunk(InboundFrame frame, long arrivedNanos) {
    long sequence = frame.sequence();
    if (!support.available()) {
      // bad_video, not bad_frame: the one code that tells a client to fall back to JPEG for good.
      listener.chunkError(ServerMessages.BAD_VIDEO, sequence, "video unavailable on this server (" + support.unavailable()
        + "): send JPEG frames, header flags 0");
      return;
    }
    if (config == null) {
      listener.chunkError(ServerMessages.BAD_FRAME, sequence,
        "a video chunk before any video message: send {\"type\":\"video\",\"codec\":\"vp8\",\"width\":..,\"height\":..} first");
      return;
    }
    boolean gap = lastSequence >= 0 && sequence != ((lastSequence + 1) & 0xFFFFFFFFL);
    lastSequence = sequence;
    String refused = refusal(frame);
    if (refused != null) {
      listener.chunkError(ServerMessages.BAD_FRAME, sequence, refused);
      restartAtKey(ServerMessages.KEYFRAME_DECODE_ERROR, sequence);
      return;
    }
    if (frame.kind().key()) { // its own frame tag agrees, or it was refused
      awaitingKey = false;
      sawKey = true;
      keyRequests.keyArrived(System.nanoTime()); // a round trip has passed: the next request may go at once
      if (queue.size() >= MAX_QUEUED) {
        // The key replaces the chunks waiting before it: none of them is needed to decode it or what follows.
        queue.forEach(waiting -> stats.drop(DropReason.AWAITING_KEY));
        queue.clear();
      }
    } else if (gap || awaitingKey) {
      stats.drop(DropReason.AWAITING_KEY);
      restartAtKey(gap ? ServerMessages.KEYFRAME_GAP : sawKey ? awaitingReason : ServerMessages.KEYFRAME_NO_KEY, sequence);
      return;
    }
    if (queue.size() >= MAX_QUEUED) {
      stats.drop(DropReason.AWAITING_KEY); // the decoder falls behind: it restarts at a key rather than lag
      restartAtKey(ServerMessages.KEYFRAME_OVERLOAD, sequence);
      return;
    }
    queue.add(new Chunk(frame, arrivedNanos, config.colorSpace(), config.width(), config.height()));
    decodeNext();
  }

  /**
   * Why a chunk is refused before decoding, or null: its size, whether its header's KEY flag agrees
   * with its own frame tag (the decoder goes by the tag), and a key chunk's own header.
   */
  private String refusal(InboundFrame frame) {
    Buffer payload = frame.payload();
    int bytes = payload.length();
    if (bytes > config.maxChunkBytes()) {
      return "video chunk of " + bytes + " bytes is over the limit of " + config.maxChunkBytes() + " for a "
        + config.width() + "x" + config.height() + " stream";
    }
    if (bytes < Vp8KeyFrames.FRAME_TAG_BYTES) {
      return "video chunk of " + bytes + " bytes is shorter than a VP8 frame tag (" + Vp8KeyFrames.FRAME_TAG_BYTES + " bytes)";
    }
    if (!frame.kind().key() && Vp8KeyFrames.taggedKey(payload)) {
      return "the chunk is a VP8 key frame (its frame tag's bit 0 is 0) but its header flags say delta (0x01):"
        + " flag key chunks 0x03";
    }
    if (frame.kind().key()) {
      try {
        Vp8KeyFrames.check(payload, limits);
      } catch (VideoDecodeException e) {
        return e.getMessage();
      }
      // Decoded pictures wait on the heap: a stream's may not be larger than it said they would be.
      int width = Vp8KeyFrames.width(payload);
      int height = Vp8KeyFrames.height(payload);
      if (width != config.width() || height != config.height()) {
        return "the key chunk is " + width + "x" + height + ", the video message declared " + config.width() + "x"
          + config.height() + ": send a video message with the new size before its first key chunk";
      }
    }
    return null;
  }

  /** Waits for a key chunk, discarding the deltas queued, and asks the client for one unless it was asked lately. */
  private void restartAtKey(String reason, long sequence) {
    awaitingKey = true;
    awaitingReason = reason;
    dropQueuedDeltas();
    if (keyRequests.tryRequest(System.nanoTime())) {
      send.accept(ServerMessages.keyframe(reason, sequence));
    }
  }

  /** Discards the chunks queued before the first queued key: they need what came before them. */
  private void dropQueuedDeltas() {
    for (Iterator<Chunk> it = queue.iterator(); it.hasNext(); ) {
      if (it.next().frame().kind().key()) {
        break;
      }
      it.remove();
      stats.drop(DropReason.AWAITING_KEY);
    }
  }

  /**
   * A chunk failed to decode: the deltas queued after it are useless, but a key queued after them
   * restarts the stream by itself (the chunks after that key need only it), so nothing is asked for.
   */
  private void decodeFailed(long sequence) {
    dropQueuedDeltas();
    Chunk next = queue.peek();
    if (next != null && next.frame().kind().key()) {
      return;
    }
    restartAtKey(ServerMessages.KEYFRAME_DECODE_ERROR, sequence);
  }

  private void decodeNext() {
    if (decoding || closed || queue.isEmpty()) {
      return;
    }
    Chunk chunk = queue.poll();
    decoding = true;
    if (executor == null) {
      executor = context.owner().createSharedWorkerExecutor(DECODE_POOL, DECODE_THREADS);
    }
    executor.executeBlocking(() -> decode(chunk), false).onComplete(result -> decoded(chunk, result));
  }

  /** On a decode thread: the chunk's picture, with the decoder made at the stream's first chunk. */
  private DecodedPicture decode(Chunk chunk) {
    if (decoder == null) {
      decoder = Vp8Decoder.create(limits);
    }
    return decoder.decode(chunk.frame().payload(), chunk.colorSpace(), chunk.width(), chunk.height());
  }

  private void decoded(Chunk chunk, AsyncResult<DecodedPicture> result) {
    decoding = false;
    if (closed) {
      stats.drop(DropReason.CLOSED);
      release();
      return;
    }
    long sequence = chunk.frame().sequence();
    if (result.succeeded() && result.result() != null) {
      DecodedPicture picture = result.result();
      stats.input(VideoSupport.VP8, picture.width(), picture.height());
      listener.picture(chunk.frame(), picture, chunk.arrivedNanos());
    } else if (result.succeeded()) {
      stats.drop(DropReason.STALE); // a chunk that shows no picture of its own
    } else if (result.cause() instanceof VideoDecodeException e) {
      listener.chunkError(ServerMessages.BAD_FRAME, sequence, e.getMessage());
      decodeFailed(sequence);
    } else {
      listener.chunkError(ServerMessages.SERVER_ERROR, sequence, "the video decoder failed on the server: "
        + result.cause().getMessage());
      decodeFailed(sequence);
    }
    decodeNext();
  }

  /** Discards the queued chunks and frees the decoder (on a decode thread, after the chunk in progress). */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.forEach(chunk -> stats.drop(DropReason.CLOSED));
    queue.clear();
    if (!decoding) {
      release();
    }
  }

  private void release() {
    if (executor == null) {
      return;
    }
    WorkerExecutor pool = executor;
    executor = null;
    Vp8Decoder closing = decoder;
    decoder = null;
    pool.executeBlocking(() -> {
      if (closing != null) {
        closing.close();
      }
      return null;
    }, false).onComplete(done -> pool.close());
  }
}
