package io.frameloop.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller on simulated links (a closed loop of one frame in flight, see {@link Sim}), and
 * the same inputs through webroot/adaptive.js under node: both must decide alike, at the default
 * settings and at others (wider than 640, faster than 30 fps, other targets).
 */
class AdaptiveControllerTest {

  /** What one simulated second of a link is like. */
  record Link(double upMbps, double downMbps, double oneWayMs, double processMs, double backgroundLoad) {
  }

  static final Link FAST = new Link(200, 200, 0.1, 5, 0);
  static final Link MOBILE = new Link(20, 40, 25, 5, 0);
  static final Link NARROW = new Link(1.5, 10, 25, 5, 0);

  @Test
  void unconstrainedLinkStaysAtTheTop() {
    Sim sim = new Sim("fast", t -> FAST).run(30_000);
    assertThat(sim.controller.changes()).isZero();
    assertThat(sim.controller.atTop()).isTrue();
    assertThat(sim.p95(0, 30_000)).isLessThan(50);
  }

  @Test
  void suddenBandwidthDropLowersQualityThenSizeAndMeetsTheTarget() {
    Sim sim = new Sim("drop", t -> t < 10_000 ? MOBILE : NARROW).run(40_000);
    assertThat(sim.settingsAt(9_999)).isEqualTo("0.80 640 30");
    assertThat(sim.p95(9_000, 10_000)).isLessThan(150);
    // Quality goes to its floor before the size is touched; the frame rate is not needed here.
    assertThat(sim.firstWidthChange()).isGreaterThan(sim.firstTimeAt("0.40 640 30"));
    assertThat(sim.controller.fps()).isEqualTo(30);
    assertThat(sim.controller.width()).isLessThan(640);
    assertThat(sim.controller.limiter()).isEqualTo(Limiter.UPLINK);
    assertThat(sim.p95(20_000, 40_000)).as("after settling").isLessThanOrEqualTo(150);
    assertThat(sim.firstTimeUnder(10_000, 150)).as("settled within 6 s of the drop").isLessThan(16_000);
    sim.assertNoFasterThanOncePerSecond();
  }

  @Test
  void recoveryClimbsBackToTheTopWithoutOscillating() {
    Sim sim = new Sim("recovery", t -> t < 15_000 ? NARROW : MOBILE).run(75_000);
    assertThat(sim.settingsAt(14_999)).isNotEqualTo("0.80 640 30");
    assertThat(sim.settingsAt(75_000)).isEqualTo("0.80 640 30");
    assertThat(sim.p95(15_500, 75_000)).isLessThanOrEqualTo(150);
    sim.assertNoFasterThanOncePerSecond();
    // Each step up waits for 3 calm windows: 7 steps from the bottom, no step back down.
    assertThat(sim.downsAfter(16_000)).isZero();
  }

  @Test
  void serverLimitedLowersOnlyTheFrameRate() {
    // A busy server shared with other sessions: its queue grows with this session's frame rate.
    Link busy = new Link(100, 100, 5, 40, 0.6);
    Sim sim = new Sim("server", t -> busy).run(30_000);
    assertThat(sim.controller.limiter()).isEqualTo(Limiter.SERVER);
    assertThat(sim.controller.quality()).isEqualTo(0.8);
    assertThat(sim.controller.width()).isEqualTo(640);
    assertThat(sim.controller.fps()).isLessThan(30);
    assertThat(sim.p95(15_000, 30_000)).isLessThanOrEqualTo(150);
    sim.assertNoFasterThanOncePerSecond();
  }

  @Test
  void aLinkSlowerThanTheTargetByItsDelayAloneKeepsTheFrameRate() {
    // 90 ms each way: no setting brings the round trip under 150 ms; fewer frames would not either.
    Link far = new Link(5, 20, 90, 5, 0);
    Sim sim = new Sim("far", t -> far).run(30_000);
    assertThat(sim.settingsAt(30_000)).isEqualTo("0.40 320 30");
    assertThat(sim.controller.limiter()).isEqualTo(Limiter.UPLINK);
    sim.assertNoFasterThanOncePerSecond();
  }

