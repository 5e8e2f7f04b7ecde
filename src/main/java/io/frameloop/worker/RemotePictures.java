package io.frameloop.worker;

import io.frameloop.image.JpegCodec;
import io.frameloop.image.NativeMats;
import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.pipeline.FrameJob;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * What a front sends a worker on another node for a decoded video picture: the picture as it is
 * ({@link RemotePictureFormat#raw}), or a JPEG of it ({@link RemotePictureFormat#jpeg}, quality
 * {@value #QUALITY}), encoded on a small pool of its own, never on the event loop (a codec's
 * {@code encodeToWire} runs there). Local workers and JPEG frames are never touched. The JPEG codecs
 * are kept for reuse, one per encode at a time, and closed with the pool.
 */
public final class RemotePictures {

  static final int QUALITY = 90;
  private static final String POOL = "frameloop-remote-picture-encode";

  private final RemotePictureFormat format;
  private final Supplier<JpegCodec> codecs;
  private final ConcurrentLinkedQueue<JpegCodec> idle = new ConcurrentLinkedQueue<>();
  private final AtomicLong sentRaw = new AtomicLong();
  private final AtomicLong sentJpeg = new AtomicLong();
  private WorkerExecutor executor;
  private String localNodeId;
  private boolean closed;

  /** @param codecs makes a JPEG codec (the node's choice: TurboJPEG where it loads) */
  public RemotePictures(RemotePictureFormat format, Supplier<JpegCodec> codecs) {
    this.format = Objects.requireNonNull(format, "format");
    this.codecs = codecs;
  }

  /** Sends pictures as they are to every worker. */
  static RemotePictures raw() {
    return new RemotePictures(RemotePictureFormat.raw, null);
  }

  synchronized void start(Vertx vertx) {
    localNodeId = WorkerProtocol.clusterNodeId(vertx);
    if (format == RemotePictureFormat.jpeg) {
      executor = vertx.createSharedWorkerExecutor(POOL, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }
  }

  /** Pictures this front sent to workers on other nodes so far, as {@code format}. */
  public long sent(RemotePictureFormat format) {
    return (format == RemotePictureFormat.jpeg ? sentJpeg : sentRaw).get();
  }

  /** The job as {@code worker} gets it: a JPEG of the picture for a remote worker when so configured, else the job itself. */
  Future<FrameJob> forWorker(KnownWorker worker, FrameJob job) {
    DecodedPicture picture = job.picture();
    boolean remote = worker.nodeId() != null && !worker.nodeId().equals(localNodeId);
    if (picture == null || !remote) {
      return Future.succeededFuture(job);
    }
    if (format == RemotePictureFormat.raw) {
      sentRaw.incrementAndGet();
      return Future.succeededFuture(job);
    }
    return executor.executeBlocking(() -> new FrameJob(encode(picture), job.pipeline(), job.quality()), false);
  }

  private Buffer encode(DecodedPicture picture) {
    JpegCodec codec = idle.poll();
    if (codec == null) {
      codec = codecs.get();
    }
    Mat image = NativeMats.track(new Mat(picture.height(), picture.width(), CvType.CV_8UC3));
    try {
      image.put(0, 0, picture.bgr());
      Buffer jpeg = codec.encode(image, QUALITY);
      sentJpeg.incrementAndGet();
      return jpeg;
    } finally {
      NativeMats.release(image);
      giveBack(codec);
    }
  }

  private void giveBack(JpegCodec codec) {
    synchronized (this) {
      if (!closed) {
        idle.add(codec);
        return;
      }
    }
    codec.close(); // the pool closed while it encoded
  }

  synchronized void close() {
    closed = true;
    for (JpegCodec codec; (codec = idle.poll()) != null; ) {
      codec.close();
    }
    if (executor != null) {
      executor.close();
    }
  }
}
