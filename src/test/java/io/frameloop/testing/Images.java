package io.frameloop.testing;

import io.frameloop.image.OpenCvLoader;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** Real JPEGs for tests, made and read with OpenCV. */
public final class Images {

  public static final Scalar RED = new Scalar(0, 0, 255);
  public static final Scalar BLUE = new Scalar(255, 0, 0);
  public static final Scalar WHITE = new Scalar(255, 255, 255);
  public static final Scalar BLACK = new Scalar(0, 0, 0);
  /** The shared fixtures: real 640x480 photos. */
  public static final Path FIXTURES = Path.of("src", "test", "resources", "fixtures");
  /**
   * The face in {@code astronaut-640x480.jpg}, marked by hand on the photo (cheek to cheek, eyebrows
   * to chin: x 225 to 340, y 105 to 210), not by a detector. BlazeFace's box (223, 101, 118x118)
   * overlaps it by IoU 0.87, the Haar cascade's (221, 82, 121x121) by 0.73.
   */
  public static final Rect ASTRONAUT_FACE = new Rect(225, 105, 115, 105);

  static {
    OpenCvLoader.load();
  }

  private Images() {
  }

  /** A width x height image filled with {@code background}, with {@code marked} painted {@code mark}. */
  public static Mat canvas(int width, int height, Scalar background, Rect marked, Scalar mark) {
    Mat image = new Mat(height, width, CvType.CV_8UC3, background);
    if (marked != null) {
      image.submat(marked).setTo(mark);
    }
    return image;
  }

  /** A 640x480 frame: left half red, right half blue. */
  public static Buffer leftRedRightBlue() {
    return jpeg(canvas(640, 480, BLUE, new Rect(0, 0, 320, 480), RED));
  }

  /** Encodes (quality 95) and releases the image. */
  public static Buffer jpeg(Mat image) {
    MatOfByte out = new MatOfByte();
    try {
      Imgcodecs.imencode(".jpg", image, out, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, 95));
      return Buffer.buffer(out.toArray());
    } finally {
      out.release();
      image.release();
    }
  }

  /** Random noise, the worst case for JPEG: a large file for its size (seeded, so always the same bytes). */
  public static Buffer noiseJpeg(int width, int height, int quality) {
    Mat image = new Mat(height, width, CvType.CV_8UC3);
    Core.setRNGSeed(17);
    Core.randu(image, 0, 256);
    MatOfByte out = new MatOfByte();
    try {
      Imgcodecs.imencode(".jpg", image, out, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality));
      return Buffer.buffer(out.toArray());
    } finally {
      out.release();
      image.release();
    }
  }

  /** Decodes a JPEG as it is (1 channel for greyscale JPEGs, 3 for colour). */
  public static Mat decode(Buffer jpeg) {
    Mat image = Imgcodecs.imdecode(new MatOfByte(jpeg.getBytes()), Imgcodecs.IMREAD_UNCHANGED);
    if (image.empty()) {
      throw new AssertionError("reply is not a decodable JPEG (" + jpeg.length() + " bytes)");
    }
    return image;
  }

  /** The mean colour (B, G, R) of a region. */
  public static double[] mean(Mat image, Rect region) {
    Mat sub = image.submat(region);
    try {
      return Core.mean(sub).val;
    } finally {
      sub.release();
    }
  }

  /** The bounding box of the pixels that differ clearly (a drawn line, not JPEG noise) between two images; empty when none do. */
  public static Rect changedRegion(Mat a, Mat b) {
    Mat diff = new Mat();
    MatOfPoint changed = new MatOfPoint();
    try {
      Core.absdiff(a, b, diff);
      Imgproc.cvtColor(diff, diff, Imgproc.COLOR_BGR2GRAY);
      Imgproc.threshold(diff, diff, 60, 255, Imgproc.THRESH_BINARY);
      Core.findNonZero(diff, changed);
      return changed.empty() ? new Rect() : Imgproc.boundingRect(changed);
    } finally {
      diff.release();
      changed.release();
    }
  }

  public static Buffer fixture(String name) {
    try {
      return Buffer.buffer(Files.readAllBytes(FIXTURES.resolve(name)));
    } catch (IOException e) {
      throw new UncheckedIOException("missing fixture " + FIXTURES.resolve(name).toAbsolutePath(), e);
    }
  }

  /** A copy of a JPEG whose frame header (SOF) declares another size; the pixel data is unchanged. */
  public static Buffer withDeclaredSize(Buffer jpeg, int width, int height) {
    Buffer copy = jpeg.copy();
    int pos = 2;
    while (pos + 9 < copy.length()) {
      int marker = copy.getUnsignedByte(pos + 1);
      if (marker >= 0xC0 && marker <= 0xC2) {
        copy.setUnsignedShort(pos + 5, height);
        copy.setUnsignedShort(pos + 7, width);
        return copy;
      }
      pos += 2 + copy.getUnsignedShort(pos + 2);
    }
    throw new AssertionError("no SOF marker found");
  }

  /** Encodes with OpenCV in another format (".png", ".webp", ...), or as a progressive JPEG with ".pjpg". */
  public static Buffer encode(Mat image, String extension) {
    MatOfByte out = new MatOfByte();
    try {
      if (extension.equals(".pjpg")) {
        Imgcodecs.imencode(".jpg", image, out, new MatOfInt(Imgcodecs.IMWRITE_JPEG_PROGRESSIVE, 1));
      } else {
        Imgcodecs.imencode(extension, image, out);
      }
      return Buffer.buffer(out.toArray());
    } finally {
      out.release();
    }
  }
}