  @Test
  void linkOnTheEdgeOfAStepSettlesInsteadOfFlapping() {
    // 4 Mbit/s up: quality 0.5 fits, 0.6 barely does not. The probes up back off to one every ~20 s.
    Link edge = new Link(4, 20, 25, 5, 0);
    Sim sim = new Sim("edge", t -> edge).run(120_000);
    assertThat(sim.changesBetween(20_000, 120_000)).as("changes in the last 100 s").isLessThanOrEqualTo(14);
    assertThat(sim.p95(20_000, 120_000)).isLessThanOrEqualTo(1.5 * 150);
    sim.assertNoFasterThanOncePerSecond();
  }

  @Test
  void windowFollowsTheLinkInsteadOfAFixedTwo() {
    // The link: a 117 ms round trip that is not full. A window of 2 would give 17 frames/s.
    Pipelined sim = new Pipelined("117 ms", 117, 100, 30).run(8);
    assertThat(sim.rates.get(0)).isCloseTo(17.1, within(0.1));
    assertThat(sim.controller.window()).isBetween(4, AdaptiveConstants.FROM_CLASS_PATH.windowMax);
    assertThat(sim.rates.get(sim.rates.size() - 1)).as("frames/s once the window follows the link").isEqualTo(30);
  }

  @Test
  void windowOnAFullLinkKeepsTheRoundTripWithinTheTargetAndShrinksToOneOnAStall() {
    Pipelined full = new Pipelined("full", 60, 15, 30).run(20);
    assertThat(full.controller.window()).isLessThanOrEqualTo(3);
    assertThat(full.rtts.get(full.rtts.size() - 1)).isLessThanOrEqualTo(150);
    Pipelined far = new Pipelined("far", 200, 100, 30).run(8);
    assertThat(far.controller.window()).as("a 200 ms path with room").isGreaterThanOrEqualTo(6);
    far.controller.tick(9000, 2000); // a second without replies, the oldest frame 2 s old
    assertThat(far.controller.window()).isEqualTo(1);
  }

  @Test
  void aProbeTheLinkDoesNotCarryIsUndoneAtItsFirstRepliesNotAfterAWindow() {
    // 320 wide fits in 100 ms; 480 wide takes 250 (the link's bytes, which the probe's prediction
    // cannot see in a round trip at its floor). Each probe up to 480 costs its first few replies.
    Probing sim = new Probing("probe 480", 100, 250).run(40_000);
    assertThat(sim.probes).as("probes up to 480 wide").hasSizeGreaterThanOrEqualTo(3);
    for (long[] probe : sim.probes) {
      // The first wide frame's round trip, the next two frames, the next tick: not the 1 s of a window.
      assertThat(probe[1] - probe[0]).as("time at 480 wide, probe at " + probe[0]).isLessThanOrEqualTo(250 + 2 * 30 + 100);
    }
    assertThat(sim.probes.get(2)[0] - sim.probes.get(1)[0]).as("each failed probe doubles the wait for the next")
      .isGreaterThan(sim.probes.get(1)[0] - sim.probes.get(0)[0]);
    // About 13 frames a probe (sent while it lasts), where a whole window at 480 wide would cost 30 or more.
    assertThat(sim.repliesOver(1_500, 40_000)).as("replies over the target after the first step down").isLessThanOrEqualTo(15L * sim.probes.size());
    assertThat(sim.controller.width()).isEqualTo(320);
    assertThat(sim.controller.limiter()).isEqualTo(Limiter.UPLINK);
  }

  @Test
  void videoBitrateGoesDownBeforeTheWidthAndTheWidthOnlyAtTheFloor() {
    AdaptiveController c = new AdaptiveController(150, 0.8, 640, 30);
    AdaptiveConstants constants = AdaptiveConstants.FROM_CLASS_PATH;
    assertThat(c.bitrate()).isEqualTo(constants.videoBitrateTop);
    c.tick(0, 0);
    long previous = c.bitrate();
    for (int t = 1; t <= 8; t++) {
      for (int i = 0; i < 10; i++) {
        c.onReply(400, 5000, 1000);
      }
      c.tick(t * 1000, 0);
      if (c.width() < 640) {
        assertThat(c.bitrate()).isEqualTo(constants.videoBitrateFloor);
        return;
      }
      assertThat(c.bitrate()).isLessThanOrEqualTo(previous);
      previous = c.bitrate();
    }
    throw new AssertionError("the width never went down");
  }

