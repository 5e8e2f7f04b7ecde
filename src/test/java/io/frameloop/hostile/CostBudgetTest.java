package io.frameloop.hostile;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.bench.BenchFrames;
import io.frameloop.pipeline.CostBudgetException;
import io.frameloop.pipeline.ImageSize;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.pipeline.PipelineRules;
import io.frameloop.pipeline.ReplyMode;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.SlowOpFactory;
import io.frameloop.testing.StreamingSession;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 26, finding 1: expensive frames are bounded by a cost budget ({@code maxFrameCostMs}). A
 * pipeline predicted over it gets {@code bad_pipeline} with the prediction and the budget; a frame
 * too large for its pipeline gets {@code over_budget}; a session whose frames keep measuring over it
 * is told and reset to the default pipeline, and the model learns; and on a 2-worker node a normal
 * 640x480 session beside two sessions at the most expensive pipeline the budget admits (and one
 * trying what it does not) keeps its round trip p95 within 2x its value alone (measured before and
 * after, the larger) + 50 ms and gets at least 90 % of its frames.
 */
@ExtendWith(VertxExtension.class)
class CostBudgetTest {

  private static final ImageSize FULL_HD = new ImageSize(1920, 1080);
  private static final ImageSize HUGE = new ImageSize(4096, 2025);
  /** The attack: 16 x blur 99, 3-4 s a frame on 4096x2025. */
  private static final JsonObject ATTACK = pipeline(Collections.nCopies(16, op("blur").put("kernel", 99)));

  /** The normal session: a 15 fps camera for about ten seconds (its p95 is then the 8th-worst round trip, not a single stall's). */
  private static final int NORMAL_FRAMES = 150;
  private static final long NORMAL_INTERVAL_MS = 66;

  private static FrameLoopOptions options() {
    return TestServers.options(o -> o.getSessionOptions().setMaxFps(0));
  }

  private static OpRegistry registry(FrameLoopOptions options) {
    return OpRegistry.withDefaults(options.opSettings()).register(new SlowOpFactory());
  }

  /**
   * Blur 99s, and a last blur with the largest kernel that still fits: the most expensive chain of
   * blurs a fresh server admits for frames of this size.
   */
  static JsonObject mostExpensiveAdmitted(PipelineRules rules, ImageSize frame) {
    List<JsonObject> ops = new ArrayList<>();
    while (admitted(rules, ops, op("blur").put("kernel", 99), frame)) {
      ops.add(op("blur").put("kernel", 99));
    }
    for (int kernel = 97; kernel >= 1; kernel -= 2) {
      if (admitted(rules, ops, op("blur").put("kernel", kernel), frame)) {
        ops.add(op("blur").put("kernel", kernel));
        break;
      }
    }
    return pipeline(ops);
  }

  private static boolean admitted(PipelineRules rules, List<JsonObject> ops, JsonObject next, ImageSize frame) {
    List<JsonObject> more = new ArrayList<>(ops);
    more.add(next);
    try {
      rules.parse(pipeline(more), 80, ReplyMode.IMAGE, frame);
      return true;
    } catch (CostBudgetException e) {
      return false;
    }
  }

  private static Buffer frame(ImageSize size) {
    return BenchFrames.photoFrame(size.width(), size.height(), 85);
  }

