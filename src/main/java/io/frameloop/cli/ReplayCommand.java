package io.frameloop.cli;

import io.frameloop.replay.AdaptiveLines;
import io.frameloop.replay.FrameSource;
import io.frameloop.replay.ReplayReport;
import io.frameloop.replay.ReplayRunner;
import io.frameloop.replay.SafeText;
import io.frameloop.replay.report.HtmlReport;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code frameloop replay}: a headless load client that replays frames over N WebSocket sessions. */
@Command(name = "replay", mixinStandardHelpOptions = true,
  description = "Replay frames against a FrameLoop server over N concurrent WebSocket sessions and report "
    + "throughput, round-trip latency, drops and fairness.")
public final class ReplayCommand implements Callable<Integer> {

  @Option(names = "--url", defaultValue = "ws://127.0.0.1:8080/frames", description = "server WebSocket URL (default: ${DEFAULT-VALUE})")
  URI url;

  @Option(names = "--sessions", defaultValue = "1", description = "concurrent sessions (default: ${DEFAULT-VALUE})")
  int sessions;

  @Option(names = "--fps", defaultValue = "15", description = "frames per second per session (default: ${DEFAULT-VALUE})")
  int fps;

  @Option(names = "--duration", defaultValue = "30s",
    description = "how long to send at most (a recording sent once may end sooner): 30s, 2m, 500ms (default: ${DEFAULT-VALUE})")
  String duration;

  @Option(names = "--source", defaultValue = "synthetic:640x480",
    description = "a recording made by the server (its directory), a directory of JPEGs, a Motion-JPEG .avi, or synthetic:WIDTHxHEIGHT (default: ${DEFAULT-VALUE})")
  String source;

  @Option(names = "--timing", description = "for a recording: recorded (its own gaps between frames, the default) or fixed (--fps)")
  String timing;

  @Option(names = "--speed", defaultValue = "1.0", description = "--timing recorded: play the gaps this much faster (default: ${DEFAULT-VALUE})")
  double speed;

  @Option(names = "--loop", description = "start a recording over at its end until --duration is over (default: send it once)")
  boolean loop;

  @Option(names = "--stagger", description = "start session i at i times this, e.g. 500ms (default: all within one frame interval)")
  String stagger;

  @Option(names = "--record", description = "ask the server to record every session (it needs recordDir)")
  boolean record;

  @Option(names = "--report", description = "also write an HTML report with charts to this file (self-contained)")
  Path report;

  @Option(names = "--hgrm", description = "also write the round-trip distribution (HdrHistogram's percentile output, ms) to this file")
  Path hgrm;

  @Option(names = "--pipeline", description = "pipeline JSON, e.g. '{\"ops\":[{\"op\":\"gray\"}]}' (default: the server's, or a"
    + " recording's own); its \"reply\" (image, results or both) says what each frame is answered with, e.g."
    + " '{\"ops\":[{\"op\":\"faces\"}],\"reply\":\"results\"}'")
  String pipeline;

  @Option(names = "--window", defaultValue = "1",
    description = "unanswered frames per session before it waits; 0 = open loop, send at --fps regardless (default: ${DEFAULT-VALUE})")
  int window;

  @Option(names = "--token", defaultValue = "${env:FRAMELOOP_TOKEN}",
    description = "session token (JWT) for a server with authentication; default: the FRAMELOOP_TOKEN environment variable")
  String token;

  @Option(names = "--adaptive",
    description = "adapt each session's JPEG quality (from 0.8 down to 0.4), width and frame rate to keep the round trip under --target-ms, like the page (docs/ADAPTIVE.md); frames are re-encoded from --source before the run")
  boolean adaptive;

  @Option(names = "--target-ms", defaultValue = "150", description = "round-trip target for --adaptive, ms (default: ${DEFAULT-VALUE})")
  double targetMs;

  @Option(names = "--warmup", defaultValue = "0s",
    description = "leave the replies of the run's first part out of the latency figures, e.g. 5s for an --adaptive run to settle (default: ${DEFAULT-VALUE})")
  String warmup;

  @Option(names = "--video", defaultValue = "jpeg",
    description = "what the sessions send: jpeg (the source's frames) or vp8 (the source encoded once as a VP8 stream, with the video message first and keys when the server asks; needs the bytedeco FFmpeg jars) (default: ${DEFAULT-VALUE})")
  String video;

  @Option(names = "--reply-format", defaultValue = "jpeg",
    description = "the replies asked for: jpeg, or vp8 (each reply chunk decoded to check it, a key asked for after a bad one) (default: ${DEFAULT-VALUE})")
  String replyFormat;

  @Option(names = "--json", description = "also write the summary as JSON to this file")
  Path json;

  @Option(names = "--connect-timeout", defaultValue = "10s",
    description = "how long each session may take to connect, be upgraded and get the server's hello (default: ${DEFAULT-VALUE})")
  String connectTimeout;

  @Option(names = "--max-error-rate", defaultValue = "0.01",
    description = "exit 1 when more than this fraction of sent frames got errors (default: ${DEFAULT-VALUE})")
  double maxErrorRate;

