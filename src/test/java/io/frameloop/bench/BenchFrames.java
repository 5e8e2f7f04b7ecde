package io.frameloop.bench;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** Benchmark inputs: the coffee photo (a busy real image) scaled to a webcam size. */
public final class BenchFrames {

  public static final Path PHOTO = Path.of("src", "test", "resources", "fixtures", "coffee-640x480.jpg");
  /** CodecBenchmark's input frame, read by bench/python_reference.py. */
  public static final Path CODEC_FRAME = Path.of("target", "bench", "coffee-640x480-q80.jpg");

  private BenchFrames() {
  }

  /** The photo at width x height, encoded as a camera would (the given JPEG quality). */
  public static Buffer photoFrame(int width, int height, int quality) {
    Mat photo = decode(read(PHOTO));
    Mat scaled = new Mat();
    MatOfByte out = new MatOfByte();
    try {
      Imgproc.resize(photo, scaled, new Size(width, height), 0, 0, width > photo.cols() ? Imgproc.INTER_CUBIC : Imgproc.INTER_AREA);
      Imgcodecs.imencode(".jpg", scaled, out, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality));
      return Buffer.buffer(out.toArray());
    } finally {
      photo.release();
      scaled.release();
      out.release();
    }
  }

  public static Mat decode(Buffer jpeg) {
    return Imgcodecs.imdecode(new MatOfByte(jpeg.getBytes()), Imgcodecs.IMREAD_COLOR);
  }

  static void write(Buffer jpeg, Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, jpeg.getBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Buffer read(Path file) {
    try {
      return Buffer.buffer(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
