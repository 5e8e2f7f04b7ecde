package io.frameloop.protocol;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.ops;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every message the server sends, field by field, as PROTOCOL.md describes it. */
class ServerMessagesTest {

  @Test
  void resultsCarryTheFramesSeqAndTimestampAndNoneForABareFrame() {
    JsonObject results = new JsonObject().put("width", 640).put("height", 480).put("detections", new JsonArray());
    JsonObject framed = ServerMessages.results(new FrameHeader(17, 1733300000123L), results);
    assertThat(framed.encode())
      .isEqualTo("{\"type\":\"results\",\"seq\":17,\"timestamp\":1733300000123,\"width\":640,\"height\":480,\"detections\":[]}");
    assertThat(ServerMessages.results(null, results).fieldNames()).containsExactly("type", "width", "height", "detections");
  }

  @Test
  void helloHasTheOpsThePipelineAndEveryLimit() {
    JsonArray ops = ops(op("flip"));
    JsonObject pipeline = pipeline(op("gray")).put("quality", 70).put("reply", "results");
    JsonObject hello = ServerMessages.hello(ops, pipeline, new HelloLimits().setMaxMessageBytes(1).setMaxTextMessageBytes(2)
      .setMaxWidth(3).setMaxHeight(4).setMaxPixels(5L).setMaxFps(6).setMaxOps(7).setMaxFrameCostMs(10).setMaxSessions(8).setIdleTimeoutSeconds(9), true,
      new JsonObject().put("decode", new JsonArray().add("vp8")).put("encode", new JsonArray().add("vp8")));
    assertThat(hello).isEqualTo(new JsonObject()
      .put("type", "hello").put("version", 1).put("ops", ops)
      .put("pipeline", pipeline.getJsonArray("ops")).put("quality", 70).put("reply", "results").put("replyFormat", "jpeg")
      .put("limits", new JsonObject().put("maxMessageBytes", 1).put("maxTextMessageBytes", 2).put("maxWidth", 3)
        .put("maxHeight", 4).put("maxPixels", 5L).put("maxFps", 6).put("maxOps", 7).put("maxFrameCostMs", 10).put("maxSessions", 8)
        .put("idleTimeoutSeconds", 9))
      .put("recording", true)
      .put("video", new JsonObject().put("decode", new JsonArray().add("vp8")).put("encode", new JsonArray().add("vp8"))));
  }

  @Test
  void videoAndKeyframeMessages() {
    JsonObject video = new JsonObject().put("codec", "vp8").put("width", 640).put("height", 480)
      .put("colorSpace", new JsonObject().put("matrix", "bt709"));
    assertThat(ServerMessages.video(video)).isEqualTo(video.copy().put("type", "video"));
    assertThat(ServerMessages.keyframe(ServerMessages.KEYFRAME_GAP, 12)).isEqualTo(new JsonObject().put("type", "keyframe")
      .put("reason", "gap").put("seq", 12L));
    assertThat(List.of(ServerMessages.KEYFRAME_GAP, ServerMessages.KEYFRAME_NO_KEY, ServerMessages.KEYFRAME_DECODE_ERROR,
      ServerMessages.KEYFRAME_OVERLOAD, ServerMessages.BAD_VIDEO)).containsExactly("gap", "no_key", "decode_error", "overload", "bad_video");
    assertThat(ServerMessages.videoReply("vp8", 700, 524, new JsonObject().put("matrix", "bt709"))).isEqualTo(new JsonObject()
      .put("type", "video").put("direction", "reply").put("codec", "vp8").put("width", 700).put("height", 524)
      .put("colorSpace", new JsonObject().put("matrix", "bt709")));
  }

  @Test
  void statsSayTheLastInputAndOutputFormatsAndSizes() {
    StatsReport.Percentiles none = new StatsReport.Percentiles(0, 0, 0);
    JsonObject stats = ServerMessages.stats(new StatsReport(1, 1, 0, Map.of(), 0, 0, 0, Map.of(), none, none, null, 80,
      new StatsReport.Picture("vp8", 640, 480), new StatsReport.Picture("jpeg", 700, 525)));
    assertThat(stats.getJsonObject("input")).isEqualTo(new JsonObject().put("format", "vp8").put("width", 640).put("height", 480));
    assertThat(stats.getJsonObject("output")).isEqualTo(new JsonObject().put("format", "jpeg").put("width", 700).put("height", 525));
    assertThat(ServerMessages.stats(new StatsReport(0, 0, 0, Map.of(), 0, 0, 0, Map.of(), none, none, null, 80, null, null))
      .containsKey("input")).as("before any frame").isFalse();
  }

