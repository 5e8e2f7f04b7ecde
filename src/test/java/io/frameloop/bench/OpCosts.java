package io.frameloop.bench;

import io.frameloop.image.OpenCvLoader;
import io.frameloop.image.TurboJpegCodec;
import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.FrameProcessor;
import io.frameloop.pipeline.ImageLimits;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.pipeline.ProcessedFrame;
import io.frameloop.pipeline.StageTimes;
import io.frameloop.server.FrameLoopOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The figures behind the built-in ops' cost estimates ({@code FrameOpFactory.costMs}): each op's
 * median time on one worker thread, and the decode and encode times, per megapixel, at three frame
 * sizes. Run with {@code bench/run io.frameloop.bench.OpCosts}; prints one line per op and size.
 */
public final class OpCosts {

  private static final List<JsonObject> OPS = List.of(
    new JsonObject().put("op", "gray"),
    new JsonObject().put("op", "flip"),
    new JsonObject().put("op", "resize").put("width", 320),
    new JsonObject().put("op", "resize").put("width", 1280),
    new JsonObject().put("op", "blur").put("kernel", 3),
    new JsonObject().put("op", "blur").put("kernel", 9),
    new JsonObject().put("op", "blur").put("kernel", 31),
    new JsonObject().put("op", "blur").put("kernel", 99),
    new JsonObject().put("op", "canny"),
    new JsonObject().put("op", "faces").put("model", "haar"),
    new JsonObject().put("op", "faces"),
    new JsonObject().put("op", "anonymize"));

  private OpCosts() {
  }

  public static void main(String[] args) {
    OpenCvLoader.load();
    FrameLoopOptions defaults = new FrameLoopOptions();
    OpRegistry registry = OpRegistry.withDefaults(defaults.opSettings());
    int[][] sizes = {{640, 480}, {1920, 1080}, {4096, 2025}};
    try (FrameProcessor processor = new FrameProcessor(registry, new ImageLimits(), new TurboJpegCodec())) {
      for (int[] size : sizes) {
        Buffer frame = BenchFrames.photoFrame(size[0], size[1], 85);
        double megapixels = size[0] * (double) size[1] / 1e6;
        for (JsonObject op : OPS) {
          PipelineSpec spec;
          try {
            spec = registry.parse(new JsonArray().add(op), 80);
          } catch (RuntimeException e) {
            System.out.println(op.encode() + " unavailable: " + e.getMessage());
            continue;
          }
          int runs = megapixels > 4 ? 8 : 20;
          long[] opNanos = new long[runs];
          long[] decode = new long[runs];
          long[] encode = new long[runs];
          for (int i = -3; i < runs; i++) {
            ProcessedFrame processed = processor.process(new FrameJob(frame, spec));
            if (i >= 0) {
              StageTimes stages = processed.stages();
              opNanos[i] = stages.ops().get(0).nanos();
              decode[i] = stages.decodeNanos();
              encode[i] = stages.encodeNanos();
            }
          }
          System.out.printf("%dx%d %-40s op %8.2f ms (%7.2f ms/MP)  decode %6.2f ms/MP  encode %6.2f ms/MP%n", size[0], size[1],
            op.encode(), median(opNanos) / 1e6, median(opNanos) / 1e6 / megapixels, median(decode) / 1e6 / megapixels,
            median(encode) / 1e6 / megapixels);
        }
      }
    }
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
