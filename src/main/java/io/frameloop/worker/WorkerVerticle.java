package io.frameloop.worker;

import io.frameloop.image.BadFrameException;
import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.FrameProcessor;
import io.frameloop.pipeline.ImageLimits;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.image.JpegCodec;
import io.frameloop.session.FrameSession;
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
public class WorkerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(WorkerVerticle.class.getName());

  private final String address;
  private final OpRegistry registry;
  private final ImageLimits limits;
  private final Supplier<JpegCodec> codecs;
  private final String nodeName;
  private FrameProcessor processor;
  private MessageConsumer<FrameJob> consumer;

  public WorkerVerticle(String address, OpRegistry registry, ImageLimits limits, Supplier<JpegCodec> codecs,
                        String nodeName) {
    this.address = address;
    this.nodeName = nodeName;
    this.registry = registry;
    this.limits = limits;
    this.codecs = codecs;
  }

  @Override
  public Future<?> start() {
    processor = new FrameProcessor(registry, limits, codecs.get());
    consumer = vertx.eventBus().consumer(address, this::handle);
    return consumer.completion();
  }

  private void handle(Message<FrameJob> message) {
    try {
      message.reply(processor.process(message.body()).withWorker(nodeName));
    } catch (BadFrameException e) {
      message.fail(FrameSession.BAD_FRAME_FAILURE, e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "Frame processing failed", e);
      message.fail(500, e.toString());
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
