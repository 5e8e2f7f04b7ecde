package io.frameloop.pipeline;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.ops;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

/**
 * What the op registry lets through and what it refuses, with the reason a client reads: every
 * parameter type, range and choice, unknown ops and parameters, defaults, quality, and the limits.
 * Pure: no OpenCV, no server.
 */
class PipelineValidationTest {

  /** An op with one parameter of each kind and a rule across two of them; unavailable when told so. */
  private static final class TestOp implements FrameOpFactory {
    final String name;
    final String unavailable;
    final List<String> closed = new ArrayList<>();

    TestOp(String name, String unavailable) {
      this.name = name;
      this.unavailable = unavailable;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return "an op for tests";
    }

    @Override
    public List<OpParam> params() {
      return List.of(OpParam.intParam("size", 3, 1, 9, "an int"), OpParam.numberParam("scale", 1.5, 1.0, 2.0, "a number"),
        OpParam.choiceParam("mode", "a", List.of("a", "b"), "a choice"), OpParam.intParam("extra", null, 0, 5, "optional"));
    }

    @Override
    public Optional<String> unavailableReason() {
      return Optional.ofNullable(unavailable);
    }

    @Override
    public void validate(JsonObject params) {
      if (params.getInteger("size") == 9 && "b".equals(params.getString("mode"))) {
        throw new IllegalArgumentException("size 9 needs mode a");
      }
    }

    @Override
    public FrameOp create(JsonObject params) {
      if (params.getInteger("size") == 7) {
        throw new IllegalStateException("cannot make size 7");
      }
      return new FrameOp() {
        @Override
        public Mat apply(Mat image) {
          return image;
        }

        @Override
        public void close() {
          closed.add(name + " " + params.getInteger("size"));
        }
      };
    }
  }

  private final TestOp testOp = new TestOp("test", null);
  private final OpRegistry registry = new OpRegistry().register(testOp).register(new TestOp("off", "no camera here"));

  private void refused(JsonArray ops, String message) {
    assertThatThrownBy(() -> registry.parse(ops, 80)).isInstanceOf(PipelineException.class).hasMessage(message);
  }

  @Test
  void defaultsAreFilledInAndTheOptionalParameterLeftOut() {
    PipelineSpec spec = registry.parse(ops(op("test")), 80);
    assertThat(spec.toJson()).isEqualTo(new JsonObject().put("quality", 80).put("reply", "image").put("ops", new JsonArray()
      .add(new JsonObject().put("op", "test").put("size", 3).put("scale", 1.5).put("mode", "a"))).put("replyFormat", "jpeg"));
    PipelineSpec given = registry.parse(ops(op("test").put("size", 9).put("scale", 2).put("mode", "a").put("extra", 0)), 1);
    assertThat(given.steps().get(0).params()).isEqualTo(new JsonObject().put("size", 9).put("scale", 2.0).put("mode", "a").put("extra", 0));
    assertThat(given.quality()).isEqualTo(1);
  }

  @Test
  void rangesAreInclusiveAndCheckedExactly() {
    assertThat(registry.parse(ops(op("test").put("size", 1).put("scale", 1.0)), 80).steps()).hasSize(1);
    refused(ops(op("test").put("size", 0)), "ops[0] (test): parameter 'size' must be between 1 and 9, got 0");
    refused(ops(op("test").put("size", 10)), "ops[0] (test): parameter 'size' must be between 1 and 9, got 10");
    refused(ops(op("test").put("scale", 0.999)), "ops[0] (test): parameter 'scale' must be between 1.0 and 2.0, got 0.999");
    refused(ops(op("test").put("scale", 2.0000001)), "ops[0] (test): parameter 'scale' must be between 1.0 and 2.0, got 2.0000001");
    refused(ops(op("test").put("size", 2.5)), "ops[0] (test): parameter 'size' must be an integer, got 2.5");
    assertThat(registry.parse(ops(op("test").put("size", 4.0)), 80).steps().get(0).params().getValue("size"))
      .as("a whole number written with a fraction is that integer").isEqualTo(4);
    refused(ops(op("test").put("size", "3")), "ops[0] (test): parameter 'size' must be an integer, got \"3\"");
    refused(ops(op("test").put("scale", true)), "ops[0] (test): parameter 'scale' must be a number, got true");
    refused(ops(op("test").put("scale", Double.NaN)), "ops[0] (test): parameter 'scale' must be a number, got NaN");
    refused(ops(op("test").put("size", new BigInteger("4294967299"))),
      "ops[0] (test): parameter 'size' must be between 1 and 9, got 4294967299");
    assertThat(registry.parse(ops(op("test").put("scale", new BigDecimal("1.25"))), 80).steps().get(0).params().getDouble("scale"))
      .isEqualTo(1.25);
    assertThat(registry.parse(ops(op("test").put("size", 5L)), 80).steps().get(0).params().getValue("size")).isEqualTo(5);
  }

