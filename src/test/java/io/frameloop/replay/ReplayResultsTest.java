package io.frameloop.replay;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.record.RecordingFormat;
import io.frameloop.record.RecordingReader;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.ReplayCli;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * Results as data in recordings and replay, end to end on a real server with the {@code faces}
 * pipeline and the photo fixtures (the astronaut has one face, the coffee none): a recording keeps
 * the results messages as the server sent them, the replay reads them back and compares, and it
 * counts results per second in {@code results} mode, where they answer the frames.
 */
@ExtendWith(VertxExtension.class)
class ReplayResultsTest {

  private static final Buffer FACE = Images.fixture("astronaut-640x480.jpg");
  private static final Buffer NO_FACE = Images.fixture("coffee-640x480.jpg");
  private static final int FRAMES = 6;

  @TempDir
  Path recordDir;

  private int server(Vertx vertx) {
    return TestServers.start(vertx, TestServers.options(o -> o.getRecordingOptions().setRecordDir(recordDir.toString())))
      .actualPort();
  }

  /** Records a session in {@code both} mode: face, no face, face... Returns the results messages the client got. */
  private List<JsonObject> recordBothMode(Vertx vertx, int port, Path[] recording) {
    List<JsonObject> received = new ArrayList<>();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonObject normalized = client.usePipeline(pipeline(op("faces")).put("reply", "both"));
      assertThat(normalized.getString("reply")).isEqualTo("both");
      client.sendJson(new JsonObject().put("type", "record").put("enabled", true));
      recording[0] = recordDir.resolve(client.next("record").getString("id"));
      for (int i = 0; i < FRAMES; i++) {
        client.sendFramed(100 + i, 5000 + i, i % 2 == 0 ? FACE : NO_FACE);
        JsonObject results = client.next("results");
        assertThat(results.getLong("seq")).isEqualTo(100L + i);
        received.add(results);
        assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(100L + i);
      }
      client.sendJson(new JsonObject().put("type", "record").put("enabled", false));
      JsonObject stopped = client.next("record");
      assertThat(stopped.getLong("frames")).isEqualTo(FRAMES);
      assertThat(stopped.getLong("results")).isEqualTo(FRAMES);
    }
    return received;
  }

  @Test
  void resultsAreInRecordingsAndReadBackByReplay(Vertx vertx) throws Exception {
    int port = server(vertx);
    Path[] dir = new Path[1];
    List<JsonObject> sent = recordBothMode(vertx, port, dir);
    assertThat(sent.stream().mapToInt(m -> m.getJsonArray("detections").size()).toArray()).containsExactly(1, 0, 1, 0, 1, 0);

    // Kept as sent: the messages the client got, in order, one JSON line each.
    List<String> lines = Files.readAllLines(dir[0].resolve(RecordingFormat.RESULTS), StandardCharsets.UTF_8);
    assertThat(lines.stream().map(JsonObject::new).toList()).containsExactlyElementsOf(sent);
    RecordingReader.Recorded recorded = ReplayRecordingTest.closedRecording(dir[0]);
    assertThat(recorded.results()).containsExactlyElementsOf(sent);
    assertThat(recorded.session().getLong("results")).isEqualTo(FRAMES);
    assertThat(recorded.session().getJsonObject("pipeline").getString("reply")).as("the recording's pipeline has its reply mode")
      .isEqualTo("both");

    // Read back by replay: two sessions on the recording's own pipeline (faces, both), each sending
    // every frame once (at a fixed rate, one in flight: none skipped), compared frame by frame.
    FrameSource source = FrameSource.open(dir[0].toString());
    assertThat(source.description()).contains(FRAMES + " results messages with 3 detections");
    assertThat(source.results().detectionsByFrame()).containsExactly(1, 0, 1, 0, 1, 0);
    ReplayRunner runner = new ReplayRunner(vertx, URI.create("ws://127.0.0.1:" + port + "/frames"), source, 2, 15, 1,
      Duration.ofSeconds(20), null, line -> { }).timing(false, 1);
    ReplayReport report = await(runner.run());
    assertThat(report.sent()).isEqualTo(2 * FRAMES);
    assertThat(report.received()).isEqualTo(report.sent());
    assertThat(report.results()).as("both mode: a results message for each frame").isEqualTo(2 * FRAMES);
    assertThat(report.detections()).isEqualTo(2 * 3);
    JsonObject kept = report.toJson().getJsonObject("results").getJsonObject("recorded");
    assertThat(kept.getLong("messages")).isEqualTo(FRAMES);
    assertThat(kept.getLong("detections")).isEqualTo(3);
    JsonObject compared = kept.getJsonObject("compared");
    assertThat(compared.getLong("frames")).isEqualTo(2 * FRAMES);
    assertThat(compared.getLong("sameCount")).as("the same model finds the same faces").isEqualTo(2 * FRAMES);
    assertThat(compared.getLong("recordedDetections")).isEqualTo(6);
    assertThat(report.table()).contains("recorded results").contains(FRAMES + " messages with 3 detections");
  }

  @Test
  void inResultsModeTheResultsAnswerTheFramesAndAreCountedPerSecondAndCharted(Vertx vertx) throws Exception {
    int port = server(vertx);
    Path frames = Files.createDirectory(recordDir.resolve("frames"));
    for (int i = 0; i < 4; i++) {
      Files.write(frames.resolve("frame" + i + ".jpg"), (i % 2 == 0 ? FACE : NO_FACE).getBytes());
    }
    Path json = recordDir.resolve("summary.json");
    Path report = recordDir.resolve("report.html");
    String printed = ReplayCli.replay("--url", "ws://127.0.0.1:" + port + "/frames", "--source", frames.toString(),
      "--pipeline", pipeline(op("faces")).put("reply", "results").encode(), "--fps", "10", "--duration", "3s",
      "--json", json.toString(), "--report", report.toString());
    JsonObject summary = new JsonObject(Files.readString(json));
    long received = summary.getLong("received");
    JsonObject results = summary.getJsonObject("results");
    assertThat(received).as("frames answered by their results alone").isPositive();
    assertThat(results.getLong("messages")).isEqualTo(received);
    assertThat(received + summary.getLong("droppedTotal") + summary.getLong("errors")).as("every frame accounted for")
      .isEqualTo(summary.getLong("sent"));
    // Faces and no faces in turn: some frames had a face, not all.
    assertThat(results.getLong("detections")).isBetween(1L, received - 1);
    assertThat(results.getDouble("perSecond")).isEqualTo(Math.round(received / summary.getDouble("seconds") * 1000) / 1000.0);
    assertThat(summary.getLong("bytesPerFrameDown")).as("no image comes back: a results message is a few hundred bytes")
      .isLessThan(1024);
    assertThat(summary.getJsonObject("latencyMs").getLong("count")).as("round trips end with the results").isEqualTo(received);
    assertThat(printed).containsPattern("results +[1-9][0-9]*/s  detections +[0-9]+/s");
    assertThat(printed).containsPattern("\nresults +" + results.getLong("messages") + " messages \\(");

    Document page = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
    XPath xpath = XPathFactory.newInstance().newXPath();
    assertThat(xpath.evaluate("//*[@id='results']", page)).isEqualTo(Long.toString(results.getLong("messages")));
    assertThat(xpath.evaluate("//*[@id='detections']", page)).isEqualTo(Long.toString(results.getLong("detections")));
    String chart = "//*[local-name()='svg'][*[local-name()='title']='Results messages and detections per second']";
    assertThat(((Number) xpath.evaluate("count(" + chart + ")", page, XPathConstants.NUMBER)).intValue()).isEqualTo(1);
    assertThat(xpath.evaluate("(" + chart + "/*[local-name()='path'])[1]/@d", page)).as("the results line has points")
      .contains("L");
  }

  @Test
  void theTimelineCountsResultsAndDetectionsSecondBySecond(Vertx vertx) {
    int port = server(vertx);
    FrameSource source = new FrameSource("the astronaut", List.of(FACE));
    List<String> progress = new ArrayList<>();
    ReplayRunner runner = new ReplayRunner(vertx, URI.create("ws://127.0.0.1:" + port + "/frames"), source, 1, 8, 1,
      Duration.ofSeconds(3), pipeline(op("faces")).put("reply", "both"), progress::add);
    ReplayReport report = await(runner.run());
    JsonObject timeline = runner.timeline().toJson();
    double stepSeconds = timeline.getDouble("stepSeconds");
    JsonArray steps = timeline.getJsonArray("steps");
    double results = 0;
    double detections = 0;
    for (int i = 0; i < steps.size(); i++) {
      results += steps.getJsonObject(i).getDouble("resultsPerSecond") * stepSeconds;
      detections += steps.getJsonObject(i).getDouble("detectionsPerSecond") * stepSeconds;
    }
    assertThat(report.results()).as("both mode: one results message per image").isEqualTo(report.received()).isPositive();
    assertThat(Math.round(results)).as("the steps add up to the count").isEqualTo(report.results());
    assertThat(Math.round(detections)).as("one face in every frame").isEqualTo(report.results());
    assertThat(steps.getJsonObject(1).getDouble("resultsPerSecond")).as("a second in the middle").isPositive();
    assertThat(progress).anySatisfy(line -> assertThat(line).containsPattern("results +[1-9][0-9]*/s  detections +[1-9][0-9]*/s"));
    assertThat(report.toJson().getJsonObject("results").getValue("recorded")).as("no recording, nothing recorded").isNull();
  }
}
