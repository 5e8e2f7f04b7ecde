package io.frameloop.image;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.frameloop.testing.Wait;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The physical limit of the server's default work (issue 14): one thread, nothing around it.
 * TurboJPEG decodes from native memory into a reused Mat, OpenCV resizes to 700 wide and mirrors
 * into reused Mats, TurboJPEG encodes at quality 80 into a reused native buffer — the same library
 * calls a worker makes, without the WebSocket, the event bus or any copy to the Java heap.
 *
 * <p>Prints the CPU time per frame and frames per CPU-second after a warm-up, for
 * {@code bench/efficiency} to divide the server's figure by.
 * {@code bench/run io.frameloop.image.TightLoop FRAME.jpg [seconds=20] [warm-up seconds=10] [threads=1]}
 */
public final class TightLoop implements AutoCloseable {

  public static void main(String[] args) throws Exception {
    byte[] jpeg = Files.readAllBytes(Path.of(args[0]));
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 20;
    double warmUp = args.length > 2 ? Double.parseDouble(args[2]) : 10;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    OpenCvLoader.load();
    TurboJpeg.loadError().ifPresent(error -> {
      throw new IllegalStateException(error);
    });
    // Each thread runs its own loop; with one per core the cores share caches and memory as a
    // server's workers do.
    long[] frames = new long[threads];
    double[] cpuMs = new double[threads];
    long[] encodedBytes = new long[1];
    List<Thread> loops = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread thread = new Thread(() -> {
        try (TightLoop loop = new TightLoop(jpeg)) {
          loop.runFor(warmUp);
          ThreadMXBean bean = ManagementFactory.getThreadMXBean();
          long cpuStart = bean.getCurrentThreadCpuTime();
          frames[index] = loop.runFor(seconds);
          cpuMs[index] = (bean.getCurrentThreadCpuTime() - cpuStart) / 1e6;
          encodedBytes[0] = loop.encodedBytes;
        }
      });
      thread.start();
      loops.add(thread);
    }
    for (Thread loop : loops) {
      loop.join();
    }
    long allFrames = LongStream.of(frames).sum();
    double allCpuMs = DoubleStream.of(cpuMs).sum();
    System.out.printf("tight loop (%d thread%s): %d frames, %.3f ms CPU per frame, %.1f frames per CPU-second (%d-byte replies)%n",
      threads, threads == 1 ? "" : "s", allFrames, allCpuMs / allFrames, allFrames * 1000 / allCpuMs, encodedBytes[0]);
  }

  private final Memory input;
  private final NativeLong inputSize;
  private final Pointer decompressor = TurboJpeg.tjInitDecompress();
  private final Pointer compressor = TurboJpeg.tjInitCompress();
  private final Mat decoded = new Mat();
  private final Mat resized = new Mat();
  private final Mat flipped = new Mat();
  private final Pointer output;
  private final PointerByReference outputRef = new PointerByReference();
  private final NativeLongByReference outputSize = new NativeLongByReference();
  private final long outputCapacity;
  private final int width;
  private final int height;
  private long encodedBytes;

  private TightLoop(byte[] jpeg) {
    input = new Memory(jpeg.length);
    input.write(0, jpeg, 0, jpeg.length);
    inputSize = new NativeLong(jpeg.length);
    IntByReference w = new IntByReference();
    IntByReference h = new IntByReference();
    TurboJpeg.tjDecompressHeader3(decompressor, input, inputSize, w, h, new IntByReference(), new IntByReference());
    width = w.getValue();
    height = h.getValue();
    outputCapacity = TurboJpeg.tjBufSize(700, 700 * height / width + 1, TurboJpeg.TJSAMP_420).longValue();
    output = TurboJpeg.tjAlloc((int) outputCapacity);
  }

  private long runFor(double seconds) {
    Wait.Deadline end = Wait.Deadline.in(Duration.ofNanos((long) (seconds * 1e9)));
    long frames = 0;
    while (!end.passed()) {
      frame();
      frames++;
    }
    return frames;
  }

  private void frame() {
    decoded.create(height, width, CvType.CV_8UC3);
    check(TurboJpeg.tjDecompress2(decompressor, input, inputSize, new Pointer(decoded.dataAddr()), width, width * 3,
      height, TurboJpeg.TJPF_BGR, 0));
    Imgproc.resize(decoded, resized, new Size(700, Math.round(700.0 * height / width)), 0, 0, Imgproc.INTER_LINEAR);
    Core.flip(resized, flipped, 1);
    outputRef.setValue(output);
    outputSize.setValue(new NativeLong(outputCapacity));
    check(TurboJpeg.tjCompress2(compressor, new Pointer(flipped.dataAddr()), flipped.cols(), flipped.cols() * 3,
      flipped.rows(), TurboJpeg.TJPF_BGR, outputRef, outputSize, TurboJpeg.TJSAMP_420, 80, TurboJpeg.TJFLAG_NOREALLOC));
    encodedBytes = outputSize.getValue().longValue();
  }

  private static void check(int rc) {
    if (rc != 0) {
      throw new IllegalStateException("TurboJPEG failed: " + TurboJpeg.tjGetErrorStr2(null));
    }
  }

  @Override
  public void close() {
    TurboJpeg.tjDestroy(decompressor);
    TurboJpeg.tjDestroy(compressor);
    TurboJpeg.tjFree(output);
    decoded.release();
    resized.release();
    flipped.release();
  }
}
