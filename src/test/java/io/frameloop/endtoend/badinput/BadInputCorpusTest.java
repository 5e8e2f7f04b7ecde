package io.frameloop.endtoend.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/**
 * Everything a client might send that is not a good frame. Each case gets its documented answer
 * (a processed frame or {@code bad_frame}), the session and the server stay up, another session
 * is served throughout, and the counters add up.
 */
@ExtendWith(VertxExtension.class)
class BadInputCorpusTest {

  enum Expect { PROCESSED, BAD_FRAME, EITHER }

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    port = TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0);
      o.getImageLimits().setMaxWidth(2048).setMaxHeight(2048).setMaxPixels(2048L * 2048);
    })).actualPort();
  }

  @Test
  void corpusCasesGetTheirDocumentedAnswers(Vertx vertx) {
    Buffer photo = Images.fixture("coffee-640x480.jpg");
    Mat colour = Images.decode(photo);
    Map<String, Expect> names = new LinkedHashMap<>();
    List<Buffer> payloads = new ArrayList<>();
    Map<String, Buffer> cases = new LinkedHashMap<>();
    cases.put("1 byte", Buffer.buffer(new byte[] {(byte) 0xFF}));
    cases.put("SOI only", Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8}));
    cases.put("PNG", Images.encode(colour, ".png"));
    cases.put("WebP", Images.encode(colour, ".webp"));
    cases.put("GIF", Buffer.buffer("GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;"));
    cases.put("random bytes", randomBytes(new Random(1), 5000));
    cases.put("random bytes after SOI", Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8}).appendBuffer(randomBytes(new Random(2), 5000)));
    cases.put("declares 60000x60000", Images.withDeclaredSize(Images.jpeg(Images.canvas(16, 16, Images.RED, null, null)), 60000, 60000));
    cases.put("declares 0x0", Images.withDeclaredSize(Images.jpeg(Images.canvas(16, 16, Images.RED, null, null)), 0, 0));
    for (Map.Entry<String, Buffer> bad : cases.entrySet()) {
      names.put(bad.getKey(), Expect.BAD_FRAME);
      payloads.add(bad.getValue());
    }
    Map<String, Buffer> good = new LinkedHashMap<>();
    good.put("garbage appended", photo.copy().appendBuffer(randomBytes(new Random(3), 3000)));
    good.put("1x1 image", Images.jpeg(Images.canvas(1, 1, Images.WHITE, null, null)));
    good.put("grayscale JPEG", Images.encode(Images.decode(Images.jpeg(Images.canvas(64, 48, Images.WHITE, null, null))), ".jpg"));
    good.put("progressive JPEG", Images.encode(colour, ".pjpg"));
    good.put("CMYK JPEG", Images.fixture("coffee-160x120-cmyk.jpg"));
    for (Map.Entry<String, Buffer> ok : good.entrySet()) {
      names.put(ok.getKey(), Expect.PROCESSED);
      payloads.add(ok.getValue());
    }
    // Every cut of a real JPEG, sampled: an answer for each, whichever the decoder manages.
    for (int cut = 4; cut < photo.length(); cut += photo.length() / 25) {
      names.put("cut at " + cut, cut < 600 ? Expect.BAD_FRAME : Expect.EITHER);
      payloads.add(photo.getBuffer(0, cut));
    }
    Mat gray = new Mat();
    Imgproc.cvtColor(colour, gray, Imgproc.COLOR_BGR2GRAY);
    names.put("8-bit grey JPEG", Expect.PROCESSED);
    payloads.add(Images.encode(gray, ".jpg"));

    try (FrameClient client = FrameClient.connect(vertx, port);
         FrameClient bystander = FrameClient.connect(vertx, port)) {
      List<String> labels = new ArrayList<>(names.keySet());
      int errors = 0;
      for (int i = 0; i < labels.size(); i++) {
        String label = labels.get(i);
        long seq = 1000 + i;
        client.sendFramed(seq, 0, payloads.get(i));
        boolean processed = client.awaitAnswer(seq, label);
        errors += processed ? 0 : 1;
        Expect expect = names.get(label);
        if (expect != Expect.EITHER) {
          assertThat(processed).as(label + " processed").isEqualTo(expect == Expect.PROCESSED);
        }
        // Interleaved garbage text: an error message, nothing else changes.
        if (i % 5 == 0) {
          client.sendText("\u0000garbage " + i);
          assertThat(client.next("error").getString("code")).isEqualTo("bad_message");
        }
        if (i % 10 == 0) {
          bystander.sendFramed(i, 0, Images.leftRedRightBlue());
          assertThat(FrameFormat.decode(bystander.nextBinary()).header().sequence()).isEqualTo(i);
        }
      }
      // Framing errors: empty message, wrong magic, wrong version, header without payload.
      client.sendBinary(Buffer.buffer());
      assertThat(client.next("error").getString("message")).contains("empty");
      Buffer framed = FrameFormat.encode(new FrameHeader(77, 0), photo);
      client.sendBinary(framed.copy().setByte(1, (byte) 'X'));
      assertThat(client.next("error").getString("message")).contains("not a frame");
      client.sendBinary(framed.copy().setByte(2, (byte) 9));
      JsonObject version = client.next("error");
      assertThat(version.getString("message")).contains("version 9");
      assertThat(version.getLong("seq")).isEqualTo(77);
      client.sendBinary(framed.getBuffer(0, 16));
      assertThat(client.next("error").getString("message")).contains("without payload");
      errors += 4;

      int sent = labels.size() + 4;
      JsonObject stats = client.quietStats(sent);
      assertThat(stats.getLong("errors")).isEqualTo(errors);
      assertThat(stats.getLong("droppedTotal")).isZero();
      assertThat(stats.getLong("out")).isEqualTo(sent - errors);

      client.sendFramed(1, 0, photo);
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(1);
    }
  }

  static Buffer randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return Buffer.buffer(bytes);
  }
}