  /**
   * 30 frames/s pipelined, each frame's round trip set by the width it was sent at ({@code
   * smallMs} at 320 wide, {@code largeMs} wider), a tick every 100 ms; starts 480 wide at the
   * quality floor. Records every probe up to 480 wide as {start, end} and the inputs for the
   * JavaScript controller.
   */
  static final class Probing {
    final String name;
    final double smallMs;
    final double largeMs;
    final AdaptiveController controller = new AdaptiveController(150, AdaptiveController.QUALITY_FLOOR, 480, 30);
    final JsonArray events = new JsonArray();
    final List<String> outcomes = new ArrayList<>();
    final List<long[]> probes = new ArrayList<>();
    /** {sent at, round trip} per frame. */
    final List<double[]> frames = new ArrayList<>();

    Probing(String name, double smallMs, double largeMs) {
      this.name = name;
      this.smallMs = smallMs;
      this.largeMs = largeMs;
    }

    Probing run(long durationMs) {
      List<double[]> inFlight = new ArrayList<>(); // {sent at, reply at}
      boolean wide = true;
      long wideSince = -1;
      for (long now = 0; now <= durationMs; now += 10) {
        while (!inFlight.isEmpty() && inFlight.get(0)[1] <= now) {
          double[] frame = inFlight.remove(0);
          double rtt = frame[1] - frame[0];
          frames.add(new double[] {frame[0], rtt});
          controller.onReply(rtt, 5000, 5000);
          events.add(new JsonArray().add("reply").add(rtt).add(5000).add(5000));
        }
        if (now % 30 == 0) {
          inFlight.add(new double[] {now, now + (controller.width() > 320 ? largeMs : smallMs)});
        }
        if (now % 100 == 0) {
          boolean changed = controller.tick(now, 0);
          events.add(new JsonArray().add("tick").add(now).add(0));
          outcomes.add(Sim.outcome(name, now, changed, controller));
          boolean wideNow = controller.width() > 320;
          if (wideNow && !wide) {
            wideSince = now;
          } else if (!wideNow && wide && wideSince >= 0) {
            probes.add(new long[] {wideSince, now});
          }
          wide = wideNow;
        }
      }
      return this;
    }

    long repliesOver(long from, long to) {
      return frames.stream().filter(f -> f[0] >= from && f[0] < to && f[1] > 150).count();
    }

    JsonObject trace() {
      return new JsonObject().put("name", name)
        .put("controller", new JsonArray().add(150).add(AdaptiveController.QUALITY_FLOOR).add(480).add(30).add(false))
        .put("events", events);
    }
  }

  /**
   * A pipelined link, one decision a second: {@code window} frames in flight, replies at the rate the
   * link and the frame rate allow, the round trip growing by a frame time per frame queued beyond
   * what the link holds at its floor. Records the controller's inputs for the JavaScript one too.
   */
  static final class Pipelined {
    final String name;
    final double baseMs;
    final double capacityFps;
    final int maxFps;
    final int upBytes;
    final int downBytes;
    final AdaptiveController controller;
    final JsonArray events = new JsonArray();
    final List<String> outcomes = new ArrayList<>();
    final List<Double> rates = new ArrayList<>();
    final List<Double> rtts = new ArrayList<>();

    Pipelined(String name, double baseMs, double capacityFps, int maxFps) {
      this(name, baseMs, capacityFps, maxFps, false, 5000, 20_000);
    }

    /** {@code video}: the controller adapts a VP8 stream; each frame {@code upBytes} up, its reply {@code downBytes} down. */
    Pipelined(String name, double baseMs, double capacityFps, int maxFps, boolean video, int upBytes, int downBytes) {
      this.name = name;
      this.baseMs = baseMs;
      this.capacityFps = capacityFps;
      this.maxFps = maxFps;
      this.upBytes = upBytes;
      this.downBytes = downBytes;
      this.controller = new AdaptiveController(150, 0.8, 640, maxFps, video);
    }

