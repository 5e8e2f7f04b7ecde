package io.frameloop.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The ops a server knows, by name: the built-ins and plug-ins found by {@link ServiceLoader}, and
 * any registered in code. It turns a client's pipeline JSON into a {@link PipelineSpec}, checking
 * every op and parameter, and creates op instances for workers.
 */
public final class OpRegistry {

  public static final int MIN_QUALITY = 1;
  public static final int MAX_QUALITY = 100;
  /** The pipeline's {@code quality}, checked like an op's integer parameter. */
  private static final OpParam QUALITY = OpParam.intParam("quality", null, MIN_QUALITY, MAX_QUALITY, "JPEG quality of the reply");
  /** The pipeline's {@code reply}, checked like an op's choice parameter. */
  private static final OpParam REPLY = OpParam.choiceParam("reply", null, ReplyMode.NAMES, "what frames are answered with");

  /** The built-in ops' package: its factories come first in {@link #fromClassPath}. */
  private static final String BUILT_IN_PACKAGE = OpRegistry.class.getPackageName() + ".ops";
  /** Built-in ops before plug-ins: {@code false} sorts before {@code true}. */
  private static final Comparator<ServiceLoader.Provider<FrameOpFactory>> BUILT_INS_FIRST =
    Comparator.comparing(provider -> !provider.type().getPackageName().equals(BUILT_IN_PACKAGE));

  // Copy-on-write: registration happens at start-up, lookups on every event loop and worker.
  private volatile Map<String, FrameOpFactory> factories = Map.of();

  /** An empty registry. */
  public OpRegistry() {
  }

  /**
   * Every {@link FrameOpFactory} listed in the class path's
   * {@code META-INF/services/io.frameloop.pipeline.FrameOpFactory}, each
   * {@linkplain FrameOpFactory#configure configured} with {@code settings} before it is registered.
   *
   * <p>The order, which {@code hello} shows: first the built-in ops (package
   * {@code io.frameloop.pipeline.ops}) in the order of this project's services file, then the
   * plug-ins in class path order. An op with the name of an earlier one replaces it in its place.
   *
   * @param settings the server's settings, flat keys (e.g. {@code "faceCascade"}); from a FrameLoop's options,
   *                 {@link #withDefaults(OpSettings)} with {@code options.opSettings()} leaves their secrets out
   */
  public static OpRegistry fromClassPath(JsonObject settings) {
    return fromClassPath(OpSettings.of(settings));
  }

  /** {@link #fromClassPath(JsonObject)}; each factory gets its own copy of the settings. */
  private static OpRegistry fromClassPath(OpSettings settings) {
    OpRegistry registry = new OpRegistry();
    // ServiceLoader's stream is ordered, so sorted is stable: each group keeps the class path order.
    ServiceLoader.load(FrameOpFactory.class).stream().sorted(BUILT_INS_FIRST).map(ServiceLoader.Provider::get)
      .forEach(factory -> {
        factory.configure(settings.toJson());
        registry.register(factory);
      });
    return registry;
  }

  /**
   * The built-in ops and the class path's plug-ins, each configured with {@code settings}: the
   * registry to {@link #register} your own ops in. With a FrameLoop's options,
   * {@code OpRegistry.withDefaults(options.opSettings())}: the ops then read what the options set
   * ({@code faceModel}, {@code faceCascade}...) and see none of their secrets. This is what
   * {@code FrameLoopBootstrap.deploy} uses when given no registry. Blocking (the face ops check their
   * models, loading ONNX Runtime when it is present): call it off the event loop.
   */
  public static OpRegistry withDefaults(OpSettings settings) {
    return fromClassPath(settings);
  }

  /**
   * {@link #withDefaults(OpSettings)} with no settings: every op with its own defaults, whatever
   * the server's options say. Prefer {@code withDefaults(options.opSettings())}.
   */
  public static OpRegistry withDefaults() {
    return withDefaults(OpSettings.none());
  }

  /** {@link #withDefaults()} with the {@code faces} op reading this cascade. */
  public static OpRegistry withDefaults(Path faceCascade) {
    return fromClassPath(new JsonObject().put("faceCascade", faceCascade.toString()));
  }

  /** Adds an op, replacing one of the same name. */
  public synchronized OpRegistry register(FrameOpFactory factory) {
    Map<String, FrameOpFactory> copy = new LinkedHashMap<>(factories);
    copy.put(factory.name(), factory);
    factories = copy;
    return this;
  }

  public FrameOpFactory get(String name) {
    return factories.get(name);
  }

  /** Every op with its parameters and availability, as sent in {@code hello}. */
  public JsonArray describe() {
    JsonArray ops = new JsonArray();
    for (FrameOpFactory factory : factories.values()) {
      JsonArray params = new JsonArray();
      factory.params().forEach(p -> params.add(p.toJson()));
      JsonObject op = new JsonObject()
        .put("op", factory.name())
        .put("description", factory.description())
        .put("params", params)
        .mergeIn(factory.details());
      factory.unavailableReason().ifPresentOrElse(
        reason -> op.put("available", false).put("reason", reason),
        () -> op.put("available", true));
      ops.add(op);
    }
    return ops;
  }

