package io.frameloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.protocol.InboundFrame;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser client library's pure parts (webroot/*.js) under node: its own tests
 * (src/test/js/client-library.test.mjs), and its frame header against Java's FrameFormat, byte for byte.
 */
class ClientLibraryTest {

  private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};

  @Test
  void theLibrarysNodeTestsPass() throws Exception {
    String output = node("--test", "src/test/js/client-library.test.mjs");
    Matcher pass = Pattern.compile("(?m)^# pass (\\d+)$").matcher(output);
    assertThat(pass.find()).as(output).isTrue();
    assertThat(Integer.parseInt(pass.group(1))).as("tests that ran and passed").isGreaterThanOrEqualTo(24);
    assertThat(output).contains("# fail 0");
  }

  @Test
  void theHeaderIsFrameFormatsByteForByteBothWays(@TempDir Path dir) throws Exception {
    long[][] cases = {{0, 0}, {1, 1_700_000_000_123_456L}, {0xFFFF_FFFFL, -1}, {0x8000_0000L, Long.MIN_VALUE},
      {42, Long.MAX_VALUE}, {7, -1_234_567_890_123L}, {0x0102_0304L, 0x0506_0708_090A_0B0CL}};
    JsonArray vectors = new JsonArray();
    for (long[] c : cases) {
      Buffer framed = FrameFormat.encode(new FrameHeader(c[0], c[1]), Buffer.buffer(JPEG));
      vectors.add(new JsonObject().put("seq", c[0]).put("timestamp", Long.toString(c[1]))
        .put("hex", HexFormat.of().formatHex(framed.getBytes(0, FrameFormat.HEADER_LENGTH))));
    }
    Path file = dir.resolve("vectors.json");
    Files.writeString(file, vectors.encode());
    List<String> lines = node("src/test/js/frame-header-check.mjs", file.toString()).lines().toList();
    assertThat(lines).hasSize(cases.length);
    for (int i = 0; i < cases.length; i++) {
      JsonObject vector = vectors.getJsonObject(i);
      JsonObject fromJs = new JsonObject(lines.get(i));
      assertThat(fromJs.getString("hex")).as("JS encodes %s as Java does", vector).isEqualTo(vector.getString("hex"));
      assertThat(fromJs.getLong("seq")).as("JS decodes Java's sequence").isEqualTo(cases[i][0]);
      assertThat(fromJs.getString("timestamp")).as("JS decodes Java's timestamp").isEqualTo(Long.toString(cases[i][1]));
      // And Java reads what JS wrote.
      Buffer fromJsMessage = Buffer.buffer(HexFormat.of().parseHex(fromJs.getString("hex"))).appendBytes(JPEG);
      InboundFrame decoded = FrameFormat.decode(fromJsMessage);
      assertThat(decoded.header()).isEqualTo(new FrameHeader(cases[i][0], cases[i][1]));
      assertThat(decoded.jpeg().getBytes()).isEqualTo(JPEG);
    }
  }

  private static String node(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node"));
    command.addAll(List.of(arguments));
    Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    return output;
  }
}