    Pipelined run(int seconds) {
      tick(0);
      for (int t = 1; t <= seconds; t++) {
        int window = controller.window();
        double rate = Math.min(maxFps, Math.min(capacityFps, window * 1000 / baseMs));
        double queued = Math.max(0, window - capacityFps * baseMs / 1000);
        double rtt = baseMs + (rate >= capacityFps ? queued * 1000 / capacityFps : 0);
        for (int i = 0; i < Math.round(rate); i++) {
          controller.onReply(rtt, upBytes, downBytes);
          events.add(new JsonArray().add("reply").add(rtt).add(upBytes).add(downBytes));
        }
        rates.add(rate);
        rtts.add(rtt);
        tick(t * 1000);
      }
      return this;
    }

    private void tick(long now) {
      boolean changed = controller.tick(now, 0);
      events.add(new JsonArray().add("tick").add(now).add(0));
      outcomes.add(Sim.outcome(name, now, changed, controller));
    }

    JsonObject trace() {
      return new JsonObject().put("name", name)
        .put("controller", new JsonArray().add(controller.targetMs()).add(0.8).add(640).add(maxFps).add(controller.video()))
        .put("events", events);
    }
  }

  static final Link SLOW_DOWNLINK = new Link(20, 1.5, 25, 5, 0);

  @Test
  void videoOnASlowDownlinkLeavesBitrateAndWidthAlone() {
    // VP8 chunks of ~4 KB up, JPEG replies of ~31 KB down over 1.5 Mbit/s, one frame in flight: over
    // the target, and no setting of the stream up can help (nor fewer frames: nothing is queued).
    Sim sim = new Sim("video downlink", t -> SLOW_DOWNLINK, 150, 0.8, 640, 30, true).run(30_000);
    assertThat(sim.p95(0, 30_000)).isGreaterThan(150);
    assertThat(sim.controller.bitrate()).isEqualTo(AdaptiveConstants.FROM_CLASS_PATH.videoBitrateTop);
    assertThat(sim.controller.width()).isEqualTo(640);
    assertThat(sim.controller.changes()).as("no step that cannot help").isZero();
    // The same link with JPEG frames steps quality, then width (it shrinks the replies too).
    Sim jpeg = new Sim("jpeg downlink", t -> SLOW_DOWNLINK).run(30_000);
    assertThat(jpeg.controller.quality()).isLessThan(0.8);
  }

  @Test
  void videoOnAFullDownlinkLowersOnlyTheFrameRateAndOnAFullUplinkTheBitrateFirst() {
    Pipelined down = new Pipelined("video, downlink full", 60, 15, 30, true, 3000, 36_000).run(20);
    assertThat(down.controller.limiter()).isEqualTo(Limiter.DOWNLINK);
    assertThat(down.controller.bitrate()).isEqualTo(AdaptiveConstants.FROM_CLASS_PATH.videoBitrateTop);
    assertThat(down.controller.width()).isEqualTo(640);
    assertThat(down.controller.fps()).isLessThan(30);
    Pipelined up = new Pipelined("video, uplink full", 60, 15, 30, true, 5000, 1000).run(20);
    assertThat(up.controller.limiter()).isEqualTo(Limiter.UPLINK);
    assertThat(up.controller.bitrate()).isLessThan(AdaptiveConstants.FROM_CLASS_PATH.videoBitrateTop);
  }

