package io.frameloop.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17, rows 7 and 12, against a real server: a progressive CMYK JPEG with 170,000 empty
 * scans and an arithmetic-coded JPEG are refused before any decoder runs, and a normal session
 * next to them carries on.
 */
@ExtendWith(VertxExtension.class)
class HostileJpegsTest {

  @Test
  void scanBombsAndArithmeticCodingAreRefusedBeforeDecoding(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(0))).actualPort();
    Buffer cmykBomb = JpegTestFiles.withExtraScans(JpegTestFiles.progressive(Images.fixture("coffee-160x120-cmyk.jpg")), 170_000);
    Buffer arithmetic = JpegTestFiles.withSofMarker(Images.fixture("coffee-640x480.jpg"), 0xC9);
    try (FrameClient attacker = FrameClient.connect(vertx, port); FrameClient normal = FrameClient.connect(vertx, port)) {
      for (int round = 0; round < 5; round++) {
        attacker.sendFramed(2 * round, 0, cmykBomb);
        JsonObject error = attacker.next("error");
        assertThat(error.getString("code")).isEqualTo("bad_frame");
        assertThat(error.getString("message")).contains("scans").contains("limit of " + JpegInfo.MAX_SCANS);
        attacker.sendFramed(2 * round + 1, 0, arithmetic);
        assertThat(attacker.next("error").getString("message")).contains("arithmetic");

        normal.sendFramed(round, 0, Images.leftRedRightBlue());
        assertThat(FrameFormat.decode(normal.nextBinary()).header().sequence()).isEqualTo(round);
      }
    }
  }
}
