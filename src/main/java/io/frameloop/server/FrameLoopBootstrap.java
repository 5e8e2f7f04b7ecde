package io.frameloop.server;

import io.frameloop.auth.TokenAuth;
import io.frameloop.image.JpegCodecs;
import io.frameloop.image.OpenCvLoader;
import io.frameloop.pipeline.FrameProcessor;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.pipeline.PipelineException;
import io.frameloop.pipeline.PipelineRules;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.session.FrameScheduler;
import io.frameloop.video.VideoSupport;
import io.frameloop.worker.RemotePictureFormat;
import io.frameloop.worker.RemotePictures;
import io.frameloop.worker.WorkerOptions;
import io.frameloop.worker.BeforeStop;
import io.frameloop.worker.Workers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.opencv.core.Core;

/**
 * Deploys FrameLoop: loads OpenCV and chooses the JPEG codec, parses the default pipeline, finds
 * the ops, deploys this node's worker verticles and starts the front's view of the workers, then
 * composes the {@link FrameLoop}. A class of its own because {@link FrameLoop} is an interface
 * whose implementation names it: a static factory there would be a cycle between the two.
 */
public final class FrameLoopBootstrap {

  private static final System.Logger LOG = System.getLogger(FrameLoopBootstrap.class.getName());

  private FrameLoopBootstrap() {
  }

  /** Deploys the service with the built-in ops and the plug-ins found on the class path. */
  public static Future<FrameLoop> deploy(Vertx vertx, FrameLoopOptions options) {
    return defaultRegistry(vertx, options).compose(registry -> deploy(vertx, options, registry));
  }