  @Test
  void aPipelineOverTheBudgetGetsBadPipelineWithThePredictionAndTheBudgetAndTheSessionLivesOn(Vertx vertx) {
    FrameLoopOptions options = options();
    int port = TestServers.start(vertx, options, registry(options)).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonObject error = client.setPipeline(ATTACK);
      assertThat(error.getString("type")).isEqualTo("error");
      assertThat(error.getString("code")).isEqualTo("bad_pipeline");
      assertThat(error.getInteger("maxFrameCostMs")).isEqualTo(250);
      assertThat(error.getLong("predictedCostMs")).isGreaterThan(250);
      assertThat(error.getString("message")).contains("predicted to take " + error.getLong("predictedCostMs") + " ms",
        "640x480", "250 ms (maxFrameCostMs)");
      // The session keeps its pipeline and is served.
      client.sendFramed(1, 0, Images.fixture("coffee-640x480.jpg"));
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(1);
    }
  }

  @Test
  void aFrameTooLargeForItsPipelineGetsOverBudgetAndSmallerFramesAreStillServed(Vertx vertx) {
    FrameLoopOptions options = options();
    int port = TestServers.start(vertx, options, registry(options)).actualPort();
    JsonObject fourBlurs = pipeline(Collections.nCopies(4, op("blur").put("kernel", 99)));
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      // Set before any frame: checked at 640x480, where it fits (about 80 ms).
      client.usePipeline(fourBlurs);
      client.sendFramed(7, 0, frame(HUGE));
      JsonObject refused = client.next("error");
      assertThat(refused.getString("code")).isEqualTo("over_budget");
      assertThat(refused.getLong("seq")).isEqualTo(7);
      assertThat(refused.getLong("predictedCostMs")).isGreaterThan(1000);
      assertThat(refused.getInteger("maxFrameCostMs")).isEqualTo(250);
      assertThat(refused.getString("message")).contains("4096x2025");
      client.sendFramed(8, 0, Images.fixture("coffee-640x480.jpg"));
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(8);
      assertThat(client.pendingBinary()).as("the huge frame was not processed").isZero();
      // The session's frames are that size now: the same pipeline set again is checked at it.
      client.sendFramed(9, 0, frame(HUGE));
      assertThat(client.next("error").getString("code")).isEqualTo("over_budget");
      JsonObject again = client.setPipeline(fourBlurs);
      assertThat(again.getString("code")).isEqualTo("bad_pipeline");
      assertThat(again.getString("message")).contains("4096x2025");
    }
  }

  @Test
  void aPlugInSlowerThanItsEstimateIsToldAndResetAndTheModelLearns(Vertx vertx) {
    FrameLoopOptions options = options();
    int port = TestServers.start(vertx, options, registry(options)).actualPort();
    JsonObject slow = pipeline(op("slow").put("ms", 600)); // predicted at the plug-in default: a few ms
    Buffer frame = Images.fixture("coffee-640x480.jpg");
    try (FrameClient client = FrameClient.connect(vertx, port); FrameClient other = FrameClient.connect(vertx, port)) {
      JsonArray defaultOps = client.hello().getJsonArray("pipeline");
      client.usePipeline(slow);
      JsonObject told = null;
      int served = 0;
      for (long seq = 0; seq < 10 && told == null; seq++) {
        client.sendFramed(seq, 0, frame);
        assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(seq);
        served++;
        told = client.pollJson("error", Duration.ofMillis(200));
      }
      assertThat(told).as("an over_budget error within 10 frames").isNotNull();
      assertThat(served).as("3 of the last 10 over the budget").isEqualTo(3);
      assertThat(told.getString("code")).isEqualTo("over_budget");
      assertThat(told.getLong("measuredMs")).isGreaterThanOrEqualTo(600);
      assertThat(told.getInteger("maxFrameCostMs")).isEqualTo(250);
      assertThat(told.getString("message")).contains("reset to the server's default");
      JsonObject reset = client.next("pipeline");
      assertThat(reset.getJsonArray("ops")).isEqualTo(defaultOps);
      assertThat(reset.getString("reset")).isEqualTo("over_budget");
      // Served again at once, with the default pipeline.
      client.sendFramed(100, 0, frame);
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(100);
      // The model learned: the slow pipeline is now predicted over the budget, for this session and any other.
      JsonObject refused = client.setPipeline(slow);
      assertThat(refused.getString("code")).isEqualTo("bad_pipeline");
      assertThat(refused.getLong("predictedCostMs")).isGreaterThan(250);
      assertThat(other.setPipeline(slow).getString("code")).isEqualTo("bad_pipeline");
      // A cheap plug-in pipeline is still admitted.
      assertThat(other.setPipeline(pipeline(op("slow").put("ms", 5))).getString("type")).isEqualTo("pipeline");
    }
  }

  /** A camera session's round trips: a frame every interval whether or not the last came back. */
  private record NormalRun(int sent, int received, long p95Ms) {
  }

  private static NormalRun normalSession(Vertx vertx, int port, Buffer frame) {
    return normalSession(vertx, port, frame, NORMAL_FRAMES);
  }

  private static NormalRun normalSession(Vertx vertx, int port, Buffer frame, int frames) {
    Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    List<Long> roundTrips = new ArrayList<>();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      for (long seq = 0; seq < frames; seq++) {
        sentAt.put(seq, System.nanoTime());
        client.sendFramed(seq, 0, frame);
        Wait.Deadline next = Wait.Deadline.in(Duration.ofMillis(NORMAL_INTERVAL_MS));
        while (!next.passed()) {
          record(client.pollBinary(next.remaining()), sentAt, roundTrips);
        }
      }
      Wait.Deadline drain = Wait.Deadline.in(Duration.ofSeconds(2));
      while (!drain.passed() && roundTrips.size() < frames) {
        record(client.pollBinary(drain.remaining()), sentAt, roundTrips);
      }
    }
    List<Long> sorted = new ArrayList<>(roundTrips);
    Collections.sort(sorted);
    long p95 = sorted.isEmpty() ? Long.MAX_VALUE : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.95) - 1));
    return new NormalRun(frames, roundTrips.size(), p95);
  }

  private static void record(Buffer reply, Map<Long, Long> sentAt, List<Long> roundTrips) {
    if (reply != null) {
      long seq = FrameFormat.decode(reply).header().sequence();
      roundTrips.add((System.nanoTime() - sentAt.get(seq)) / 1_000_000);
    }
  }

  @Test
  void aNormalSessionKeepsItsRoundTripAndItsFramesBesideTheMostExpensiveAdmittedPipelines(Vertx vertx) throws Exception {
    FrameLoopOptions options = options();
    OpRegistry registry = registry(options);
    int port = TestServers.start(vertx, options, registry).actualPort();
    PipelineRules fresh = new PipelineRules(registry, options.getPipelineLimits(), options.getImageLimits());
    JsonObject expensive = mostExpensiveAdmitted(fresh, FULL_HD);
    assertThat(expensive.getJsonArray("ops")).as("%s", expensive.encode()).isNotEmpty();
    Buffer normalFrame = Images.fixture("coffee-640x480.jpg");
    Buffer fullHd = frame(FULL_HD);

    normalSession(vertx, port, normalFrame, 30); // warm-up: the JIT, the workers' pipeline caches
    NormalRun aloneBefore = normalSession(vertx, port, normalFrame);

    List<StreamingSession> attackers = new ArrayList<>();
    try (FrameClient refused = FrameClient.connect(vertx, port)) {
      for (int i = 0; i < 2; i++) {
        FrameClient client = FrameClient.connect(vertx, port);
        client.usePipeline(expensive);
        attackers.add(new StreamingSession(client, fullHd, 100, 100_000)); // a frame waiting whenever its turn comes
      }
      // The third tries what the budget does not admit, then frames too large for what it admits.
      JsonObject error = refused.setPipeline(ATTACK);
      assertThat(error.getString("code")).isEqualTo("bad_pipeline");
      assertThat(error.getLong("predictedCostMs")).isGreaterThan(error.getLong("maxFrameCostMs"));
      refused.usePipeline(mostExpensiveAdmitted(fresh, new ImageSize(640, 480)));
      refused.sendFramed(0, 0, frame(HUGE));
      assertThat(refused.next("error").getString("code")).isEqualTo("over_budget");
      Wait.until("both expensive sessions served", Duration.ofSeconds(20), Duration.ofMillis(20),
        () -> attackers.stream().allMatch(a -> a.processedCount() > 0));

      NormalRun beside = normalSession(vertx, port, normalFrame);
      int expensiveReplies = attackers.stream().mapToInt(StreamingSession::processedCount).sum();
      attackers.forEach(StreamingSession::close);
      attackers.clear();
      // The control, alone again: the machine's load drifts, so the larger of the two runs alone.
      NormalRun aloneAfter = normalSession(vertx, port, normalFrame);
      NormalRun alone = aloneAfter.p95Ms() > aloneBefore.p95Ms() ? aloneAfter : aloneBefore;
      String load = Files.readString(Path.of("/proc/loadavg")).trim();
      System.out.printf("CostBudgetTest: pipeline %s on %dx%d; normal alone p95 %d ms then %d ms, %d/%d frames; beside p95"
          + " %d ms, %d/%d frames; expensive replies %d; load %s%n", expensive.encode(), FULL_HD.width(), FULL_HD.height(),
        aloneBefore.p95Ms(), aloneAfter.p95Ms(), alone.received(), alone.sent(), beside.p95Ms(), beside.received(),
        beside.sent(), expensiveReplies, load);

      assertThat(alone.received()).as("frames alone").isGreaterThanOrEqualTo(alone.sent() * 9 / 10);
      assertThat(beside.p95Ms()).as("p95 beside (alone %d ms)", alone.p95Ms()).isLessThanOrEqualTo(2 * alone.p95Ms() + 50);
      assertThat(beside.received()).as("frames beside").isGreaterThanOrEqualTo((int) Math.ceil(beside.sent() * 0.9));
      assertThat(expensiveReplies).as("the expensive sessions were served meanwhile").isGreaterThanOrEqualTo(4);
    } finally {
      attackers.forEach(StreamingSession::close);
    }
  }
}
