package io.frameloop.pipeline;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.ops;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Ops are found by ServiceLoader in the documented order, and class-path factories get the server settings. */
class OpRegistryTest {

  private static final List<String> BUILT_INS = List.of("resize", "flip", "gray", "blur", "canny", "faces");
  private static final String MISSING_CASCADE = "/nonexistent/haarcascade.xml";

  @Test
  void builtInOpsAreListedForServiceLoader() {
    List<String> found = ServiceLoader.load(FrameOpFactory.class).stream().map(provider -> provider.get().name()).toList();
    assertThat(found).containsAll(BUILT_INS).contains("invert");
  }

  @Test
  void builtInsComeFirstInTheirOrderThenClassPathPlugins() {
    List<String> names = names(OpRegistry.fromClassPath(new JsonObject()).describe());
    // The test plug-in "invert" is the only other op on the test class path (test-classes come first there).
    assertThat(names).containsExactly("resize", "flip", "gray", "blur", "canny", "faces", "anonymize", "invert");
  }

  @Test
  void facesUsesTheDefaultCascadeWithoutASetting() {
    JsonObject faces = describe(OpRegistry.fromClassPath(new JsonObject()), "faces");
    assertThat(faces.getBoolean("available")).as("needs Debian's opencv-data: " + faces.getString("reason")).isTrue();
  }

  @Test
  void aMissingCascadeMakesHaarUnavailableWithAClearReasonAndFacesKeepsBlazeFace() {
    OpRegistry registry = OpRegistry.fromClassPath(new JsonObject().put("faceCascade", MISSING_CASCADE));
    JsonObject faces = describe(registry, "faces");
    assertThat(faces.getBoolean("available")).isTrue();
    JsonObject haar = faces.getJsonObject("models").getJsonObject("haar");
    assertThat(haar.getBoolean("available")).isFalse();
    assertThat(haar.getString("reason")).contains(MISSING_CASCADE, "not found", "faceCascade");
    assertThat(faces.getJsonObject("models").getJsonObject("blazeface").getBoolean("available")).isTrue();
    assertThatThrownBy(() -> registry.parse(ops(op("faces").put("model", "haar")), 80))
      .isInstanceOf(PipelineException.class)
      .hasMessageContaining("model 'haar' is unavailable")
      .hasMessageContaining(MISSING_CASCADE);
    registry.parse(ops(op("faces")), 80);
  }

  @Test
  void facesIsUnavailableWhenNeitherModelLoads() {
    OpRegistry registry = OpRegistry.fromClassPath(new JsonObject().put("faceCascade", MISSING_CASCADE)
      .put("faceModel", MISSING_CASCADE + ".onnx"));
    for (String name : List.of("faces", "anonymize")) {
      JsonObject json = describe(registry, name);
      assertThat(json.getBoolean("available")).isFalse();
      assertThat(json.getString("reason")).contains("no face model", MISSING_CASCADE + ".onnx", MISSING_CASCADE, "faceModel");
      assertThatThrownBy(() -> registry.parse(ops(op(name)), 80))
        .isInstanceOf(PipelineException.class).hasMessageContaining("unavailable");
    }
  }

  @Test
  void withDefaultsPassesTheCascadeAsASetting() {
    JsonObject faces = describe(OpRegistry.withDefaults(Path.of(MISSING_CASCADE)), "faces");
    assertThat(faces.getJsonObject("models").getJsonObject("haar").getString("reason")).contains(MISSING_CASCADE);
  }

  private static List<String> names(JsonArray ops) {
    return ops.stream().map(op -> ((JsonObject) op).getString("op")).toList();
  }

  private static JsonObject describe(OpRegistry registry, String op) {
    return registry.describe().stream().map(JsonObject.class::cast)
      .filter(json -> json.getString("op").equals(op)).findFirst().orElseThrow();
  }
}
