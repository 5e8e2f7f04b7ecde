package io.frameloop.bench;

import static io.frameloop.testing.Pipelines.op;

import io.frameloop.image.OpenCvLoader;
import io.frameloop.image.TurboJpegCodec;
import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.FrameProcessor;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.pipeline.ProcessedFrame;
import io.frameloop.server.FrameLoopOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One worker's whole job with a face op after the default pipeline (decode the 640x480 astronaut,
 * resize 700, mirror, the op, encode at quality 80, turbojpeg) on one thread; {@code none} is the
 * default pipeline alone. bench/run puts the BlazeFace model on the class path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FaceOpsBenchmark {

  @Param({"none", "faces-blazeface", "faces-haar", "anonymize-blur", "anonymize-pixelate"})
  public String op;

  private FrameProcessor processor;
  private FrameJob job;

  @Setup
  public void setUp() {
    OpenCvLoader.load();
    FrameLoopOptions defaults = new FrameLoopOptions();
    OpRegistry registry = OpRegistry.withDefaults(defaults.opSettings());
    JsonObject pipeline = defaults.getPipeline().copy();
    JsonArray ops = pipeline.getJsonArray("ops");
    switch (op) {
      case "faces-blazeface" -> ops.add(op("faces").put("model", "blazeface"));
      case "faces-haar" -> ops.add(op("faces").put("model", "haar"));
      case "anonymize-blur" -> ops.add(op("anonymize").put("model", "blazeface").put("style", "blur"));
      case "anonymize-pixelate" -> ops.add(op("anonymize").put("model", "blazeface").put("style", "pixelate"));
      default -> { }
    }
    processor = new FrameProcessor(registry, defaults.getImageLimits(), new TurboJpegCodec());
    job = new FrameJob(BenchFrames.read(Path.of("src", "test", "resources", "fixtures", "astronaut-640x480.jpg")),
      registry.parse(pipeline, 80));
  }

  @TearDown
  public void tearDown() {
    processor.close();
  }

  @Benchmark
  public ProcessedFrame pipeline() {
    return processor.process(job);
  }
}
