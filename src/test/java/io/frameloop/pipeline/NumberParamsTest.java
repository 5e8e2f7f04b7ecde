package io.frameloop.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Numbers in a pipeline message are checked as the client wrote them: one too large for an int is
 * out of range, not truncated into it, and a fraction is not an integer. The messages are parsed
 * from text, so the numbers have the types the JSON decoder gives (Integer, Long, BigInteger, Double).
 */
class NumberParamsTest {

  private final PipelineRules rules = new PipelineRules(OpRegistry.fromClassPath(new JsonObject()), new PipelineLimits(),
    new ImageLimits());

  @Test
  void qualityThatOverflowsAnIntIsRefusedNotTruncated() {
    // 4294967376 = 2^32 + 80: cast to an int it would be a valid quality of 80.
    assertRefused("{\"ops\":[],\"quality\":4294967376}", "quality", "between 1 and 100", "4294967376");
    assertRefused("{\"ops\":[],\"quality\":-4294967216}", "quality", "between 1 and 100");
    assertRefused("{\"ops\":[],\"quality\":100000000000000000000000000080}", "quality", "between 1 and 100");
    assertRefused("{\"ops\":[],\"quality\":80.5}", "quality", "integer");
    assertRefused("{\"ops\":[],\"quality\":1e400}", "quality", "integer");
    assertRefused("{\"ops\":[],\"quality\":\"80\"}", "quality", "integer");
    assertThat(parse("{\"ops\":[],\"quality\":100}").quality()).isEqualTo(100);
    assertThat(parse("{\"ops\":[],\"quality\":80.0}").quality()).as("a whole number written with a fraction").isEqualTo(80);
  }

  @Test
  void intParametersThatOverflowAnIntAreRefusedNotTruncated() {
    // 4294967396 = 2^32 + 100: truncated it would be a width of 100.
    assertRefused("{\"ops\":[{\"op\":\"resize\",\"width\":4294967396}]}", "width", "between 1 and 8192", "4294967396");
    assertRefused("{\"ops\":[{\"op\":\"blur\",\"kernel\":18446744073709551625}]}", "kernel", "between 1 and 99");
    assertRefused("{\"ops\":[{\"op\":\"resize\",\"width\":100.5}]}", "width", "integer");
    assertRefused("{\"ops\":[{\"op\":\"faces\",\"minNeighbors\":4294967299}]}", "minNeighbors", "between");
    assertThat(parse("{\"ops\":[{\"op\":\"resize\",\"width\":100}]}").steps().get(0).params().getInteger("width")).isEqualTo(100);
  }

  @Test
  void numberParametersAreComparedExactly() {
    assertRefused("{\"ops\":[{\"op\":\"canny\",\"high\":1e400}]}", "high", "number");
    assertRefused("{\"ops\":[{\"op\":\"canny\",\"high\":100000000000000000000000000000}]}", "high", "between 0.0 and 1000.0");
    assertRefused("{\"ops\":[{\"op\":\"canny\",\"high\":1000.0000000001}]}", "high", "between 0.0 and 1000.0");
    assertThat(parse("{\"ops\":[{\"op\":\"canny\",\"high\":1000}]}").steps().get(0).params().getDouble("high")).isEqualTo(1000.0);
  }

  private PipelineSpec parse(String json) {
    return rules.parse(new JsonObject(json), 80);
  }

  private void assertRefused(String json, String... fragments) {
    assertThatThrownBy(() -> parse(json)).as(json).isInstanceOf(PipelineException.class).hasMessageContainingAll(fragments);
  }
}
