package io.frameloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.Await;
import io.frameloop.testing.CameraClips;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.LinkEmulator;
import io.frameloop.testing.SlowOpFactory;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 27's freeze: the server restarts (same port) under a page that streams a camera-sized clip,
 * with frames in flight at the moment of the close. The page resumes by itself every time, and its
 * session's counts start again (sequence numbers from 1, nothing in flight carried over) and its
 * video stream too (a key chunk first).
 */
@ExtendWith(VertxExtension.class)
class RestartPageTest {

  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final int RESTARTS = 3;

  /** Per socket: the seqs sent and the replies received, so that each session is checked apart. */
  private static final String KEEP_SESSIONS = """
    window.sessions = [];
    client.addEventListener('open', () => window.sessions.push({sent: [], replies: 0}));
    client.addEventListener('sent', ({ detail }) => {
      const s = window.sessions.at(-1);
      if (s.sent.length === 0) s.first = {format: detail.format, key: !!detail.key};
      s.sent.push(detail.seq);
    });
    client.addEventListener('frame', () => window.sessions.at(-1).replies++);
    client.addEventListener('videoChunk', () => window.sessions.at(-1).replies++); // VP8 replies, the page's default
    """;

  @Test
  void pageResumesByItselfAfterEachRestartWithFramesInFlight(Vertx vertx) throws Exception {
    FrameLoopVerticle server = start(vertx, 0);
    int port = server.actualPort();
    // The link: 2 Mbit/s up, 10 down, 25 ms each way (frames queue in it at the close too).
    LinkEmulator link = Await.await(LinkEmulator.start(vertx, port, 2, 10, Duration.ofMillis(25)));
    try (HeadlessChromium browser = new HeadlessChromium(false, null, true,
      List.of("--use-file-for-fake-video-capture=" + CameraClips.y4m()))) {
      browser.driver().get("http://127.0.0.1:" + link.port() + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.client(KEEP_SESSIONS + "window.sessions.push({sent: [], replies: 0});");
      browser.click("start");
      for (int restart = 0; restart <= RESTARTS; restart++) {
        int session = restart;
        // A slow op keeps frames waiting in the server: the close always finds some in flight.
        browser.client("client.setPipeline([{op: 'slow', ms: 120}]);");
        browser.waitFor("session " + session + " streams", WAIT, d -> replies(browser, session) >= 15);
        if (restart == RESTARTS) {
          break;
        }
        browser.waitFor("frames in flight before restart " + restart, WAIT,
          d -> ((Number) browser.client("return client.inFlight;")).intValue() > 0);
        Await.await(vertx.undeploy(server.deploymentID()));
        Thread.sleep(1500);
        server = start(vertx, port);
      }
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> sessions = (List<Map<String, Object>>) browser.client("return window.sessions;");
      assertThat(sessions).hasSize(RESTARTS + 1);
      for (int i = 1; i < sessions.size(); i++) {
        @SuppressWarnings("unchecked")
        List<Number> sent = (List<Number>) sessions.get(i).get("sent");
        assertThat(sent).as("session " + i + " numbers its frames from 1 again").isNotEmpty();
        assertThat(sent.get(0).intValue()).as("session " + i + "'s first seq").isEqualTo(1);
        assertThat(((Number) sessions.get(i).get("replies")).intValue()).isGreaterThanOrEqualTo(15);
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) sessions.get(i).get("first");
        assertThat(first.get("format")).as("this server decodes VP8: the page sends video").isEqualTo("vp8");
        assertThat(first.get("key")).as("a new session's first chunk is a key").isEqualTo(true);
      }
      browser.screenshot(Path.of("target", "browser", "restart-page.png"));
    } finally {
      Await.await(link.close());
    }
  }

  @Test
  void pageResumesByItselfAfterEachSigtermOfAForkedServer(Vertx vertx) throws Exception {
    // As a deploy restarts it: SIGTERM to the server's own JVM, a new one on the same port.
    ForkedServer server = ForkedServer.start("restart-page", "512m", Map.of());
    int port = server.port();
    LinkEmulator link = Await.await(LinkEmulator.start(vertx, port, 2, 10, Duration.ofMillis(25)));
    try (HeadlessChromium browser = new HeadlessChromium(false, null, true,
      List.of("--use-file-for-fake-video-capture=" + CameraClips.y4m()))) {
      browser.driver().get("http://127.0.0.1:" + link.port() + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.client(KEEP_SESSIONS + "window.sessions.push({sent: [], replies: 0});");
      browser.click("start");
      for (int restart = 0; restart <= RESTARTS; restart++) {
        int session = restart;
        browser.waitFor("session " + session + " streams", WAIT, d -> replies(browser, session) >= 15);
        if (restart == RESTARTS) {
          break;
        }
        // The 2 Mbit/s link always holds a frame or two on its way.
        browser.waitFor("frames in flight before SIGTERM " + restart, WAIT,
          d -> ((Number) browser.client("return client.inFlight;")).intValue() > 0);
        server.terminate();
        Thread.sleep(1500);
        server = ForkedServer.startOnPort("restart-page-" + (restart + 1), "512m", port);
      }
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> sessions = (List<Map<String, Object>>) browser.client("return window.sessions;");
      assertThat(sessions).hasSizeGreaterThanOrEqualTo(RESTARTS + 1);
      for (int i = 1; i < sessions.size(); i++) {
        @SuppressWarnings("unchecked")
        List<Number> sent = (List<Number>) sessions.get(i).get("sent");
        if (!sent.isEmpty()) {
          assertThat(sent.get(0).intValue()).as("session " + i + "'s first seq").isEqualTo(1);
        }
      }
      assertThat(((Number) sessions.get(sessions.size() - 1).get("replies")).intValue()).isGreaterThanOrEqualTo(15);
    } finally {
      server.close();
      Await.await(link.close());
    }
  }

  private static FrameLoopVerticle start(Vertx vertx, int port) {
    FrameLoopOptions options = TestServers.options(o -> o.getHttpServerOptions().setPort(port));
    OpRegistry registry = OpRegistry.withDefaults(Path.of(options.getFaceOptions().getFaceCascade())).register(new SlowOpFactory());
    return TestServers.start(vertx, options, registry);
  }

  private static int replies(HeadlessChromium browser, int session) {
    return ((Number) browser.client("const s = window.sessions[arguments[0]]; return s ? s.replies : 0;", session)).intValue();
  }
}