  @Test
  void theConstantsAreThoseOfThePagesDataFile() throws Exception {
    JsonObject file = new JsonObject(Files.readString(Path.of("webroot", "adaptive-constants.json")));
    assertThat(AdaptiveController.DEFAULT_TARGET_MS).isEqualTo(file.getDouble("defaultTargetMs"));
    assertThat(AdaptiveController.QUALITY_FLOOR).isEqualTo(file.getDouble("qualityFloor"));
    AdaptiveController wide = new AdaptiveController(150, 0.8, 1920, 60);
    List<Integer> widths = new ArrayList<>(List.of(1920));
    file.getJsonArray("widths").forEach(w -> widths.add((Integer) w));
    assertThat(wide.widthSteps()).containsExactly(widths.stream().mapToInt(Integer::intValue).toArray());
    assertThat(wide.qualitySteps()).containsExactly(0.8, 0.7, 0.6, 0.5, 0.4);
    assertThatThrownBy(() -> AdaptiveConstants.fromJson(file.copy().put("headrom", 0.8))).hasMessageContaining("unknown [headrom]");
    assertThatThrownBy(() -> AdaptiveConstants.fromJson(file.copy().put("windowMin", 0))).hasMessageContaining("windowMin");
    assertThatThrownBy(() -> AdaptiveConstants.fromJson(file.copy().put("videoBitrateFloor", 2_000_000))).hasMessageContaining("videoBitrateFloor");
    AdaptiveConstants constants = AdaptiveConstants.fromJson(file);
    assertThat(constants.windowMax).isEqualTo(file.getInteger("windowMax"));
    assertThat(new AdaptiveController(150, 0.8, 640, 30).window()).isEqualTo(file.getInteger("windowStart"));
    JsonObject withoutProbe = file.copy();
    withoutProbe.remove("probeMs");
    assertThatThrownBy(() -> AdaptiveConstants.fromJson(withoutProbe)).hasMessageContaining("missing [probeMs]");
  }

  @Test
  void javaScriptControllerDecidesExactlyLikeTheJavaOne(@TempDir Path dir) throws Exception {
    List<Sim> sims = List.of(
      new Sim("fast", t -> FAST).run(20_000),
      new Sim("drop", t -> t < 10_000 ? MOBILE : NARROW).run(40_000),
      new Sim("recovery", t -> t < 15_000 ? NARROW : MOBILE).run(75_000),
      new Sim("server", t -> new Link(100, 100, 5, 40, 0.6)).run(30_000),
      new Sim("far", t -> new Link(5, 20, 90, 5, 0)).run(30_000),
      new Sim("edge", t -> new Link(4, 20, 25, 5, 0)).run(60_000),
      // Other settings: a 1280-wide camera, 60 fps, targets of 100, 250 and 60 ms.
      new Sim("wide drop", t -> t < 10_000 ? MOBILE : NARROW, 150, 0.9, 1280, 30).run(40_000),
      new Sim("wide recovery at 60 fps", t -> t < 15_000 ? NARROW : MOBILE, 250, 0.8, 1280, 60).run(75_000),
      new Sim("server at 60 fps", t -> new Link(100, 100, 5, 40, 0.6), 100, 0.8, 960, 60).run(30_000),
      new Sim("tight target", t -> MOBILE, 60, 0.95, 1280, 60).run(40_000),
      new Sim("far, 24 fps", t -> new Link(5, 20, 90, 5, 0), 400, 0.7, 960, 24).run(30_000),
      // Video on a slow downlink: over the target, and nothing to step.
      new Sim("video downlink", t -> SLOW_DOWNLINK, 150, 0.8, 640, 30, true).run(30_000));
    JsonArray traces = new JsonArray();
    List<String> expected = new ArrayList<>();
    for (Sim sim : sims) {
      AdaptiveController c = sim.controller;
      traces.add(new JsonObject().put("name", sim.name)
        .put("controller", new JsonArray().add(c.targetMs()).add(sim.topQuality).add(c.widthSteps()[0]).add(sim.maxFps).add(c.video()))
        .put("events", sim.events));
      expected.addAll(sim.outcomes);
    }
    // The send window on pipelined links: window-bound, full, and a long path.
    for (Pipelined p : List.of(new Pipelined("pipelined 117 ms", 117, 100, 30).run(10),
      new Pipelined("pipelined full", 60, 15, 30).run(20), new Pipelined("pipelined far", 200, 100, 60).run(10),
      new Pipelined("video, downlink full", 60, 15, 30, true, 3000, 36_000).run(20),
      new Pipelined("video, uplink full", 60, 15, 30, true, 5000, 1000).run(20))) {
      traces.add(p.trace());
      expected.addAll(p.outcomes);
    }
    Probing probing = new Probing("probe 480", 100, 250).run(40_000);
    traces.add(probing.trace());
    expected.addAll(probing.outcomes);
    assertThat(expected.stream().map(line -> new JsonArray(line).getInteger(8)).distinct().toList())
      .as("windows decided in the traces").contains(2, 3, 4).hasSizeGreaterThanOrEqualTo(4);
    // The other settings are exercised, not only set: steps below a 1280 top width and below 60 fps were taken.
    assertThat(sims.get(6).changeLog).as("wide drop").anyMatch(change -> ((String) change[1]).contains(" 960 "));
    assertThat(sims.get(8).settingsLog).as("server at 60 fps").contains("0.80 960 60").anyMatch(s -> !s.endsWith(" 60"));
    assertThat(sims.get(9).controller.changes()).as("tight target").isPositive();
    Path file = dir.resolve("traces.json");
    Files.writeString(file, traces.encode());
    Process node = new ProcessBuilder("node", "src/test/js/adaptive-replay.mjs", file.toString())
      .redirectErrorStream(true).start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    List<String> actual = output.lines().toList();
    assertThat(expected).hasSizeGreaterThan(1000);
    assertThat(actual).containsExactlyElementsOf(expected);
  }

