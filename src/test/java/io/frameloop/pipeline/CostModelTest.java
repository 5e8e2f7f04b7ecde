package io.frameloop.pipeline;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 26, finding 1: the cost model predicts a frame's cost from the ops' parameters and the frame
 * size, a pipeline predicted over maxFrameCostMs is refused naming both figures, plug-ins get a
 * default estimate, and the model learns from measured times.
 */
class CostModelTest {

  private static final ImageSize VGA = new ImageSize(640, 480);
  private static final ImageSize FULL_HD = new ImageSize(1920, 1080);
  private static final ImageSize HUGE = new ImageSize(4096, 2025);

  private final OpRegistry registry = OpRegistry.fromClassPath(new JsonObject());
  private final PipelineRules rules = new PipelineRules(registry, new PipelineLimits(), new ImageLimits());

  private PipelineSpec spec(JsonObject... ops) {
    return registry.parse(pipeline(ops), 80);
  }

  /** An op that says nothing of its cost (a plug-in that does not answer costMs). */
  private static class SilentOpFactory extends SimpleOpFactory {
    SilentOpFactory(String name) {
      super(name, "passes the image on");
    }

    @Override
    public FrameOp create(JsonObject params) {
      return image -> image;
    }
  }

  @Test
  void builtInCostsGrowWithTheirParametersAndTheFrameSize() {
    FrameOpFactory blur = registry.get("blur");
    assertThat(blur.costMs(new JsonObject().put("kernel", 99), 640, 480))
      .isGreaterThan(5 * blur.costMs(new JsonObject().put("kernel", 9), 640, 480));
    JsonObject k99 = new JsonObject().put("kernel", 99);
    // Per pixel: a 1920x1080 frame has 6.75 times the pixels of a 640x480 one.
    assertThat(blur.costMs(k99, 1920, 1080) / blur.costMs(k99, 640, 480)).isCloseTo(6.75, within(0.01));
    // The measured figures (BENCHMARKS, Cost budget): blur 99 on 4096x2025 took 416 ms, the cascade 66-79 ms.
    assertThat(blur.costMs(k99, 4096, 2025)).isBetween(350.0, 600.0);
    JsonObject haar = registry.parse(pipeline(op("faces").put("model", "haar")), 80).steps().get(0).params();
    assertThat(registry.get("faces").costMs(haar, 640, 480)).isBetween(50.0, 100.0);
    assertThat(registry.get("gray").costMs(new JsonObject(), 640, 480)).isLessThan(1.0);
  }

  @Test
  void aPipelineCostsItsDecodeItsOpsAtTheSizesTheyGetAndItsEncode() {
    CostModel model = rules.costs();
    double empty = model.modelMs(spec(), FULL_HD);
    double decodeAndEncode = CostModel.FRAME_MS + (CostModel.DECODE_MS_PER_MEGAPIXEL + CostModel.ENCODE_MS_PER_MEGAPIXEL) * 2.0736;
    assertThat(empty).isCloseTo(decodeAndEncode, within(0.01));
    JsonObject k31 = new JsonObject().put("kernel", 31);
    double blurFullHd = registry.get("blur").costMs(k31, 1920, 1080);
    assertThat(model.modelMs(spec(op("blur").put("kernel", 31)), FULL_HD)).isCloseTo(empty + blurFullHd, within(0.01));
    // A resize first: the blur runs at 320x180, and the reply is encoded at that size.
    PipelineSpec small = spec(op("resize").put("width", 320), op("blur").put("kernel", 31));
    assertThat(model.modelMs(small, FULL_HD)).isLessThan(model.modelMs(spec(op("blur").put("kernel", 31)), FULL_HD) / 3);
    // Results only: no encode.
    PipelineSpec results = registry.parse(pipeline().put("reply", "results"), 80);
    assertThat(model.modelMs(results, FULL_HD)).isLessThan(empty);
  }

  @Test
  void aPlugInWithoutAnEstimateOrWithABrokenOneGetsTheDefault() {
    registry.register(new SilentOpFactory("silent"));
    registry.register(new SilentOpFactory("nan") {
      @Override
      public double costMs(JsonObject params, int width, int height) {
        return Double.NaN;
      }
    });
    registry.register(new SilentOpFactory("throws") {
      @Override
      public double costMs(JsonObject params, int width, int height) {
        throw new IllegalStateException("no idea");
      }
    });
    CostModel model = rules.costs();
    double none = model.modelMs(spec(), FULL_HD);
    double expected = FrameOpFactory.DEFAULT_COST_MS_PER_MEGAPIXEL * 2.0736;
    for (String name : List.of("silent", "nan", "throws")) {
      assertThat(model.modelMs(spec(op(name)), FULL_HD) - none).as(name).isCloseTo(expected, within(0.01));
    }
  }

