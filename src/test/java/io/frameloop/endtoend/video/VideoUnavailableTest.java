package io.frameloop.endtoend.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.VideoChunks;
import io.frameloop.video.ColorSpace;
import io.frameloop.video.VideoSupport;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server without the optional codec library, really: a forked JVM whose class path lacks the
 * bytedeco jars. It says so in hello, refuses the video message and VIDEO chunks with clear errors,
 * and serves JPEG frames as ever.
 */
@ExtendWith(VertxExtension.class)
class VideoUnavailableTest {

  private static ForkedServer server;

  @BeforeAll
  static void startWithoutFfmpeg() throws Exception {
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
      .filter(entry -> !entry.contains("bytedeco"))
      .collect(Collectors.joining(File.pathSeparator));
    assertThat(classPath).isNotEqualTo(System.getProperty("java.class.path"));
    server = ForkedServer.start("video-unavailable", "256m", Map.of(), List.of(), "no-config-file.json", classPath);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void helloSaysVideoIsUnavailableAndVideoIsRefused(Vertx vertx) throws Exception {
    try (FrameClient client = FrameClient.connect(vertx, server.port())) {
      assertThat(client.hello().getJsonObject("video")).isEqualTo(new JsonObject().put("decode", new JsonArray())
        .put("encode", new JsonArray()).put("unavailable", VideoSupport.MISSING));
      client.sendJson(VideoChunks.config(ColorSpace.VP8_DEFAULT));
      JsonObject refused = client.nextOf("video", "error");
      assertThat(refused.getString("code")).isEqualTo("bad_video");
      assertThat(refused.getString("message")).startsWith("video unavailable on this server: " + VideoSupport.MISSING);
      client.sendBinary(VideoChunks.message(7, true, Buffer.buffer(new byte[] {0x10, 0x02, 0x00, (byte) 0x9D, 0x01, 0x2A,
        0x40, 0x00, 0x40, 0x00})));
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).as("the code a client falls back to JPEG on").isEqualTo("bad_video");
      assertThat(error.getLong("seq")).isEqualTo(7);
      assertThat(error.getString("message")).contains("video unavailable on this server").contains("send JPEG frames");
      // JPEG as ever.
      client.sendFramed(8, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(8);
    }
    assertThat(server.log()).contains("video unavailable");
  }
}
