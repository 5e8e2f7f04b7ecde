package io.frameloop.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What a {@code stats} message says: a session's counters since it opened, and its latency
 * percentiles (and, when asked for, per-frame timings) since the previous report.
 *
 * @param dropped     frames dropped, by reason (wire names), in a stable order
 * @param pending     frames received and not yet answered
 * @param processedBy frames answered, by the name of the node that processed them
 * @param timings     per-frame timings, or null when the client did not ask for them
 * @param replyQuality the JPEG quality replies are encoded at now: the pipeline's, or lower while
 *                     the client reads slowly
 * @param input       the last frame decoded ({@code jpeg} or {@code vp8}), or null
 * @param output      the last frame sent, or null
 */
public record StatsReport(long framesIn, long framesOut, long errors, Map<String, Long> dropped, int pending,
                          long bytesIn, long bytesOut, Map<String, Long> processedBy, Percentiles processMs,
                          Percentiles queueMs, List<FrameTiming> timings, int replyQuality, Picture input,
                          Picture output) {

  /** The format and size of a frame: the last decoded ({@code input}) or the last sent ({@code output}); null before the first. */
  public record Picture(String format, int width, int height) {
    JsonObject toJson() {
      return new JsonObject().put("format", format).put("width", width).put("height", height);
    }
  }

  /** A latency window in milliseconds. */
  public record Percentiles(long count, double p50, double p99) {
    JsonObject toJson() {
      return new JsonObject().put("count", count).put("p50", p50).put("p99", p99);
    }
  }

  /**
   * One framed frame's time on a worker, the rest of its time in the server, and its time on the
   * worker by stage: decoding, making the ops (0 unless the worker had to), each op in order, encoding.
   */
  public record FrameTiming(long sequence, long processingMicros, long queueMicros, long decodeMicros, long encodeMicros,
                            List<OpMicros> ops, long setupMicros) {
  }

  /** One op's time on the worker. */
  public record OpMicros(String op, long micros) {
  }
}
