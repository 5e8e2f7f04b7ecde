package io.frameloop.worker;

import io.frameloop.image.BadFrameException;
import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.FrameProcessor;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.function.Supplier;

/**
 * Processes frames from the event bus with OpenCV. Deployed with the worker threading model, so
 * each instance handles one frame at a time on a worker thread and owns its {@link FrameProcessor}
 * (and its reused Mats) alone.
 */
final class WorkerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(WorkerVerticle.class.getName());

  private final String address;
  private final Supplier<FrameProcessor> processors;
  private final String nodeName;
  private FrameProcessor processor;
  private MessageConsumer<FrameJob> consumer;

  WorkerVerticle(String address, Supplier<FrameProcessor> processors, String nodeName) {
    this.address = address;
    this.processors = processors;
    this.nodeName = nodeName;
  }

  @Override
  public Future<?> start() {
    processor = processors.get();
    consumer = vertx.eventBus().consumer(address, this::handle);
    return consumer.completion();
  }

  private void handle(Message<FrameJob> message) {
    try {
      message.reply(processor.process(message.body()).withWorker(nodeName));
    } catch (BadFrameException e) {
      message.fail(WorkerMessageCodecs.BAD_FRAME_CODE, e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "Frame processing failed", e);
      message.fail(WorkerMessageCodecs.SERVER_ERROR_CODE, e.toString());
    }
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister().eventually(() -> {
      processor.close();
      return Future.succeededFuture();
    });
  }
}
