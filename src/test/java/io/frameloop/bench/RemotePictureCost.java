package io.frameloop.bench;

import io.frameloop.image.JpegInfo;
import io.frameloop.image.NativeMats;
import io.frameloop.image.TurboJpegCodec;
import io.frameloop.testing.VideoChunks;
import io.vertx.core.buffer.Buffer;
import java.util.Locale;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * What a decoded video picture costs to send to a remote worker (issue 24, cluster), on this machine:
 * raw BGR as the event-bus codec sends it today (the copy into the message on the front, the copy out of
 * it on the worker, and the bytes), against a high-quality JPEG (TurboJPEG encode on the front, decode on
 * the worker, the bytes, and its PSNR against the picture). Both ways: the camera clip's 640x480 picture
 * out, and the default pipeline's 700x525 processed picture back (what a VP8 reply needs). One thread,
 * {@code frames} of each, repeated {@code repeats} times (the spread is the machine's):
 * {@code bench/run io.frameloop.bench.RemotePictureCost [frames] [repeats]}. With a first argument
 * {@code raw} or {@code jpeg90} it does only that, {@code frames} times, for a whole-process comparison.
 */
public final class RemotePictureCost {

  /** Where the copies' bytes go, so that the JIT cannot drop them. */
  private static volatile long sink;

  public static void main(String[] args) {
    NativeMats.live(); // loads OpenCV
    if (args.length > 0 && !Character.isDigit(args[0].charAt(0))) {
      only(args[0], Integer.parseInt(args[1]));
      return;
    }
    int frames = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Mat camera = VideoChunks.cameraFrame(0);
    Mat processed = processed(camera);
    System.out.println("| picture | sent as | bytes | front ms (copy in / encode) | worker ms (copy out / decode) | both ms | PSNR dB |");
    System.out.println("|---|---|---|---|---|---|---|");
    try (TurboJpegCodec codec = new TurboJpegCodec()) {
      for (int r = 0; r < repeats; r++) {
        for (Mat picture : new Mat[] {camera, processed}) {
          String name = picture.cols() + "x" + picture.rows() + (picture == camera ? " (camera, to the worker)" : " (processed, back)");
          raw(name, picture, frames);
          for (int quality : new int[] {90, 95}) {
            jpeg(name, codec, picture, quality, frames);
          }
        }
      }
    }
  }

  private static Mat processed(Mat camera) {
    Mat out = new Mat();
    Imgproc.resize(camera, out, new Size(700, 525), 0, 0, Imgproc.INTER_LINEAR);
    Core.flip(out, out, 1);
    return out;
  }

  private static byte[] bgr(Mat picture) {
    byte[] bytes = new byte[(int) (picture.total() * picture.channels())];
    picture.get(0, 0, bytes);
    return bytes;
  }

  /** The event-bus codec's way: the pixels appended to the message, then copied out on the other node. */
  private static void raw(String name, Mat picture, int frames) {
    byte[] pixels = bgr(picture);
    long in = 0;
    long out = 0;
    for (int i = 0; i < frames; i++) {
      long t0 = System.nanoTime();
      Buffer wire = Buffer.buffer(pixels.length + 16).appendInt(picture.cols()).appendInt(picture.rows()).appendLong(0).appendBytes(pixels);
      long t1 = System.nanoTime();
      byte[] back = wire.getBytes(16, 16 + pixels.length);
      long t2 = System.nanoTime();
      sink += back[i % back.length];
      in += t1 - t0;
      out += t2 - t1;
    }
    row(name, "raw BGR", pixels.length + 16, in, out, frames, Double.POSITIVE_INFINITY);
  }

  private static void jpeg(String name, TurboJpegCodec codec, Mat picture, int quality, int frames) {
    long in = 0;
    long out = 0;
    long bytes = 0;
    double psnr = 0;
    for (int i = 0; i < frames; i++) {
      long t0 = System.nanoTime();
      Buffer jpeg = codec.encode(picture, quality);
      long t1 = System.nanoTime();
      Mat decoded = codec.decode(jpeg, JpegInfo.read(jpeg), 1);
      long t2 = System.nanoTime();
      if (i == 0) {
        psnr = Core.PSNR(decoded, picture);
      }
      bytes += jpeg.length();
      in += t1 - t0;
      out += t2 - t1;
    }
    row(name, "JPEG q" + quality, bytes / frames, in, out, frames, psnr);
  }

  private static void row(String name, String as, long bytes, long in, long out, int frames, double psnr) {
    System.out.printf(Locale.ROOT, "| %s | %s | %,d | %.3f | %.3f | %.3f | %s |%n", name, as, bytes, in / 1e6 / frames, out / 1e6 / frames,
      (in + out) / 1e6 / frames, Double.isInfinite(psnr) ? "exact" : String.format(Locale.ROOT, "%.1f", psnr));
  }

  /** One way only, {@code frames} times, for a whole-process figure: {@code raw} or {@code jpeg90}. */
  private static void only(String way, int frames) {
    Mat camera = VideoChunks.cameraFrame(0);
    try (TurboJpegCodec codec = new TurboJpegCodec()) {
      byte[] pixels = bgr(camera);
      for (int i = 0; i < frames; i++) {
        if (way.equals("raw")) {
          Buffer wire = Buffer.buffer(pixels.length + 16).appendInt(camera.cols()).appendInt(camera.rows()).appendLong(0).appendBytes(pixels);
          sink += wire.getBytes(16, 16 + pixels.length)[i % pixels.length];
        } else {
          Buffer jpeg = codec.encode(camera, Integer.parseInt(way.substring(4)));
          sink += codec.decode(jpeg, JpegInfo.read(jpeg), 1).rows();
        }
      }
      System.out.println(way + " " + frames + " " + sink);
    }
  }

  private RemotePictureCost() {
  }
}
