package io.frameloop.pipeline;

import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ops of a pipeline found in one frame: detections (box, score, label, keypoints) and each
 * op's own JSON object. An op reaches it through {@link OpContext#results()} while it processes a
 * frame; the worker makes a new one per frame and hands it on with the processed frame.
 *
 * <p>Coordinates: an op reports in the pixels of the image it was given; they are mapped here, when
 * recorded, to the pixels of the frame as the client sent it (through the JPEG decode's reduction and
 * every earlier op's {@link FrameOpFactory#pixelMapping}), rounded to integers. Boxes are clipped to
 * that frame, keypoints are not.
 *
 * <p>Bounds: at most {@value #MAX_DETECTIONS} detections per frame and an own object of at most
 * {@value #MAX_DATA_BYTES} bytes (as JSON) per op. An op that reports more, or a malformed detection,
 * fails the frame with {@code bad_frame} naming the op and the limit; the session lives on. Results
 * are never logged.
 */
public final class FrameResults {

  /** Detections per frame, over all the pipeline's ops. */
  public static final int MAX_DETECTIONS = 100;
  /** An op's own object, encoded as JSON (UTF-8). */
  public static final int MAX_DATA_BYTES = 8 * 1024;
  public static final int MAX_LABEL_CHARS = 64;
  /** Keypoints of one detection. */
  public static final int MAX_KEYPOINTS = 32;

  private final int width;
  private final int height;
  private final List<JsonObject> detections = new ArrayList<>();
  private final Map<String, JsonObject> data = new LinkedHashMap<>();
  private String op;
  private PixelMapping toFrame = PixelMapping.IDENTITY;
  private boolean reported;
  private String problem;

  /** Results for a {@code width x height} frame (as the client sent it), none reported yet. */
  FrameResults(int width, int height) {
    this.width = width;
    this.height = height;
  }

  /** The op about to run, and how a point of the image it gets maps to the sent frame. */
  void beginOp(String op, PixelMapping toFrame) {
    this.op = op;
    this.toFrame = toFrame;
  }

  /** Marks the frame as one with results (an op asked for this collector), even when nothing is found. */
  void markReported() {
    reported = true;
  }

  /** Why the last op's reports were refused, or null. */
  String problem() {
    return problem;
  }

  /** Ends the reporting: nothing more is recorded. */
  void seal() {
    op = null;
  }

  /**
   * Records a detection, in the pixels of the image the op was given. One over
   * {@value #MAX_DETECTIONS} in the frame, or a malformed one, fails the frame once the op returns.
   */
  public FrameResults add(Detection detection) {
    if (op == null) {
      throw new IllegalStateException("results are reported while the op processes a frame, from its apply");
    }
    if (problem != null) {
      return this;
    }
    if (detections.size() >= MAX_DETECTIONS) {
      problem = "reported more than " + MAX_DETECTIONS + " detections in one frame, the limit";
    } else {
      String refused = refusal(detection);
      if (refused != null) {
        problem = refused;
      } else {
        detections.add(mapped(detection));
      }
    }
    return this;
  }

  /**
   * Records the op's own object for this frame (a copy, under the op's name in {@code data}; a second
   * call in the same frame replaces the first). Over {@value #MAX_DATA_BYTES} bytes as JSON fails
   * the frame once the op returns.
   */
  public FrameResults put(JsonObject own) {
    if (op == null) {
      throw new IllegalStateException("results are reported while the op processes a frame, from its apply");
    }
    if (problem != null) {
      return this;
    }
    if (own == null) {
      problem = "reported a null object";
      return this;
    }
    String text;
    try {
      text = own.encode();
    } catch (EncodeException e) {
      problem = "reported an object that is not JSON: " + e.getMessage();
      return this;
    }
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_DATA_BYTES) {
      problem = "reported an object of " + bytes + " bytes as JSON, over the limit of " + MAX_DATA_BYTES;
    } else {
      data.put(op, new JsonObject(text));
    }
    return this;
  }

  private static String refusal(Detection detection) {
    if (detection == null) {
      return "reported a null detection";
    }
    String label = detection.label();
    if (label == null || label.isEmpty() || label.length() > MAX_LABEL_CHARS) {
      return "reported a detection whose label is not 1 to " + MAX_LABEL_CHARS + " characters";
    }
    if (!(detection.score() >= 0 && detection.score() <= 1)) {
      return "reported a detection whose score " + detection.score() + " is not from 0 to 1";
    }
    if (!finite(detection.x(), detection.y(), detection.width(), detection.height())
      || detection.width() < 0 || detection.height() < 0) {
      return "reported a detection whose box is not finite with a width and height of at least 0";
    }
    double[] points = detection.keypoints();
    if (points != null && (points.length % 2 != 0 || points.length / 2 > MAX_KEYPOINTS || !finite(points))) {
      return "reported a detection whose keypoints are not x, y pairs of finite numbers, at most " + MAX_KEYPOINTS;
    }
    return null;
  }

  private static boolean finite(double... values) {
    for (double value : values) {
      if (!Double.isFinite(value)) {
        return false;
      }
    }
    return true;
  }

  private JsonObject mapped(Detection detection) {
    double x0 = toFrame.x(detection.x());
    double x1 = toFrame.x(detection.x() + detection.width());
    double y0 = toFrame.y(detection.y());
    double y1 = toFrame.y(detection.y() + detection.height());
    long left = clip(Math.round(Math.min(x0, x1)), width);
    long right = clip(Math.round(Math.max(x0, x1)), width);
    long top = clip(Math.round(Math.min(y0, y1)), height);
    long bottom = clip(Math.round(Math.max(y0, y1)), height);
    JsonObject json = new JsonObject()
      .put("op", op)
      .put("label", detection.label())
      .put("score", Math.round(detection.score() * 100) / 100.0)
      .put("box", new JsonArray().add(left).add(top).add(right - left).add(bottom - top));
    double[] points = detection.keypoints();
    if (points != null) {
      JsonArray keypoints = new JsonArray();
      for (int i = 0; i + 1 < points.length; i += 2) {
        keypoints.add(new JsonArray().add(Math.round(toFrame.x(points[i]))).add(Math.round(toFrame.y(points[i + 1]))));
      }
      json.put("keypoints", keypoints);
    }
    return json;
  }

  private static long clip(long value, int max) {
    return Math.max(0, Math.min(max, value));
  }

  /** The sent frame's width: the unit of every x. */
  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Whether an op of the pipeline reports results (it asked for them), whether or not it found anything. */
  public boolean reported() {
    return reported;
  }

  public int detectionCount() {
    return detections.size();
  }

  /**
   * {@code {"width":W,"height":H,"detections":[...],"data":{...}}} ({@code data} only when an op
   * reported its own object), as the {@code results} message carries them. A new object each time.
   */
  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    detections.forEach(detection -> list.add(detection.copy()));
    JsonObject json = new JsonObject().put("width", width).put("height", height).put("detections", list);
    if (!data.isEmpty()) {
      JsonObject own = new JsonObject();
      data.forEach((name, object) -> own.put(name, object.copy()));
      json.put("data", own);
    }
    return json;
  }

  /** Rebuilds results from {@link #toJson} and {@link #reported} (sent by a worker on another node), without checking them again. */
  public static FrameResults fromTrustedJson(JsonObject json, boolean reported) {
    FrameResults results = new FrameResults(json.getInteger("width"), json.getInteger("height"));
    results.reported = reported;
    json.getJsonArray("detections").forEach(detection -> results.detections.add((JsonObject) detection));
    JsonObject own = json.getJsonObject("data");
    if (own != null) {
      own.forEach(entry -> results.data.put(entry.getKey(), (JsonObject) entry.getValue()));
    }
    return results;
  }
}
