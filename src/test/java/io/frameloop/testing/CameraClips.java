package io.frameloop.testing;

import io.frameloop.image.OpenCvLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntFunction;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Camera-like 640x480 frames: the coffee photo panning slowly with a little sensor noise, about
 * 43 KB per frame at JPEG quality 0.8 (Chromium's built-in fake camera compresses to a fifth of
 * that, which hides bandwidth problems; /work/shared/PERFORMANCE-NOTES.md). As a Y4M clip for
 * Chromium's {@code --use-file-for-fake-video-capture}, or as a directory of JPEGs for replay. And a
 * still photo as a Y4M clip, for a fake camera that shows a fixture (the astronaut's face).
 */
public final class CameraClips {

  public static final int WIDTH = 640;
  public static final int HEIGHT = 480;
  static final int FRAMES = 60;
  /** Frames of a still clip: Chromium loops the file, a few frames are as good as many. */
  static final int STILL_FRAMES = 5;
  static final double NOISE_SIGMA = 4;

  static {
    OpenCvLoader.load();
  }

  private CameraClips() {
  }

  /** The clip as Y4M (I420, 30 fps) under {@code target/clips/}, made once. */
  public static synchronized Path y4m() {
    return y4m(Path.of("target", "clips", "coffee-pan-640x480.y4m"), FRAMES, CameraClips::frame);
  }

  /** A 640x480 fixture ({@link Images#FIXTURES}), e.g. {@code astronaut-640x480.jpg}, as a still Y4M clip, made once. */
  public static synchronized Path still(String fixture) {
    Path photo = Images.FIXTURES.resolve(fixture);
    return y4m(Path.of("target", "clips", fixture.replaceFirst("\\.jpg$", "") + "-still.y4m"), STILL_FRAMES, i -> {
      Mat frame = Imgcodecs.imread(photo.toString());
      if (frame.cols() != WIDTH || frame.rows() != HEIGHT) {
        throw new IllegalArgumentException(fixture + " is " + frame.cols() + "x" + frame.rows() + ", not " + WIDTH + "x" + HEIGHT);
      }
      return frame;
    });
  }

  private static Path y4m(Path file, int frames, IntFunction<Mat> frameAt) {
    if (Files.exists(file)) {
      return file.toAbsolutePath();
    }
    try {
      Files.createDirectories(file.getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".part");
      try (OutputStream out = Files.newOutputStream(partial)) {
        out.write(String.format(Locale.ROOT, "YUV4MPEG2 W%d H%d F30:1 Ip A1:1 C420jpeg%n", WIDTH, HEIGHT)
          .getBytes(StandardCharsets.US_ASCII));
        Mat yuv = new Mat();
        byte[] bytes = new byte[WIDTH * HEIGHT * 3 / 2];
        for (int i = 0; i < frames; i++) {
          Mat frame = frameAt.apply(i);
          Imgproc.cvtColor(frame, yuv, Imgproc.COLOR_BGR2YUV_I420);
          yuv.get(0, 0, bytes);
          out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
          out.write(bytes);
          frame.release();
        }
        yuv.release();
      }
      Files.move(partial, file);
      return file.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The clip as JPEG files at {@code quality} (0–100) in {@code dir}, made once per directory. */
  public static synchronized Path jpegs(Path dir, int quality) {
    try {
      if (Files.isDirectory(dir) && Files.list(dir).count() == FRAMES) {
        return dir;
      }
      Files.createDirectories(dir);
      for (int i = 0; i < FRAMES; i++) {
        Mat frame = frame(i);
        MatOfByte jpeg = new MatOfByte();
        Imgcodecs.imencode(".jpg", frame, jpeg, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality));
        Files.write(dir.resolve(String.format(Locale.ROOT, "frame-%03d.jpg", i)), jpeg.toArray());
        jpeg.release();
        frame.release();
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Frame {@code i}: a 640x480 window moving across the photo scaled to 800x600, plus noise. */
  static Mat frame(int i) {
    Mat photo = Imgcodecs.imread(Images.FIXTURES.resolve("coffee-640x480.jpg").toString());
    Mat large = new Mat();
    Imgproc.resize(photo, large, new Size(800, 600), 0, 0, Imgproc.INTER_CUBIC);
    // Back and forth, so that the looped clip has no jump.
    double phase = (1 - Math.cos(2 * Math.PI * i / FRAMES)) / 2;
    Mat frame = large.submat(new Rect((int) (phase * 160), (int) (phase * 120), WIDTH, HEIGHT)).clone();
    // Sensor noise: what makes camera frames as large as they are.
    Mat signed = new Mat();
    frame.convertTo(signed, CvType.CV_16SC3);
    Mat noise = new Mat(HEIGHT, WIDTH, CvType.CV_16SC3);
    Core.setRNGSeed(i);
    Core.randn(noise, 0, NOISE_SIGMA);
    Core.add(signed, noise, signed);
    signed.convertTo(frame, CvType.CV_8UC3);
    for (Mat m : new Mat[] {photo, large, noise, signed}) {
      m.release();
    }
    return frame;
  }
}