  @Test
  void pipelineAndTimingsAnswers() {
    JsonObject pipeline = pipeline().put("quality", 80);
    assertThat(ServerMessages.pipeline(pipeline)).isEqualTo(pipeline.copy().put("type", "pipeline"));
    assertThat(ServerMessages.timings(true)).isEqualTo(new JsonObject().put("type", "timings").put("enabled", true));
    assertThat(ServerMessages.timings(false).getBoolean("enabled")).isFalse();
  }

  @Test
  void statsCountEveryFrameAndAddTheDropsUp() {
    Map<String, Long> dropped = new LinkedHashMap<>();
    dropped.put("stale", 3L);
    dropped.put("slow_client", 4L);
    StatsReport report = new StatsReport(20, 10, 2, dropped, 1, 1000, 900, Map.of("node-a", 10L),
      new StatsReport.Percentiles(10, 1.5, 2.5), new StatsReport.Percentiles(9, 0.5, 0.75), null, 70, null, null);
    JsonObject stats = ServerMessages.stats(report);
    assertThat(stats).isEqualTo(new JsonObject().put("type", "stats").put("in", 20L).put("out", 10L).put("errors", 2L)
      .put("dropped", new JsonObject().put("stale", 3L).put("slow_client", 4L)).put("droppedTotal", 7L).put("pending", 1)
      .put("bytesIn", 1000L).put("bytesOut", 900L).put("workers", new JsonObject().put("node-a", 10L))
      .put("processMs", new JsonObject().put("count", 10L).put("p50", 1.5).put("p99", 2.5))
      .put("queueMs", new JsonObject().put("count", 9L).put("p50", 0.5).put("p99", 0.75)).put("replyQuality", 70));
    assertThat(stats.getLong("in")).isEqualTo(stats.getLong("out") + stats.getLong("droppedTotal") + stats.getLong("errors")
      + stats.getInteger("pending"));
  }

  @Test
  void statsCarryTimingsOnlyWhenAskedFor() {
    StatsReport.Percentiles none = new StatsReport.Percentiles(0, 0, 0);
    StatsReport withTimings = new StatsReport(1, 1, 0, Map.of(), 0, 0, 0, Map.of(), none, none,
      List.of(new StatsReport.FrameTiming(5, 1200, 300, 400, 200, List.of(new StatsReport.OpMicros("flip", 550)), 40)), 80, null, null);
    // The first three as the first v1 servers sent them, then the stages.
    assertThat(ServerMessages.stats(withTimings).getJsonArray("timings")).isEqualTo(new JsonArray().add(new JsonArray().add(5L).add(1200L)
      .add(300L).add(400L).add(200L).add(new JsonArray().add(new JsonArray().add("flip").add(550L))).add(40L)));
    StatsReport asked = new StatsReport(1, 1, 0, Map.of(), 0, 0, 0, Map.of(), none, none, List.of(), 80, null, null);
    assertThat(ServerMessages.stats(asked).getJsonArray("timings")).isEmpty();
  }

  @Test
  void errorsNameTheirCodeAndAFramesSequence() {
    assertThat(ServerMessages.error("bad_message", "why")).isEqualTo(new JsonObject().put("type", "error")
      .put("code", "bad_message").put("message", "why"));
    assertThat(ServerMessages.frameError("bad_frame", 0, "why").getLong("seq")).isZero();
    assertThat(ServerMessages.frameError("server_error", -1, "why").containsKey("seq")).as("a bare frame has none").isFalse();
    assertThat(List.of(ServerMessages.BAD_FRAME, ServerMessages.BAD_PIPELINE, ServerMessages.BAD_MESSAGE, ServerMessages.SERVER_ERROR))
      .containsExactly("bad_frame", "bad_pipeline", "bad_message", "server_error");
  }
}
