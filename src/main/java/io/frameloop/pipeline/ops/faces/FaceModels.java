package io.frameloop.pipeline.ops.faces;

import io.frameloop.inference.OnnxRuntime;
import io.frameloop.pipeline.OpContext;
import io.frameloop.pipeline.OpParam;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The face detectors of the {@code faces} and {@code anonymize} ops and whether each can run here:
 * BlazeFace (an ONNX model, setting {@code faceModel}, by default the one in the runnable jar) and a
 * Haar cascade (setting {@code faceCascade}). Checked once at start-up, off the event loop; each
 * worker then loads its own detector on first use, through {@link OpContext#shared}.
 */
public final class FaceModels {

  public static final String BLAZEFACE = "blazeface";
  public static final String HAAR = "haar";
  /** Where Debian's opencv-data installs the cascade; the setting {@code faceCascade} overrides it. */
  public static final String DEFAULT_CASCADE = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
  /** The BlazeFace model on the class path (the runnable jar has it; see its NOTICE.md). */
  public static final String DEFAULT_MODEL_RESOURCE = "io/frameloop/models/blazeface/face_detection_front_128x128.onnx";
  /** A model file larger than this is refused: BlazeFace is 442 KB. */
  static final long MAX_MODEL_BYTES = 64L << 20;

  /** BlazeFace's own detection parameters. */
  private static final List<OpParam> BLAZEFACE_PARAMS = List.of(
    OpParam.numberParam("minScore", 0.75, 0.3, 1.0, "blazeface: smallest score (0 to 1) to keep a face"));
  /** The Haar cascade's own detection parameters. */
  private static final List<OpParam> HAAR_PARAMS = List.of(
    OpParam.numberParam("scaleFactor", 1.1, HaarDetector.MIN_SCALE_FACTOR, 2.0, "haar: how much the search window grows per scale"),
    OpParam.intParam("minNeighbors", 5, 1, 50, "haar: detections needed to keep a face; higher means fewer false faces"),
    OpParam.intParam("minSize", 30, 1, 4096, "haar: smallest face in pixels (in frames over " + HaarDetector.MAX_DETECTION_SIDE
      + " pixels, at least " + HaarDetector.MIN_DETECTION_FACE + " in a copy scaled down to " + HaarDetector.MAX_DETECTION_SIDE + ")"));
  /** The detection parameters the face ops share: the model, then each model's own. */
  public static final List<OpParam> PARAMS = Stream.of(
    List.of(OpParam.choiceParam("model", null, List.of(BLAZEFACE, HAAR), "face detector; default blazeface, or haar when the"
      + " BlazeFace model is unavailable")), BLAZEFACE_PARAMS, HAAR_PARAMS).flatMap(List::stream).toList();

  // Both face ops read the same settings: load and check each model once.
  private static final Map<List<String>, FaceModels> CONFIGURED = new ConcurrentHashMap<>();

  private final Path cascade;
  private final String modelSource;
  private final byte[] model;
  private final Optional<String> blazeFaceReason;
  private final Optional<String> haarReason;

  private FaceModels(Path cascade, String modelFile) {
    this.cascade = cascade;
    this.modelSource = modelFile == null || modelFile.isEmpty() ? "class-path resource " + DEFAULT_MODEL_RESOURCE : modelFile;
    this.haarReason = Files.isReadable(cascade) ? Optional.empty() : Optional.of("Haar cascade file " + cascade
      + " not found (on Debian: apt-get install opencv-data, or set the cascade file: " + whereToSet("faceCascade", "setFaceCascade") + ")");
    byte[] bytes = null;
    String reason = OnnxRuntime.unavailableReason().orElse(null);
    if (reason == null) {
      try {
        bytes = read(modelFile);
        BlazeFaceDetector.load(bytes).close(); // loads and has BlazeFace's signature: each worker's copy will too
      } catch (IOException | RuntimeException | LinkageError e) {
        bytes = null;
        reason = "BlazeFace model (" + modelSource + ") could not be loaded: " + e.getMessage()
          + " (set a BlazeFace .onnx file: " + whereToSet("faceModel", "setFaceModel") + ")";
      }
    }
    this.model = bytes;
    this.blazeFaceReason = Optional.ofNullable(reason);
  }

  /**
   * How to set a face setting, whichever way the options come in: the nested key, the flat key
   * (config.json, -D, FRAMELOOP_*) and the setter, since one hint serves them all. (The options'
   * class is not named: it names this one, and the two files would be a cycle.)
   */
  private static String whereToSet(String key, String setter) {
    return "faceOptions." + key + " in nested options JSON, " + key + " in flat config (config.json, -Dframeloop." + key
      + ", FRAMELOOP_*), or " + setter + " of the face options in code";
  }

  /** The models for the settings {@code faceCascade} and {@code faceModel}; blocks the first time. */
  public static FaceModels configure(JsonObject settings) {
    String cascade = settings.getString("faceCascade", DEFAULT_CASCADE);
    String model = Objects.requireNonNullElse(settings.getString("faceModel"), "");
    return CONFIGURED.computeIfAbsent(List.of(cascade, model), key -> new FaceModels(Path.of(cascade), model));
  }

  private static byte[] read(String file) throws IOException {
    if (file == null || file.isEmpty()) {
      try (InputStream in = FaceModels.class.getClassLoader().getResourceAsStream(DEFAULT_MODEL_RESOURCE)) {
        if (in == null) {
          throw new IOException("not on the class path (frameloop-all.jar has it, and so does the io.frameloop:frameloop:models artifact)");
        }
        return in.readNBytes((int) MAX_MODEL_BYTES);
      }
    }
    Path path = Path.of(file);
    if (Files.size(path) > MAX_MODEL_BYTES) {
      throw new IOException(path + " is over " + (MAX_MODEL_BYTES >> 20) + " MB");
    }
    return Files.readAllBytes(path);
  }

  /** Why {@code name} (blazeface or haar) cannot run here, or empty when it can. */
  public Optional<String> unavailableReason(String name) {
    return BLAZEFACE.equals(name) ? blazeFaceReason : haarReason;
  }

  /** Why no face op can run here: neither model can. */
  public Optional<String> unavailableReason() {
    if (blazeFaceReason.isPresent() && haarReason.isPresent()) {
      return Optional.of("no face model: blazeface: " + blazeFaceReason.get() + "; haar: " + haarReason.get());
    }
    return Optional.empty();
  }

  /** The model {@code params} ask for, or the default: blazeface when it runs here, else haar. */
  public String chosen(JsonObject params) {
    return params.getString("model", blazeFaceReason.isEmpty() ? BLAZEFACE : HAAR);
  }

  /** Refuses a model the client asked for that cannot run here. */
  public void validate(JsonObject params) {
    String name = chosen(params);
    unavailableReason(name).ifPresent(reason -> {
      throw new IllegalArgumentException("model '" + name + "' is unavailable on this server: " + reason);
    });
  }

  /**
   * {@code params} (valid) as the pipeline keeps them: the model chosen named, and only its own
   * parameters, the other model's left out (they would not be used, and echoed back they read as if
   * they were).
   */
  public JsonObject normalize(JsonObject params) {
    String name = chosen(params);
    JsonObject kept = params.copy().put("model", name);
    (BLAZEFACE.equals(name) ? HAAR_PARAMS : BLAZEFACE_PARAMS).forEach(param -> kept.remove(param.name()));
    return kept;
  }

  /** Each model's availability, for the op's entry in {@code hello}. */
  public JsonObject describe() {
    JsonObject models = new JsonObject();
    for (String name : List.of(BLAZEFACE, HAAR)) {
      JsonObject model = new JsonObject().put("available", unavailableReason(name).isEmpty());
      unavailableReason(name).ifPresent(reason -> model.put("reason", reason));
      models.put(name, model);
    }
    return new JsonObject().put("models", models);
  }

  /** The detector {@code params} (valid) ask for, on the worker of {@code context}, loaded there on first use. */
  public FaceDetector detector(JsonObject params, OpContext context) {
    // The front chose the model by what it can run; a worker of another build may not run it.
    unavailableReason(chosen(params)).ifPresent(reason -> {
      throw new IllegalStateException("model '" + chosen(params) + "' is unavailable on this worker: " + reason);
    });
    if (chosen(params).equals(BLAZEFACE)) {
      BlazeFaceDetector blazeFace = context.shared("faces:blazeface:" + modelSource, () -> BlazeFaceDetector.load(model),
        BlazeFaceDetector::close);
      double minScore = params.getDouble("minScore");
      return image -> blazeFace.detect(image, context.scratch(0), context.scratch(1), minScore);
    }
    HaarDetector haar = context.shared("faces:haar:" + cascade, () -> new HaarDetector(cascade), HaarDetector::release);
    double scaleFactor = params.getDouble("scaleFactor");
    int minNeighbors = params.getInteger("minNeighbors");
    int minSize = params.getInteger("minSize");
    return image -> haar.detect(image, context.scratch(0), context.scratch(1), scaleFactor, minNeighbors, minSize);
  }
}