  /** A closed loop, one frame in flight, a tick every 100 ms and stats every second. */
  static final class Sim {
    final String name;
    final DoubleFunction<Link> link;
    final double topQuality;
    final int maxFps;
    final boolean video;
    final AdaptiveController controller;
    final Random random = new Random(7);
    final JsonArray events = new JsonArray();
    final List<String> outcomes = new ArrayList<>();
    /** {sent at, round trip} per frame. */
    final List<double[]> frames = new ArrayList<>();
    /** {time, changed to settings} per change. */
    final List<Object[]> changeLog = new ArrayList<>();
    final List<String> settingsLog = new ArrayList<>();

    Sim(String name, DoubleFunction<Link> link) {
      this(name, link, 150, 0.8, 640, 30);
    }

    Sim(String name, DoubleFunction<Link> link, double targetMs, double topQuality, int topWidth, int maxFps) {
      this(name, link, targetMs, topQuality, topWidth, maxFps, false);
    }

    /** {@code video}: frames go up as VP8 chunks of the controller's bitrate, replies are JPEGs. */
    Sim(String name, DoubleFunction<Link> link, double targetMs, double topQuality, int topWidth, int maxFps, boolean video) {
      this.name = name;
      this.link = link;
      this.topQuality = topQuality;
      this.maxFps = maxFps;
      this.video = video;
      this.controller = new AdaptiveController(targetMs, topQuality, topWidth, maxFps, video);
    }

    /** A frame's bytes up: a JPEG at the quality, or a VP8 chunk's share of the bitrate; both follow the area. */
    double frameBytes() {
      if (!video) {
        return upBytes(controller.quality(), controller.width());
      }
      double scale = (double) controller.width() / controller.widthSteps()[0];
      return Math.round(controller.bitrate() / 8.0 / maxFps * scale * scale);
    }

    Sim run(long durationMs) {
      long sentAt = 0;
      double replyAt = -1;
      long nextSend = 0;
      double serverMs = 0;
      List<Double> recentServer = new ArrayList<>();
      List<Long> recentSends = new ArrayList<>();
      for (long now = 0; now <= durationMs; now += 10) {
        if (replyAt >= 0 && replyAt <= now) {
          double rtt = replyAt - sentAt;
          frames.add(new double[] {sentAt, rtt});
          double up = frameBytes();
          double down = 30_000 + 0.2 * up;
          controller.onReply(rtt, up, down);
          events.add(new JsonArray().add("reply").add(rtt).add(up).add(down));
          recentServer.add(serverMs);
          replyAt = -1;
        }
        if (replyAt < 0 && now >= nextSend) {
          Link l = link.apply(now);
          long windowStart = now - 1000;
          recentSends.removeIf(t -> t < windowStart);
          double rho = l.backgroundLoad() + recentSends.size() * l.processMs() / 1000;
          double queue = rho < 0.95 ? l.processMs() * rho / (2 * (1 - rho)) : l.processMs() * 9.5;
          serverMs = l.processMs() + queue;
          double up = frameBytes();
          double rtt = 2 * l.oneWayMs() + up * 8 / (l.upMbps() * 1000) + serverMs
            + (30_000 + 0.2 * up) * 8 / (l.downMbps() * 1000);
          rtt *= 0.95 + 0.1 * random.nextDouble();
          sentAt = now;
          replyAt = now + rtt;
          recentSends.add(now);
          nextSend = now + 1000 / controller.fps();
        }
        if (now % 1000 == 500 && !recentServer.isEmpty()) {
          double server = recentServer.stream().mapToDouble(Double::doubleValue).sorted().toArray()[recentServer.size() / 2];
          controller.onStats(server, 0, 80);
          events.add(new JsonArray().add("stats").add(server).add(0).add(80));
          recentServer.clear();
        }
        if (now % 100 == 0) {
          double oldest = replyAt >= 0 ? now - sentAt : 0;
          boolean changed = controller.tick(now, oldest);
          events.add(new JsonArray().add("tick").add(now).add(oldest));
          outcomes.add(outcome(name, now, changed, controller));
          if (changed) {
            changeLog.add(new Object[] {now, settings()});
          }
          settingsLog.add(settings());
        }
      }
      return this;
    }