  /**
   * Checks and normalizes a pipeline: {@code ops} is a list of {@code {"op": name, ...params}}.
   *
   * @throws PipelineException saying what is wrong, and the known ops where the op is unknown
   */
  public PipelineSpec parse(JsonArray ops, int quality) {
    return parse(ops, quality, ReplyMode.IMAGE);
  }

  /** {@link #parse(JsonArray, int)} answered with {@code reply}. */
  public PipelineSpec parse(JsonArray ops, int quality, ReplyMode reply) {
    checkQuality(quality);
    List<PipelineSpec.Step> steps = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      Object entry = ops.getValue(i);
      if (!(entry instanceof JsonObject json)) {
        throw new PipelineException("ops[" + i + "] must be an object like {\"op\":\"flip\"}, got " + entry);
      }
      steps.add(parseStep(i, json));
    }
    return new PipelineSpec(steps, quality, reply);
  }

  /**
   * Parses a {@code pipeline} control message or a configured pipeline:
   * {@code {"ops":[...], "quality": N, "reply": "image", "replyFormat": "jpeg"|"vp8"}}; a missing
   * {@code quality} keeps {@code defaultQuality}, a missing {@code reply} is {@code image}, a missing
   * {@code replyFormat} is {@code jpeg}.
   */
  public PipelineSpec parse(JsonObject pipeline, int defaultQuality) {
    return parse(pipeline, defaultQuality, ReplyMode.IMAGE);
  }

  /** {@link #parse(JsonObject, int)}; a missing {@code reply} keeps {@code defaultReply}. */
  public PipelineSpec parse(JsonObject pipeline, int defaultQuality, ReplyMode defaultReply) {
    Object ops = pipeline.getValue("ops");
    if (!(ops instanceof JsonArray array)) {
      throw new PipelineException("'ops' must be a list of ops, got " + ops);
    }
    PipelineSpec spec = parse(array, checkQuality(pipeline.getValue("quality", defaultQuality)),
      checkReply(pipeline.getValue("reply"), defaultReply));
    Object replyFormat = pipeline.getValue("replyFormat", PipelineSpec.JPEG);
    if (!(replyFormat instanceof String format) || !PipelineSpec.REPLY_FORMATS.contains(format)) {
      throw new PipelineException("'replyFormat' must be one of " + PipelineSpec.REPLY_FORMATS + ", got " + replyFormat);
    }
    return new PipelineSpec(spec.steps(), spec.quality(), spec.reply(), format);
  }

  /** The reply mode named, refused when it is none of image, results, both. */
  private static ReplyMode checkReply(Object reply, ReplyMode defaultReply) {
    if (reply == null) {
      return defaultReply;
    }
    try {
      return ReplyMode.of((String) REPLY.normalize(reply));
    } catch (IllegalArgumentException e) {
      throw new PipelineException(e.getMessage());
    }
  }

  /** The quality as an int, refused (not truncated) when it is no integer from 1 to 100. */
  private static int checkQuality(Object quality) {
    try {
      return (Integer) QUALITY.normalize(quality);
    } catch (IllegalArgumentException e) {
      throw new PipelineException(e.getMessage());
    }
  }

  private PipelineSpec.Step parseStep(int index, JsonObject json) {
    Object name = json.getValue("op");
    FrameOpFactory factory = name instanceof String s ? factories.get(s) : null;
    if (factory == null) {
      throw new PipelineException("ops[" + index + "]: unknown op " + (name == null ? "(missing \"op\")" : "'" + name + "'")
        + "; known ops: " + String.join(", ", factories.keySet()));
    }
    String prefix = "ops[" + index + "] (" + factory.name() + "): ";
    factory.unavailableReason().ifPresent(reason -> {
      throw new PipelineException(prefix + "op is unavailable on this server: " + reason);
    });
    JsonObject params = new JsonObject();
    List<String> known = new ArrayList<>();
    for (OpParam param : factory.params()) {
      known.add(param.name());
      Object value = json.getValue(param.name());
      try {
        if (value != null) {
          params.put(param.name(), param.normalize(value));
        } else if (param.defaultValue() != null) {
          params.put(param.name(), param.defaultValue());
        }
      } catch (IllegalArgumentException e) {
        throw new PipelineException(prefix + e.getMessage());
      }
    }
    for (String key : json.fieldNames()) {
      if (!key.equals("op") && !known.contains(key)) {
        throw new PipelineException(prefix + "unknown parameter '" + key + "'; parameters: "
          + (known.isEmpty() ? "none" : String.join(", ", known)));
      }
    }
    try {
      factory.validate(params);
    } catch (IllegalArgumentException e) {
      throw new PipelineException(prefix + e.getMessage());
    }
    return new PipelineSpec.Step(factory.name(), factory.normalize(params));
  }

  /** Creates the op instances of a pipeline, for the worker that owns {@code context}. */
  public List<FrameOp> create(PipelineSpec spec, OpContext context) {
    List<FrameOp> ops = new ArrayList<>();
    try {
      for (PipelineSpec.Step step : spec.steps()) {
        FrameOpFactory factory = factories.get(step.op());
        if (factory == null) {
          throw new PipelineException("op '" + step.op() + "' is not registered on this worker");
        }
        ops.add(factory.create(step.params(), context));
      }
      return ops;
    } catch (RuntimeException e) {
      ops.forEach(FrameOp::close);
      throw e;
    }
  }
}