  @Test
  void aPipelineOverTheBudgetIsRefusedNamingThePredictionAndTheBudget() {
    // The attack: 16 x blur 99 on 4096x2025 (3-4 s a frame).
    JsonObject attack = pipeline(Collections.nCopies(16, op("blur").put("kernel", 99)));
    assertThatThrownBy(() -> rules.parse(attack, 80, ReplyMode.IMAGE, HUGE))
      .isInstanceOfSatisfying(CostBudgetException.class, e -> {
        assertThat(e.maxFrameCostMs()).isEqualTo(250);
        assertThat(e.predictedCostMs()).isGreaterThan(5_000);
        assertThat(e.getMessage()).contains("predicted to take " + e.predictedCostMs() + " ms per 4096x2025 frame",
          "budget of 250 ms (maxFrameCostMs)");
      });
    // Checked at 640x480 before any frame: still far over.
    assertThatThrownBy(() -> rules.parse(attack, 80)).isInstanceOf(CostBudgetException.class);
    // What fits at 640x480 can be over at 4096x2025: the session checks each frame's size.
    PipelineSpec fits = rules.parse(pipeline(Collections.nCopies(4, op("blur").put("kernel", 99))), 80);
    assertThatThrownBy(() -> rules.checkCost(fits, HUGE)).isInstanceOf(CostBudgetException.class);
    rules.checkCost(fits, VGA);
    // The default pipeline and ordinary ones are far under it even at the largest frame.
    rules.parse(pipeline(op("resize").put("width", 700), op("flip")), 80, ReplyMode.IMAGE, new ImageSize(4096, 4096));
    rules.parse(pipeline(op("gray"), op("blur").put("kernel", 9)), 80, ReplyMode.IMAGE, FULL_HD);
  }

  @Test
  void theBudgetIsAnOptionWithinRange() {
    assertThat(new PipelineLimits().getMaxFrameCostMs()).isEqualTo(250);
    PipelineRules generous = new PipelineRules(registry, new PipelineLimits().setMaxFrameCostMs(10_000), new ImageLimits());
    generous.parse(pipeline(Collections.nCopies(16, op("blur").put("kernel", 99))), 80, ReplyMode.IMAGE, HUGE);
    PipelineRules tight = new PipelineRules(registry, new PipelineLimits().setMaxFrameCostMs(2), new ImageLimits());
    assertThatThrownBy(() -> tight.parse(pipeline(op("blur").put("kernel", 9)), 80))
      .isInstanceOfSatisfying(CostBudgetException.class, e -> assertThat(e.maxFrameCostMs()).isEqualTo(2));
    assertThatThrownBy(() -> new PipelineLimits().setMaxFrameCostMs(0))
      .hasMessage("maxFrameCostMs must be between 1 and 3600000, got 0");
    assertThat(new PipelineLimits(new JsonObject().put("maxFrameCostMs", 400)).getMaxFrameCostMs()).isEqualTo(400);
  }

  @Test
  void theModelLearnsFromMeasuredTimesPerPipeline() {
    registry.register(new SilentOpFactory("liar"));
    CostModel model = rules.costs();
    PipelineSpec liar = spec(op("liar"));
    PipelineSpec honest = spec(op("gray"));
    double predicted = model.predictMs(liar, VGA);
    rules.checkCost(liar, VGA);
    // Its frames take 400 ms each where about 4 were predicted.
    for (int frame = 0; frame < 10; frame++) {
      model.learn(liar, VGA, 400_000_000L);
    }
    assertThat(model.correction(liar)).isGreaterThan(50);
    assertThat(model.predictMs(liar, VGA)).isGreaterThan(predicted * 50);
    assertThatThrownBy(() -> rules.checkCost(liar, VGA)).isInstanceOf(CostBudgetException.class);
    // Per pipeline: the others keep their predictions (a quality change is the same pipeline).
    assertThat(model.correction(honest)).isEqualTo(1.0);
    assertThat(model.correction(registry.parse(pipeline(op("liar")), 30))).isEqualTo(model.correction(liar));
    // Bounded: an absurd measurement moves it at most to the bound.
    for (int frame = 0; frame < 100; frame++) {
      model.learn(liar, VGA, Long.MAX_VALUE / 2);
    }
    assertThat(model.correction(liar)).isLessThanOrEqualTo(CostCorrections.MAX_FACTOR);
    // And down again, not below the floor, when it turns out cheap.
    for (int frame = 0; frame < 100; frame++) {
      model.learn(liar, VGA, 1);
    }
    assertThat(model.correction(liar)).isCloseTo(CostCorrections.MIN_FACTOR, within(0.01));
  }
}
