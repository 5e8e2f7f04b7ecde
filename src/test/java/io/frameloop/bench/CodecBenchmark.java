package io.frameloop.bench;

import io.frameloop.image.JpegCodec;
import io.frameloop.image.OpenCvJpegCodec;
import io.frameloop.image.TurboJpegCodec;
import io.frameloop.image.JpegInfo;
import io.frameloop.image.OpenCvLoader;
import io.vertx.core.buffer.Buffer;
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
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * JPEG decode of a 640x480 photo frame (quality 80) and encode of the 700x525 image the default
 * pipeline makes of it, with each codec: the figures of the codec table in BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {

  @Param({"turbojpeg", "opencv"})
  public String codec;

  private JpegCodec jpegCodec;
  private Buffer jpeg;
  private JpegInfo info;
  private Mat resized;

  @Setup
  public void setUp() {
    OpenCvLoader.load();
    jpegCodec = codec.equals("turbojpeg") ? new TurboJpegCodec() : new OpenCvJpegCodec();
    jpeg = BenchFrames.photoFrame(640, 480, 80);
    // The same bytes for bench/python_reference.py, so both measure the same frame.
    BenchFrames.write(jpeg, BenchFrames.CODEC_FRAME);
    info = JpegInfo.read(jpeg);
    resized = new Mat();
    Imgproc.resize(BenchFrames.decode(jpeg), resized, new Size(700, 525), 0, 0, Imgproc.INTER_LINEAR);
  }

  @TearDown
  public void tearDown() {
    jpegCodec.close();
    resized.release();
  }

  @Benchmark
  public Mat decode640x480() {
    return jpegCodec.decode(jpeg, info, 1);
  }

  @Benchmark
  public Buffer encode700x525() {
    return jpegCodec.encode(resized, 80);
  }
}
