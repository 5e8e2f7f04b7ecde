package io.frameloop.replay;

import static io.frameloop.testing.FakeFrameServer.echoing;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.FakeFrameServer;
import io.frameloop.testing.ReplayCli;
import io.frameloop.testing.ReplayCli.Outcome;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * Issue 26 #8: what the replay client writes when a server sends hostile strings: drop reasons with
 * a lone surrogate, a raw control character or terminal escapes; 200,000 distinct reasons; a 401
 * whose body is escape sequences. --json and --report are written (the report parses as XML), the
 * reasons are capped, and the terminal gets no control character from the server.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReplayHostileStringsTest {

  /** Drop reasons as a server's JSON text: a lone surrogate, U+0001, an escape sequence that would turn the terminal red. */
  private static final String HOSTILE_DROPS = "\"\\ud800\":1,\"bad\\u0001reason\":2,\"\\u001b[31mred\":3,\"bidi\\u202eevil\":4";

  @Test
  void hostileDropReasonsStillGiveJsonAReportThatParsesAndAnEscapedTerminal(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = FakeFrameServer.webSocket(vertx, echoing(n -> "{\"type\":\"stats\",\"in\":" + n
      + ",\"pending\":0,\"droppedTotal\":10,\"dropped\":{" + HOSTILE_DROPS + "},"
      + "\"timings\":[[" + (n - 1) + ",100,10,20,30,[[\"op\\u0007\\u001b]0;title\",40]],0]]}"));
    Path json = dir.resolve("summary.json");
    Path report = dir.resolve("report.html");
    Outcome run = ReplayCli.run("--url", "ws://127.0.0.1:" + port + "/frames", "--source", "synthetic:160x120",
      "--duration", "2s", "--fps", "10", "--json", json.toString(), "--report", report.toString());
    assertThat(run.exit()).as(run.err()).isZero();

    JsonObject summary = new JsonObject(Files.readString(json));
    JsonObject dropped = summary.getJsonObject("serverDropped");
    assertThat(dropped.getLong("\uFFFD")).as("the lone surrogate replaced").isEqualTo(1L);
    assertThat(dropped.getLong("bad\u0001reason")).isEqualTo(2L);
    assertThat(dropped.getLong("\u001b[31mred")).isEqualTo(3L);
    assertThat(summary.getJsonObject("stagesMs").fieldNames()).contains("op op\u0007\u001b]0;title");

    Document page = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
    var xpath = XPathFactory.newInstance().newXPath();
    assertThat(xpath.evaluate("//tr[th='\u00a0\u00a0bad\\u0001reason']/td", page)).isEqualTo("2");
    assertThat(new JsonObject(xpath.evaluate("//*[@id='summary-json']", page)).getJsonObject("serverDropped").getLong("bidi\u202eevil"))
      .isEqualTo(4L);

    String terminal = run.out() + run.err();
    assertThat(terminal).contains("frames sent");
    assertThat(terminal.chars().filter(c -> (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || c == '\u202e'))
      .as("control characters on the terminal").isEmpty();
    assertThat(terminal).contains("\\u202e");
  }

  @Test
  void twoHundredThousandDistinctDropReasonsAreCappedTheRestCountedAsOther(Vertx vertx, @TempDir Path dir) throws Exception {
    // 20 stats messages of 10,000 reasons each, none repeated: 200,000 distinct names.
    int perMessage = 10_000;
    int messages = 20;
    int port = FakeFrameServer.webSocket(vertx, echoing(n -> {
      if (n > messages) {
        return FakeFrameServer.settledStats(n).replace("\"droppedTotal\":0", "\"droppedTotal\":" + perMessage);
      }
      String reasons = IntStream.range(0, perMessage).mapToObj(i -> "\"reason-" + n + "-" + i + "\":1")
        .collect(Collectors.joining(","));
      return "{\"type\":\"stats\",\"in\":" + n + ",\"pending\":0,\"droppedTotal\":" + perMessage + ",\"dropped\":{" + reasons + "}}";
    }));
    Path json = dir.resolve("summary.json");
    Path report = dir.resolve("report.html");
    Outcome run = ReplayCli.run("--url", "ws://127.0.0.1:" + port + "/frames", "--source", "synthetic:160x120",
      "--duration", "3s", "--fps", "20", "--json", json.toString(), "--report", report.toString());
    assertThat(run.exit()).as(run.err()).isZero();

    JsonObject summary = new JsonObject(Files.readString(json));
    assertThat(summary.getLong("received")).as("past the stats with 200,000 names").isGreaterThan((long) messages);
    JsonObject embedded = new JsonObject(Files.readString(report).replaceAll("(?s).*<script type=\"application/json\" id=\"summary-json\">", "")
      .replaceAll("(?s)</script>.*", ""));
    assertThat(embedded.getLong("received")).isEqualTo(summary.getLong("received"));
    // The last stats held no reasons: the run's drops are its last counts, none left per reason.
    assertThat(summary.getJsonObject("serverDropped").size()).isLessThanOrEqualTo(CappedNames.MAX_DROP_REASONS + 1);
    DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
    int lines = Files.readString(report).split("<path fill=\"none\"", -1).length - 1;
    assertThat(lines).as("lines drawn in the report's charts").isLessThanOrEqualTo(CappedNames.MAX_DROP_REASONS + 1 + 10);
  }

  @Test
  void theCapKeepsTheFirstReasonsAndSumsTheRestUnderOther() {
    CappedNames names = new CappedNames(CappedNames.MAX_DROP_REASONS, CappedNames.OTHER);
    for (int i = 0; i < 200_000; i++) {
      String kept = names.of("reason-" + i);
      assertThat(kept).isEqualTo(i < CappedNames.MAX_DROP_REASONS ? "reason-" + i : "other");
    }
    assertThat(names.of("reason-3")).as("a kept name stays kept").isEqualTo("reason-3");
    assertThat(names.of("x".repeat(10_000))).as("a long name, once the cap is reached").isEqualTo("other");
    assertThat(new CappedNames(4, "other").of("y".repeat(10_000))).hasSize(SafeText.MAX_NAME_CHARS + 1);
  }

  @Test
  void aRefusalWhoseBodyIsEscapeSequencesIsPrintedEscaped(Vertx vertx) {
    String body = "\u001b[2J\u001b]0;owned\u0007token expired\r\nFAIL: fake line\u009b31m";
    int port = FakeFrameServer.http(vertx, request -> request.response().setStatusCode(401).end(body));
    Outcome run = ReplayCli.run("--url", "ws://127.0.0.1:" + port + "/frames", "--source", "synthetic:160x120", "--duration", "2s");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("FAIL: the server refused the session: HTTP 401")
      .contains("\\u001b[2J\\u001b]0;owned\\u0007token expired\\u000d").contains("\\u009b31m");
    assertThat(run.err().chars().filter(c -> c == 0x1b || c == 0x07 || c == '\r' || c == 0x9b)).isEmpty();
  }

  @Test
  void safeTextReplacesLoneSurrogatesAndEscapesControlCharacters() {
    assertThat(SafeText.wellFormed("a\ud800b\udc00c\ud83d\ude00")).isEqualTo("a\uFFFDb\uFFFDc\ud83d\ude00");
    assertThat(SafeText.forTerminal("ok\n\tnot\u001b[0m\r\u0085\u202e")).isEqualTo("ok\n\tnot\\u001b[0m\\u000d\\u0085\\u202e");
    assertThat(SafeText.truncate("ab\ud83d\ude00", 3)).isEqualTo("ab…");
    assertThat(new JsonArray().add(SafeText.wellFormed("\udfff")).encode()).isEqualTo("[\"\uFFFD\"]");
  }
}