  @Test
  void choicesAreExactStrings() {
    assertThat(registry.parse(ops(op("test").put("mode", "b")), 80).steps().get(0).params().getString("mode")).isEqualTo("b");
    refused(ops(op("test").put("mode", "B")), "ops[0] (test): parameter 'mode' must be one of [a, b], got \"B\"");
    refused(ops(op("test").put("mode", 1)), "ops[0] (test): parameter 'mode' must be one of [a, b], got 1");
  }

  @Test
  void rulesAcrossParametersAreTheFactorysAndNamedWithTheStep() {
    refused(ops(op("test"), op("test").put("size", 9).put("mode", "b")), "ops[1] (test): size 9 needs mode a");
  }

  @Test
  void unknownOpsAndParametersAreNamedWithWhatIsKnown() {
    refused(ops(op("nope")), "ops[0]: unknown op 'nope'; known ops: test, off");
    refused(ops(new JsonObject()), "ops[0]: unknown op (missing \"op\"); known ops: test, off");
    refused(ops(new JsonObject().put("op", 3)), "ops[0]: unknown op '3'; known ops: test, off");
    refused(ops(op("test").put("sise", 3)), "ops[0] (test): unknown parameter 'sise'; parameters: size, scale, mode, extra");
    OpRegistry bare = new OpRegistry().register(new SimpleOpFactory("bare", "no parameters") {
      @Override
      public FrameOp create(JsonObject params) {
        return image -> image;
      }
    });
    assertThatThrownBy(() -> bare.parse(ops(op("bare").put("x", 1)), 80))
      .hasMessage("ops[0] (bare): unknown parameter 'x'; parameters: none");
  }

  @Test
  void anUnavailableOpIsRefusedWithItsReason() {
    refused(ops(op("test"), op("off")), "ops[1] (off): op is unavailable on this server: no camera here");
    JsonArray described = registry.describe();
    assertThat(described.getJsonObject(0).getBoolean("available")).isTrue();
    assertThat(described.getJsonObject(0).containsKey("reason")).isFalse();
    assertThat(described.getJsonObject(1)).isEqualTo(new JsonObject().put("op", "off").put("description", "an op for tests")
      .put("params", new JsonArray(testOp.params().stream().map(OpParam::toJson).toList()))
      .put("available", false).put("reason", "no camera here"));
  }

  @Test
  void eachOpMustBeAnObjectAndOpsAList() {
    refused(new JsonArray().add(op("test")).add("flip"), "ops[1] must be an object like {\"op\":\"flip\"}, got flip");
    assertThatThrownBy(() -> registry.parse(new JsonObject().put("ops", "flip"), 80))
      .isInstanceOf(PipelineException.class).hasMessage("'ops' must be a list of ops, got flip");
    assertThatThrownBy(() -> registry.parse(new JsonObject(), 80)).hasMessage("'ops' must be a list of ops, got null");
  }

  @Test
  void qualityIsAnIntegerFromOneToAHundredAndDefaultsToTheSessionsOwn() {
    assertThat(registry.parse(new JsonObject().put("ops", new JsonArray()), 65).quality()).isEqualTo(65);
    assertThat(registry.parse(new JsonObject().put("ops", new JsonArray()).put("quality", 100), 65).quality()).isEqualTo(100);
    assertThat(registry.parse(new JsonObject().put("ops", new JsonArray()).put("quality", 1), 65).quality()).isEqualTo(1);
    for (Object bad : new Object[] {0, 101, 50.5, "80"}) {
      assertThatThrownBy(() -> registry.parse(new JsonObject().put("ops", new JsonArray()).put("quality", bad), 65)).as("quality " + bad)
        .isInstanceOf(PipelineException.class).hasMessageStartingWith("parameter 'quality' must be");
    }
    assertThatThrownBy(() -> registry.parse(new JsonArray(), 0)).isInstanceOf(PipelineException.class)
      .hasMessage("parameter 'quality' must be between 1 and 100, got 0");
  }

  @Test
  void registeringANameAgainReplacesTheOpInItsPlace() {
    TestOp again = new TestOp("test", "replaced");
    registry.register(again);
    assertThat(registry.get("test")).isSameAs(again);
    assertThat(registry.describe().getJsonObject(0).getString("reason")).isEqualTo("replaced");
    assertThat(registry.get("missing")).isNull();
  }

  @Test
  void creatingAPipelineClosesWhatWasMadeWhenAStepFails() {
    PipelineSpec good = registry.parse(ops(op("test").put("size", 2), op("test").put("size", 3)), 80);
    assertThat(registry.create(good, null)).hasSize(2);
    PipelineSpec failing = registry.parse(ops(op("test").put("size", 2), op("test").put("size", 7)), 80);
    assertThatThrownBy(() -> registry.create(failing, null)).hasMessage("cannot make size 7");
    assertThat(testOp.closed).containsExactly("test 2");
    PipelineSpec unregistered = PipelineSpec.fromTrustedJson(pipeline(op("test").put("size", 4), op("elsewhere")).put("quality", 80));
    assertThatThrownBy(() -> registry.create(unregistered, null)).isInstanceOf(PipelineException.class)
      .hasMessage("op 'elsewhere' is not registered on this worker");
    assertThat(testOp.closed).containsExactly("test 2", "test 4");
  }

