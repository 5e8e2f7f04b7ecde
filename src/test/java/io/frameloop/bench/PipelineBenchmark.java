package io.frameloop.bench;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.FrameProcessor;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.pipeline.ProcessedFrame;
import io.frameloop.image.OpenCvJpegCodec;
import io.frameloop.image.TurboJpegCodec;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.image.OpenCvLoader;
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
 * The raw limit: one worker's whole job (decode, default pipeline resize 700 + mirror, encode at
 * quality 80) on one thread, for three frame sizes and both codecs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineBenchmark {

  @Param({"320x240", "640x480", "1280x720"})
  public String size;

  @Param({"turbojpeg", "opencv"})
  public String codec;

  private FrameProcessor processor;
  private FrameJob job;

  @Setup
  public void setUp() {
    OpenCvLoader.load();
    FrameLoopOptions defaults = new FrameLoopOptions();
    OpRegistry registry = OpRegistry.withDefaults(Path.of(defaults.getFaceOptions().getFaceCascade()));
    PipelineSpec pipeline = registry.parse(defaults.getPipeline(), 80);
    processor = new FrameProcessor(registry, defaults.getImageLimits(),
      codec.equals("turbojpeg") ? new TurboJpegCodec() : new OpenCvJpegCodec());
    String[] wh = size.split("x");
    job = new FrameJob(BenchFrames.photoFrame(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), 85), pipeline);
    // The same frame for the server benchmarks: bench/server ... --source target/bench/frames-640x480
    BenchFrames.write(job.jpeg(), Path.of("target", "bench", "frames-" + size, "frame.jpg"));
  }

  @TearDown
  public void tearDown() {
    processor.close();
  }

  @Benchmark
  public ProcessedFrame defaultPipeline() {
    return processor.process(job);
  }
}
