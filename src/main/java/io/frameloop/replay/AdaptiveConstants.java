package io.frameloop.replay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * The latency-target controller's constants (docs/ADAPTIVE.md explains each), read from the page's
 * {@code webroot/adaptive-constants.json}: the page's controller ({@code webroot/adaptive.js})
 * fetches the same file, so there is one place to change them. The jar carries webroot under
 * {@code io/frameloop/webroot/} on the class path.
 */
final class AdaptiveConstants {

  static final String RESOURCE = "io/frameloop/webroot/adaptive-constants.json";

  private static final Set<String> KEYS = Set.of("defaultTargetMs", "qualityFloor", "qualityStep", "widths", "fpsSteps",
    "decisionMs", "headroom", "qualityGrowth", "jumpFactor", "overWindows", "p95Margin", "queueFactor", "upHoldMin",
    "upHoldMax", "probeMs", "probeAbortReplies", "serverShare", "downlinkSpeedup", "windowStart", "windowMin", "windowMax", "videoBitrateTop",
    "videoBitrateFloor");

  /** The constants of the file on the class path, which both controllers run with (after KEYS, which it needs). */
  static final AdaptiveConstants FROM_CLASS_PATH = fromClassPath();

  final double defaultTargetMs;
  final double qualityFloor;
  final double qualityStep;
  final int[] widths;
  final int[] fpsSteps;
  final long decisionMs;
  final double headroom;
  final double qualityGrowth;
  final double jumpFactor;
  final int overWindows;
  final double p95Margin;
  final double queueFactor;
  final int upHoldMin;
  final int upHoldMax;
  final long probeMs;
  final int probeAbortReplies;
  final double serverShare;
  final double downlinkSpeedup;
  final int windowStart;
  final int windowMin;
  final int windowMax;
  final long videoBitrateTop;
  final long videoBitrateFloor;

  private AdaptiveConstants(JsonObject json) {
    Set<String> missing = new TreeSet<>(KEYS);
    missing.removeAll(json.fieldNames());
    Set<String> unknown = new TreeSet<>(json.fieldNames());
    unknown.removeAll(KEYS);
    if (!missing.isEmpty() || !unknown.isEmpty()) {
      throw new IllegalArgumentException(RESOURCE + ": missing " + missing + ", unknown " + unknown);
    }
    defaultTargetMs = json.getDouble("defaultTargetMs");
    qualityFloor = json.getDouble("qualityFloor");
    qualityStep = json.getDouble("qualityStep");
    widths = ints(json.getJsonArray("widths"));
    fpsSteps = ints(json.getJsonArray("fpsSteps"));
    decisionMs = json.getLong("decisionMs");
    headroom = json.getDouble("headroom");
    qualityGrowth = json.getDouble("qualityGrowth");
    jumpFactor = json.getDouble("jumpFactor");
    overWindows = json.getInteger("overWindows");
    p95Margin = json.getDouble("p95Margin");
    queueFactor = json.getDouble("queueFactor");
    upHoldMin = json.getInteger("upHoldMin");
    upHoldMax = json.getInteger("upHoldMax");
    probeMs = json.getLong("probeMs");
    probeAbortReplies = json.getInteger("probeAbortReplies");
    serverShare = json.getDouble("serverShare");
    downlinkSpeedup = json.getDouble("downlinkSpeedup");
    windowStart = json.getInteger("windowStart");
    windowMin = json.getInteger("windowMin");
    windowMax = json.getInteger("windowMax");
    videoBitrateTop = json.getLong("videoBitrateTop");
    videoBitrateFloor = json.getLong("videoBitrateFloor");
    if (probeAbortReplies < 1) {
      throw new IllegalArgumentException(RESOURCE + ": probeAbortReplies must be at least 1");
    }
    if (windowMin < 1 || windowStart < windowMin || windowMax < windowStart || videoBitrateFloor < 1 || videoBitrateTop < videoBitrateFloor) {
      throw new IllegalArgumentException(RESOURCE + ": needs 1 <= windowMin <= windowStart <= windowMax and 1 <= videoBitrateFloor <= videoBitrateTop");
    }
  }

  static AdaptiveConstants fromJson(JsonObject json) {
    return new AdaptiveConstants(json);
  }

  private static AdaptiveConstants fromClassPath() {
    try (InputStream in = AdaptiveConstants.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path (the build copies webroot/ there)");
      }
      return fromJson(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Steps, largest first, as the file lists them. */
  private static int[] ints(JsonArray array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.getInteger(i);
    }
    return values;
  }
}
