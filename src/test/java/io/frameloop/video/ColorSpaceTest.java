package io.frameloop.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * A stream's colour space from its {@code video} message: the matrix must be one the server
 * converts, while primaries and transfer are only echoed, so any short name a browser reports is
 * taken (a refusal would send the client back to JPEG) and only overlong or odd text is refused.
 */
class ColorSpaceTest {

  @Test
  void primariesAndTransferNamesTheServerDoesNotKnowAreEchoed() {
    JsonObject json = new JsonObject().put("primaries", "jedec-p22").put("transfer", "smpte240m").put("matrix", "bt709")
      .put("fullRange", true);
    ColorSpace space = ColorSpace.fromJson(json);
    assertThat(space).isEqualTo(new ColorSpace("jedec-p22", "smpte240m", "bt709", true));
    assertThat(space.toJson()).isEqualTo(json);
    // What Chromium reports for an sRGB canvas frame, and for a camera's.
    assertThat(ColorSpace.fromJson(new JsonObject().put("primaries", "bt709").put("transfer", "iec61966-2-1"))
      .transfer()).isEqualTo("iec61966-2-1");
    assertThat(ColorSpace.fromJson(new JsonObject().put("transfer", "bt709")).transfer()).isEqualTo("bt709");
  }

  @Test
  void overlongOrOddNamesAndUnknownMatricesAreRefused() {
    assertThatThrownBy(() -> ColorSpace.fromJson(new JsonObject().put("primaries", "x".repeat(300))))
      .isInstanceOf(VideoConfigException.class).hasMessageContaining("colorSpace.primaries 'xxxx").hasMessageContaining("...'");
    assertThatThrownBy(() -> ColorSpace.fromJson(new JsonObject().put("transfer", "<script>")))
      .isInstanceOf(VideoConfigException.class).hasMessageContaining("colorSpace.transfer '<script>' is no colour space name");
    assertThatThrownBy(() -> ColorSpace.fromJson(new JsonObject().put("transfer", 7)))
      .isInstanceOf(VideoConfigException.class).hasMessageContaining("colorSpace.transfer 7");
    assertThatThrownBy(() -> ColorSpace.fromJson(new JsonObject().put("matrix", "jedec-p22")))
      .isInstanceOf(VideoConfigException.class).hasMessageContaining("colorSpace.matrix 'jedec-p22' is not one this server converts");
  }
}
