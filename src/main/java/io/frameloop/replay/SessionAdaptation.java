package io.frameloop.replay;

import io.frameloop.protocol.FrameFormat;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One replay session's adaptation ({@code --adaptive}): its controller, the frame to send at the
 * controller's settings, and how many frames went at which settings. Touched only on the session's
 * event loop.
 */
final class SessionAdaptation {

  private final AdaptiveController controller;
  private final AdaptiveFrames frames;
  /** Bytes sent per unanswered frame, by sequence; the oldest go when replies never come. */
  private final Map<Long, Integer> bytesUp = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
      return size() > 256;
    }
  };
  private final Map<String, Long> framesBySetting = new TreeMap<>();

  SessionAdaptation(AdaptiveController controller, AdaptiveFrames frames) {
    this.controller = controller;
    this.frames = frames;
  }

  /** The JPEG to send as frame {@code sequence}, the source's frame {@code index}, at the current settings. */
  Buffer next(long sequence, long index) {
    Buffer jpeg = frames.frame(controller, index);
    bytesUp.put(sequence, FrameFormat.HEADER_LENGTH + jpeg.length());
    framesBySetting.merge(setting(), 1L, Long::sum);
    return jpeg;
  }

  void onReply(long sequence, double roundTripMs, int replyBytes) {
    Integer up = bytesUp.remove(sequence);
    controller.onReply(roundTripMs, up == null ? 0 : up, replyBytes);
  }

  /** The server's time (processing + queue p50), its slow_client drops and reply quality, from {@code stats}. */
  void onStats(JsonObject stats) {
    JsonObject process = stats.getJsonObject("processMs", new JsonObject());
    JsonObject queue = stats.getJsonObject("queueMs", new JsonObject());
    double serverMs = process.getLong("count", 0L) > 0 ? process.getDouble("p50", 0.0) + queue.getDouble("p50", 0.0) : -1;
    long slowClient = stats.getJsonObject("dropped", new JsonObject()).getLong("slow_client", 0L);
    controller.onStats(serverMs, slowClient, stats.getInteger("replyQuality", 0));
  }

  /** {@code oldestSentNanos}: when the oldest unanswered frame went, or -1 if none. */
  void tick(long nowNanos, long oldestSentNanos) {
    controller.tick(nowNanos / 1e6, oldestSentNanos < 0 ? 0 : (nowNanos - oldestSentNanos) / 1e6);
  }

  long intervalNanos() {
    return TimeUnit.SECONDS.toNanos(1) / controller.fps();
  }

  private String setting() {
    return String.format(Locale.ROOT, "q%.2f %dw %dfps", controller.quality(), controller.width(), controller.fps());
  }

  /** Settings now, the changes, and frames sent per setting; {@code mostSent} is the setting most frames went at. */
  JsonObject summary() {
    JsonObject bySetting = new JsonObject();
    framesBySetting.forEach(bySetting::put);
    String most = framesBySetting.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("");
    return new JsonObject().put("targetMs", controller.targetMs())
      .put("quality", controller.quality()).put("width", controller.width()).put("fps", controller.fps())
      .put("controllerWindow", controller.window()).put("limiter", controller.limiter().label()).put("changes", controller.changes())
      .put("mostSent", most).put("framesBySetting", bySetting);
  }
}