  @Override
  public Integer call() throws Exception {
    FrameSource frames;
    try {
      frames = FrameSource.open(source);
    } catch (IllegalArgumentException | UncheckedIOException e) { // a bad or hostile source: its reason, no stack trace
      System.err.println("FAIL: --source " + source + ": " + e.getMessage());
      return 1;
    }
    JsonObject pipelineJson = pipeline == null ? null : new JsonObject(pipeline);
    System.out.printf(Locale.ROOT, "Replaying %s (%.0f bytes per frame on average) to %s: %d sessions x %s, %s%n",
      frames.description(), frames.averageBytes(), url, sessions,
      frames.timing() != null && !"fixed".equals(timing) ? "the recorded timing at speed " + speed : fps + " fps",
      window == 0 ? "open loop" : "window " + window);
    Vertx vertx = Vertx.vertx();
    try {
      ReplayReport report;
      ReplayRunner runner = new ReplayRunner(vertx, url, frames, sessions, fps, window, parseDuration(duration),
        pipelineJson, System.out::println).token(token).warmup(parseDuration(warmup))
        .connectTimeout(parseDuration(connectTimeout));
      if (adaptive) {
        runner.adaptive(targetMs);
      }
      try {
        configure(runner, frames);
        report = runner.run().await();
      } catch (UpgradeRejectedException e) {
        // The body is the server's text: shown cut and with its control characters escaped.
        fail("the server refused the session: HTTP " + e.getStatus()
          + (e.getBody() == null ? "" : " " + SafeText.truncate(e.getBody().toString(), SafeText.MAX_MESSAGE_CHARS))
          + (e.getStatus() == 401 && token == null ? "\nThe server needs a token: pass --token <JWT> or set FRAMELOOP_TOKEN" : ""));
        return 1;
      } catch (Exception e) {
        // A refused argument or pipeline, a server that never answered, one that broke the run: a line, no stack trace.
        fail(e.getMessage() == null ? e.toString() : e.getMessage());
        return 1;
      }
      System.out.println();
      print(report.table());
      JsonArray adaptation = runner.adaptiveSummary();
      if (adaptation != null) {
        print(AdaptiveLines.table(adaptation));
      }
      JsonObject videoSummary = runner.videoSummary();
      if (videoSummary != null) {
        print(String.format(Locale.ROOT, "video: sent %s%s, replies %s%s%n", videoSummary.getString("send"),
          videoSummary.containsKey("chunkBytes") ? " (" + videoSummary.getLong("chunkBytes") + " bytes per chunk on average)" : "",
          videoSummary.getString("replyFormat"), videoSummary.containsKey("repliesDecoded") ? " (" + videoSummary.getLong("repliesDecoded")
            + " decoded to the announced size, " + videoSummary.getLong("repliesFailed") + " not)" : ""));
      }
      // Server strings (drop reasons, op names) may hold lone surrogates, which a UTF-8 writer refuses: replaced.
      if (json != null) {
        Files.writeString(json, SafeText.wellFormed(report.toJson().put("adaptive", adaptation).put("video", videoSummary)
          .put("failure", runner.failure()).encodePrettily()));
      }
      if (this.report != null) {
        Files.writeString(this.report, SafeText.wellFormed(HtmlReport.render(report.toJson().put("failure", runner.failure()),
          runner.settings(), runner.timeline().toJson(), runner.latency(), runner.receivedPerSession())));
      }
      if (hgrm != null) {
        try (PrintStream out = new PrintStream(Files.newOutputStream(hgrm), true, StandardCharsets.UTF_8)) {
          runner.latency().outputPercentileDistribution(out, 1000.0); // µs recorded, ms written
        }
      }
      if (runner.failure() != null) {
        fail(runner.failure());
        return 1;
      }
      if (report.received() == 0) {
        fail("no processed frame came back");
        return 1;
      }
      if (report.errors() > maxErrorRate * report.sent()) {
        System.err.printf(Locale.ROOT, "FAIL: %d errors for %d frames sent (over --max-error-rate %.3f)%n",
          report.errors(), report.sent(), maxErrorRate);
        return 1;
      }
      return 0;
    } finally {
      vertx.close().await();
    }
  }

  /** Text that may hold the server's strings, for the terminal: control characters escaped. */
  private static void print(String text) {
    System.out.print(SafeText.forTerminal(text));
  }

  /** The reason may quote the server (an error's message, a close reason): escaped, and cut to a few lines' worth. */
  private static void fail(String why) {
    System.err.println("FAIL: " + SafeText.forTerminal(SafeText.truncate(why, 4 * SafeText.MAX_MESSAGE_CHARS)));
  }

  private void configure(ReplayRunner runner, FrameSource frames) {
    if (timing != null && !timing.equals("recorded") && !timing.equals("fixed")) {
      throw new IllegalArgumentException("--timing is recorded or fixed, got " + timing);
    }
    boolean recorded = timing == null ? frames.timing() != null : timing.equals("recorded");
    runner.timing(recorded, speed).loop(loop).record(record).video(video, replyFormat);
    if (stagger != null) {
      runner.stagger(parseDuration(stagger));
    }
  }

  /** {@code 30s}, {@code 2m}, {@code 500ms}, or plain seconds. */
  public static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      }
      if (t.endsWith("m")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a duration is e.g. 30s, 2m or 500ms, got " + text);
    }
  }
}