  @Test
  void aSpecTravelsAsJsonAndBackUnchanged() {
    PipelineSpec spec = registry.parse(ops(op("test").put("size", 5), op("test").put("mode", "b")), 42);
    assertThat(PipelineSpec.fromTrustedJson(spec.toJson())).isEqualTo(spec);
    List<PipelineSpec.Step> steps = new ArrayList<>(spec.steps());
    PipelineSpec copy = new PipelineSpec(steps, 42);
    steps.clear();
    assertThat(copy.steps()).as("the spec keeps its own list").hasSize(2);
  }

  @Test
  void maxOpsIsInclusiveAndWithinOneTo256() {
    PipelineRules three = new PipelineRules(registry, new PipelineLimits().setMaxOps(3), new ImageLimits());
    JsonObject threeOps = pipeline(Collections.nCopies(3, op("test")));
    assertThat(three.parse(threeOps, 80).steps()).hasSize(3);
    JsonObject fourOps = pipeline(Collections.nCopies(4, op("test")));
    assertThatThrownBy(() -> three.parse(fourOps, 80)).isInstanceOf(PipelineException.class)
      .hasMessage("too many ops: 4; a pipeline has at most 3 (maxOps)");
    assertThat(three.describe()).isEqualTo(registry.describe());
    assertThat(new PipelineLimits().getMaxOps()).isEqualTo(16);
    assertThat(new PipelineLimits().setMaxOps(1).getMaxOps()).isEqualTo(1);
    assertThat(new PipelineLimits().setMaxOps(256).getMaxOps()).isEqualTo(256);
    assertThatThrownBy(() -> new PipelineLimits().setMaxOps(0)).hasMessage("maxOps must be between 1 and 256, got 0");
    assertThatThrownBy(() -> new PipelineLimits().setMaxOps(257)).hasMessage("maxOps must be between 1 and 256, got 257");
    assertThat(new PipelineLimits(new PipelineLimits().setMaxOps(5)).toJson())
      .isEqualTo(new JsonObject().put("maxOps", 5).put("maxFrameCostMs", 250));
  }

  @Test
  void imageLimitsAreInclusiveOnEverySide() {
    ImageLimits limits = new ImageLimits().setMaxWidth(100).setMaxHeight(50).setMaxPixels(4000);
    assertThat(limits.allows(100, 40)).isTrue();
    assertThat(limits.allows(80, 50)).isTrue();
    assertThat(limits.allows(101, 1)).isFalse();
    assertThat(limits.allows(1, 51)).isFalse();
    assertThat(limits.allows(81, 50)).as("4050 pixels").isFalse();
    assertThat(limits.allows(65536, 65536)).as("no int overflow").isFalse();
    assertThat(limits.describe()).isEqualTo("100x50 and 4000 pixels");
    assertThat(new ImageLimits(limits).toJson()).isEqualTo(new JsonObject().put("maxWidth", 100).put("maxHeight", 50).put("maxPixels", 4000L));
    assertThat(new ImageLimits().describe()).isEqualTo("4096x4096 and 8294400 pixels");
    assertThat(new ImageLimits().setMaxWidth(1).setMaxHeight(1).setMaxPixels(1).allows(1, 1)).isTrue();
    assertThatThrownBy(() -> new ImageLimits().setMaxWidth(0)).hasMessage("maxWidth must be at least 1, got 0");
    assertThatThrownBy(() -> new ImageLimits().setMaxHeight(0)).hasMessage("maxHeight must be at least 1, got 0");
    assertThatThrownBy(() -> new ImageLimits().setMaxPixels(0)).hasMessage("maxPixels must be at least 1, got 0");
  }

  @Test
  void paramsDescribeThemselvesForHello() {
    assertThat(OpParam.intParam("k", 9, 1, 99, "kernel").toJson()).isEqualTo(new JsonObject().put("name", "k").put("type", "int")
      .put("default", 9).put("min", 1).put("max", 99).put("description", "kernel"));
    assertThat(OpParam.intParam("k", null, 1, 99, "kernel").toJson().containsKey("default")).isFalse();
    assertThat(OpParam.numberParam("s", 1.1, 1.05, 2, "scale").toJson()).isEqualTo(new JsonObject().put("name", "s")
      .put("type", "number").put("default", 1.1).put("min", 1.05).put("max", 2.0).put("description", "scale"));
    assertThat(OpParam.choiceParam("axis", "both", List.of("both", "none"), "axis").toJson()).isEqualTo(new JsonObject()
      .put("name", "axis").put("type", "choice").put("default", "both").put("choices", new JsonArray().add("both").add("none"))
      .put("description", "axis"));
  }
}
