package io.frameloop.bench;

import io.frameloop.testing.VideoChunks;
import io.frameloop.video.EncodedChunk;
import io.frameloop.video.Vp8Decoder;
import java.util.List;
import java.util.Locale;

/**
 * The server's VP8 decode stage alone, on one thread: the camera clip's chunks ({@link VideoChunks}, a key every 60)
 * through one {@link Vp8Decoder} to BGR pictures, {@code frames} times, ms per frame printed. Run under a profiler
 * to split the stage into libvpx, the colour conversion and the copy:
 * {@code bench/run io.frameloop.bench.Vp8DecodeLoop [frames]} (with {@code JAVA_TOOL_OPTIONS=-agentpath:...}).
 */
public final class Vp8DecodeLoop {

  public static void main(String[] args) {
    int frames = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    List<EncodedChunk> chunks = VideoChunks.camera(60, VideoChunks.CANVAS);
    try (Vp8Decoder decoder = Vp8Decoder.create()) {
      long bytes = 0;
      long start = System.nanoTime();
      for (int i = 0; i < frames; i++) {
        bytes += decoder.decode(chunks.get(i % chunks.size()).data(), VideoChunks.CANVAS).bgr().length;
      }
      long wall = System.nanoTime() - start;
      System.out.printf(Locale.ROOT, "%d VP8 640x480 chunks decoded to BGR (%,d bytes): %.3f ms per frame%n", frames, bytes,
        wall / 1e6 / frames);
    }
  }

  private Vp8DecodeLoop() {
  }
}
