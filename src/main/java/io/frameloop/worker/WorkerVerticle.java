package io.frameloop.worker;

import io.frameloop.image.BadFrameException;
import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.FrameProcessor;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Processes frames sent to its own event-bus address with OpenCV. Deployed with the worker
 * threading model, so it handles one frame at a time on a worker thread and owns its
 * {@link FrameProcessor} (and its reused Mats) alone. Fronts send it a frame only when it is free
 * (see {@link WorkerPool}); a frame that still arrives after its deadline is skipped.
 */
final class WorkerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(WorkerVerticle.class.getName());

  private final String workerAddress;
  private final Supplier<FrameProcessor> processors;
  private final String nodeName;
  /** When the frame in hand started (epoch ms), or 0: read by the node's announcements. */
  private final AtomicLong busySince;
  private final BeforeStop beforeStop;
  private final RateLimitedLog failures = new RateLimitedLog(LOG, 10_000);
  private FrameProcessor processor;
  private MessageConsumer<FrameJob> consumer;

  WorkerVerticle(String workerAddress, Supplier<FrameProcessor> processors, String nodeName, AtomicLong busySince,
                 BeforeStop beforeStop) {
    this.beforeStop = beforeStop;
    this.workerAddress = workerAddress;
    this.processors = processors;
    this.nodeName = nodeName;
    this.busySince = busySince;
  }

  @Override
  public Future<?> start() {
    processor = processors.get();
    consumer = vertx.eventBus().consumer(workerAddress, this::handle);
    return consumer.completion();
  }

  private void handle(Message<FrameJob> message) {
    String deadline = message.headers().get(WorkerProtocol.DEADLINE_HEADER);
    if (deadline != null && System.currentTimeMillis() > Long.parseLong(deadline)) {
      message.fail(WorkerProtocol.EXPIRED_CODE, "the frame's deadline passed before a worker could start on it");
      return;
    }
    busySince.set(System.currentTimeMillis());
    try {
      message.reply(processor.process(message.body()).withWorker(nodeName));
    } catch (BadFrameException e) {
      message.fail(WorkerProtocol.BAD_FRAME_CODE, e.getMessage());
    } catch (RuntimeException e) {
      failures.warn("frame processing failed on the server: " + e, e);
      message.fail(WorkerProtocol.SERVER_ERROR_CODE, "processing failed on the server: " + e.getMessage());
    } catch (OutOfMemoryError e) {
      // Let go of everything this worker holds before it answers anything else.
      processor.close();
      processor = null;
      failures.warn("out of memory while processing a frame; the worker's buffers were released", e);
      message.fail(WorkerProtocol.SERVER_ERROR_CODE, "the server ran out of memory on this frame");
      processor = processors.get();
    } finally {
      busySince.set(0);
    }
  }

  @Override
  public Future<?> stop() {
    // Frames keep coming while the FrameLoop drains its sessions: only then does this worker stop taking them.
    return beforeStop.run().compose(v -> consumer.unregister()).eventually(() -> {
      if (processor != null) {
        processor.close();
      }
      return Future.succeededFuture();
    });
  }
}