    /** One tick's outcome as adaptive-replay.mjs prints it. */
    static String outcome(String name, long now, boolean changed, AdaptiveController controller) {
      return new JsonArray().add(name).add(now).add(changed).add(controller.levels())
        .add(controller.limiter().label()).encode().replace("]", ",\"" + String.format(Locale.ROOT, "%.2f", controller.quality())
          + "\"," + controller.width() + "," + controller.fps() + "," + controller.window() + "," + controller.bitrate() + "]");
    }

    /** A 640x480 camera frame is about 45 KB at quality 0.8 and a third of that at 0.4; bytes follow the area. */
    static double upBytes(double quality, int width) {
      double scale = (double) width / 640;
      return Math.round(45_000 * (0.35 + 0.65 * (quality - 0.4) / 0.4) * scale * scale);
    }

    String settings() {
      return String.format(Locale.ROOT, "%.2f %d %d", controller.quality(), controller.width(), controller.fps());
    }

    String settingsAt(long time) {
      return settingsLog.get((int) Math.min(settingsLog.size() - 1, time / 100));
    }

    long firstTimeAt(String settings) {
      return settingsLog.indexOf(settings) * 100L;
    }

    long firstWidthChange() {
      return changeLog.stream().filter(c -> !((String) c[1]).contains(" 640 ")).mapToLong(c -> (Long) c[0]).findFirst().orElse(-1);
    }

    /** The first time after {@code from} from which every round trip is under {@code limit}. */
    long firstTimeUnder(long from, double limit) {
      double last = from;
      for (double[] f : frames) {
        if (f[0] >= from && f[1] > limit) {
          last = f[0];
        }
      }
      return (long) last;
    }

    double p95(long from, long to) {
      List<Double> rtts = new ArrayList<>();
      for (double[] f : frames) {
        if (f[0] >= from && f[0] < to) {
          rtts.add(f[1]);
        }
      }
      rtts.sort(null);
      return AdaptiveController.percentile(rtts, 0.95);
    }

    long changesBetween(long from, long to) {
      return changeLog.stream().filter(c -> (Long) c[0] >= from && (Long) c[0] < to).count();
    }

    long downsAfter(long from) {
      long downs = 0;
      for (int i = 1; i < settingsLog.size(); i++) {
        if (i * 100L >= from && rank(settingsLog.get(i)) < rank(settingsLog.get(i - 1))) {
          downs++;
        }
      }
      return downs;
    }

    private static double rank(String settings) {
      String[] s = settings.split(" ");
      return Double.parseDouble(s[0]) + Integer.parseInt(s[1]) * 10 + Integer.parseInt(s[2]) * 100_000;
    }

    void assertNoFasterThanOncePerSecond() {
      for (int i = 1; i < changeLog.size(); i++) {
        assertThat((Long) changeLog.get(i)[0] - (Long) changeLog.get(i - 1)[0]).as("time between changes").isGreaterThanOrEqualTo(1000);
      }
    }
  }
}