  /** Deploys the service with the ops of {@code registry} and its own Prometheus meter registry. */
  public static Future<FrameLoop> deploy(Vertx vertx, FrameLoopOptions options, OpRegistry registry) {
    return deploy(vertx, options, registry, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * Deploys the service: the worker verticles (none for the {@code front} role), then the
   * handler. Meters go to {@code meterRegistry}; {@link FrameLoop#mount} serves them at
   * {@code metricsPath} when it is a {@link PrometheusMeterRegistry}. Fails when another FrameLoop
   * of this Vert.x instance already uses the workers' {@code address}: it would share its workers.
   */
  public static Future<FrameLoop> deploy(Vertx vertx, FrameLoopOptions options, OpRegistry registry,
                                         MeterRegistry meterRegistry) {
    FrameLoopOptions copy = new FrameLoopOptions(options);
    WorkerOptions workers = copy.getWorkerOptions();
    WorkerAddresses.Claim address;
    try {
      address = WorkerAddresses.claim(vertx, workers.getAddress(), copy.getNodeName());
    } catch (IllegalStateException inUse) {
      return Future.failedFuture(inUse);
    }
    Future<Startup> startup = prepare(vertx, copy, registry);
    // Reads the public key file: not on the event loop. Null when authentication is off.
    Future<TokenAuth> tokens = startup.compose(ready ->
      vertx.executeBlocking(() -> TokenAuth.create(vertx, copy.getAuthOptions())));
    BeforeStop beforeStop = new BeforeStop();
    Future<String> workerDeployment = tokens.compose(auth ->
      deployWorkers(vertx, copy, registry, startup.result(), meterRegistry, beforeStop));
    Future<FrameScheduler> scheduler = workerDeployment.compose(id -> FrameScheduler.start(whenFree ->
      Workers.pool(vertx, workers.getAddress(), workers.getProcessTimeoutMs(), workers.getMaxInFlight(), whenFree,
        remotePictures(copy, startup.result(), meterRegistry))));
    return scheduler
      .<FrameLoop>map(started -> {
        logStartup(copy, startup.result());
        DeployedParts parts = new DeployedParts(copy, registry, startup.result().pipeline(), startup.result().codec().name(),
          tokens.result(), started, meterRegistry, workerDeployment.result(), address, startup.result().video(), beforeStop);
        return new FrameLoopImpl(vertx, parts);
      })
      .recover(failure -> {
        if (scheduler.succeeded()) {
          scheduler.result().workers().close();
        }
        Future<Void> undeployed = workerDeployment.succeeded() && workerDeployment.result() != null
          ? vertx.undeploy(workerDeployment.result()).otherwiseEmpty() : Future.succeededFuture();
        // The address is free again only once the workers that listened on it are gone.
        return undeployed.transform(v -> {
          address.release();
          return Future.failedFuture(failure);
        });
      });
  }

  private static void logStartup(FrameLoopOptions options, Startup startup) {
    LOG.log(Level.INFO, "FrameLoop {0} ({1}): {2}, {3}, OpenCV {4}, JPEG codec {5} ({6}), {8}, default pipeline {7}",
      options.getNodeName(), options.getClusterOptions().getRole(), workerVerticles(options.effectiveWorkerInstances()),
      framesInFlight(options.getWorkerOptions().getMaxInFlight()), Core.VERSION, startup.codec().name(), startup.codec().reason(),
      startup.pipeline().toJson().encode(), startup.video().available() ? "video " + startup.video().decode()
        : "video unavailable (" + startup.video().unavailable() + ")");
  }

  /** This node's worker verticles, as the startup line says it. */
  static String workerVerticles(int instances) {
    return instances + (instances == 1 ? " worker verticle" : " worker verticles");
  }

  /** How many frames the front sends to the workers at once, as the startup line says it. */
  static String framesInFlight(int maxInFlight) {
    if (maxInFlight == 0) {
      return "at most one frame in flight per worker";
    }
    return "at most " + maxInFlight + (maxInFlight == 1 ? " frame" : " frames") + " in flight";
  }

  /**
   * Deploys only the worker verticles, with the built-in ops and the class path's plug-ins: a
   * {@code worker} node of a cluster, which processes frames that front ends send to
   * {@code address} and serves no HTTP. Completes with the deployment id (undeploy it to stop).
   */
  public static Future<String> deployWorkers(Vertx vertx, FrameLoopOptions options) {
    return defaultRegistry(vertx, options).compose(registry -> deployWorkers(vertx, options, registry));
  }

  /** {@link #deployWorkers(Vertx, FrameLoopOptions)} with the ops of {@code registry}. */
  public static Future<String> deployWorkers(Vertx vertx, FrameLoopOptions options, OpRegistry registry) {
    FrameLoopOptions copy = new FrameLoopOptions(options);
    // A worker node serves no /metrics: its meters go nowhere.
    MeterRegistry unserved = new SimpleMeterRegistry();
    return prepare(vertx, copy, registry)
      .compose(startup -> deployWorkers(vertx, copy, registry, startup, unserved, new BeforeStop()))
      .onSuccess(id -> LOG.log(Level.INFO, "FrameLoop worker node {0}: {1} on {2}",
        copy.getNodeName(), workerVerticles(copy.effectiveWorkerInstances()), copy.getWorkerOptions().getAddress()));
  }

  /**
   * The built-in ops plus the class path's plug-ins, each configured with the server's op settings (no secrets);
   * the class-path scan blocks, so not on the event loop.
   */
  private static Future<OpRegistry> defaultRegistry(Vertx vertx, FrameLoopOptions options) {
    return vertx.executeBlocking(() -> OpRegistry.withDefaults(options.opSettings()));
  }

  /** What every worker and the sessions start from: the default pipeline, and the JPEG codec chosen for this machine. */
  private record Startup(PipelineSpec pipeline, JpegCodecs.Choice codec, VideoSupport video) {
  }

  private static Future<Startup> prepare(Vertx vertx, FrameLoopOptions options, OpRegistry registry) {
    // Loading OpenCV and libjpeg-turbo reads large native libraries: not on the event loop.
    return vertx.executeBlocking(() -> {
      OpenCvLoader.load();
      PipelineSpec pipeline = parseDefaultPipeline(registry, options);
      // FFmpeg's natives too, when they are on the class path: hello says what they allow.
      return new Startup(pipeline, JpegCodecs.choose(options.getWorkerOptions().getJpegCodec()), VideoSupport.probe());
    });
  }

  /** The worker verticles, or none (a null deployment id) for the front role. */
  /** What decoded pictures travel to remote workers as, with a count of each in {@code frameloop_remote_pictures}. */
  private static RemotePictures remotePictures(FrameLoopOptions options, Startup startup, MeterRegistry meters) {
    RemotePictures pictures = new RemotePictures(options.getClusterOptions().getRemotePictureFormat(), startup.codec().factory());
    for (RemotePictureFormat format : RemotePictureFormat.values()) {
      Gauge.builder("frameloop.remote.pictures", pictures, sent -> sent.sent(format))
        .tag("format", format.name())
        .description("Decoded video pictures this front sent to workers on other nodes, by what they travelled as")
        .register(meters);
    }
    return pictures;
  }

  private static Future<String> deployWorkers(Vertx vertx, FrameLoopOptions options, OpRegistry registry, Startup startup,
                                              MeterRegistry meters, BeforeStop beforeStop) {
    int instances = options.effectiveWorkerInstances();
    if (instances == 0) {
      return Future.succeededFuture();
    }
    AtomicInteger made = new AtomicInteger();
    Supplier<FrameProcessor> processors = () -> {
      FrameProcessor processor = new FrameProcessor(registry, options.getImageLimits(), startup.codec().factory().get());
      // One gauge per processor a worker made (a worker makes a new one after running out of memory).
      Gauge.builder("frameloop.worker.native.bytes", processor, FrameProcessor::nativeBytes)
        .tag("worker", Integer.toString(made.getAndIncrement()))
        .description("Native memory a worker's frame processor holds (images, buffers)")
        .register(meters);
      return processor;
    };
    return Workers.deploy(vertx, options.getWorkerOptions().getAddress(), instances, processors, options.getNodeName(),
      beforeStop);
  }

  private static PipelineSpec parseDefaultPipeline(OpRegistry registry, FrameLoopOptions options) {
    PipelineRules rules = new PipelineRules(registry, options.getPipelineLimits(), options.getImageLimits());
    try {
      return rules.parse(options.getPipeline(), 80);
    } catch (PipelineException e) {
      throw new IllegalArgumentException("invalid default pipeline in the configuration: " + e.getMessage());
    }
  }
}
