package io.frameloop.bench;

import io.frameloop.replay.FrameSource;
import io.frameloop.image.OpenCvLoader;
import io.vertx.core.buffer.Buffer;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Bytes on the wire per frame: FrameLoop's binary JPEG (16-byte header + JPEG) against the
 * original design's base64 PNG data URL of the same image, both ways (camera frame up, processed
 * 700-wide frame down). Prints a Markdown table: bench/run io.frameloop.bench.BytesPerFrame
 */
public final class BytesPerFrame {

  public static void main(String[] args) {
    OpenCvLoader.load();
    System.out.println("| frame | up: FrameLoop JPEG | up: base64 PNG data URL | down: FrameLoop JPEG (700 wide, q80) | down: base64 PNG data URL | PNG URL / JPEG |");
    System.out.println("|---|---|---|---|---|---|");
    for (String size : List.of("320x240", "640x480", "1280x720")) {
      String[] wh = size.split("x");
      int w = Integer.parseInt(wh[0]);
      int h = Integer.parseInt(wh[1]);
      row("coffee photo " + size, BenchFrames.photoFrame(w, h, 85));
      row("synthetic " + size, FrameSource.synthetic(w, h, 1).frames().get(0));
    }
  }

  private static void row(String name, Buffer cameraJpeg) {
    Mat camera = BenchFrames.decode(cameraJpeg);
    Mat processed = new Mat();
    Imgproc.resize(camera, processed, new Size(700, Math.round(camera.rows() * 700.0 / camera.cols())));
    Core.flip(processed, processed, 1);
    long upJpeg = 16 + cameraJpeg.length();
    long upPng = dataUrl(encode(camera, ".png", null));
    long downJpeg = 16 + encode(processed, ".jpg", new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, 80)).length;
    long downPng = dataUrl(encode(processed, ".png", null));
    System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %.1fx |%n", name, upJpeg, upPng, downJpeg, downPng,
      (double) (upPng + downPng) / (upJpeg + downJpeg));
    camera.release();
    processed.release();
  }

  private static byte[] encode(Mat image, String ext, MatOfInt params) {
    MatOfByte out = new MatOfByte();
    Imgcodecs.imencode(ext, image, out, params == null ? new MatOfInt() : params);
    byte[] bytes = out.toArray();
    out.release();
    return bytes;
  }

  private static long dataUrl(byte[] png) {
    return "data:image/png;base64,".length() + Base64.getEncoder().encodeToString(png).length();
  }
}
