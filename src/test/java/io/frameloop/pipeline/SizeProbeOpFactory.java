package io.frameloop.pipeline;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A test plug-in op that passes the image on and records the size of each image it got; made with
 * a smallest input, it declares that through the SPI, as a shrinking op would.
 */
final class SizeProbeOpFactory extends SimpleOpFactory {

  private final ImageSize smallestInput;
  final List<ImageSize> inputs = new ArrayList<>();

  /** @param smallestInput what {@link #smallestInput} answers, or {@code null} for "the full image" */
  SizeProbeOpFactory(String name, ImageSize smallestInput) {
    super(name, "Record the size of each input (a test plug-in)");
    this.smallestInput = smallestInput;
  }

  @Override
  public Optional<ImageSize> smallestInput(JsonObject params, int width, int height) {
    return Optional.ofNullable(smallestInput);
  }

  @Override
  public FrameOp create(JsonObject params) {
    return image -> {
      inputs.add(new ImageSize(image.cols(), image.rows()));
      return image;
    };
  }
}
