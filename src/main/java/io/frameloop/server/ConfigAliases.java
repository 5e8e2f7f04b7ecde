package io.frameloop.server;

import io.frameloop.auth.AuthOptions;
import io.frameloop.config.ConfigValues;
import io.frameloop.config.UnknownKeys;
import io.frameloop.pipeline.ImageLimits;
import io.frameloop.pipeline.PipelineLimits;
import io.frameloop.pipeline.ops.faces.FaceOptions;
import io.frameloop.record.RecordingOptions;
import io.frameloop.session.SessionOptions;
import io.frameloop.worker.WorkerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one table of the configuration's flat keys and where each one lives in the nested form. The
 * nested form is {@link FrameLoopOptions#toJson}'s ({@code {"sessionOptions":{"maxFps":30}}});
 * the flat form is today's {@code config.json}, {@code -Dframeloop.maxFps} and
 * {@code FRAMELOOP_MAX_FPS}: each owner's keys at the top, and the shortcuts {@code host},
 * {@code port} and {@code tls*} of {@code httpServerOptions}. {@link #nest} is the one place a flat
 * key is rewritten to its nested place; where a JSON object has both, the flat key wins (it is
 * the one put on top of a nested file, e.g. by an environment variable).
 */
final class ConfigAliases {

  static final String HTTP_SERVER_OPTIONS = "httpServerOptions";

  /** Each owner's key in FrameLoopOptions' JSON, and its class. */
  static final Map<String, Class<?>> OWNERS = owners();

  /** The keys each owner reads: its setters, as its generated converter reads them. */
  static final Map<String, Set<String>> OWNER_KEYS = ownerKeys();

  /** FrameLoopOptions' own keys beside the owners (tlsSelfSigned, pipeline, cluster, nodeName, resultsAddress, trustedProxies, drainGraceMs), and httpServerOptions. */
  // Named here, not read from FrameLoopOptions, which reads this table (ConfigKeysTest checks them against its setters).
  static final Set<String> TOP_LEVEL_KEYS = Set.of("tlsSelfSigned", "pipeline", "cluster", "nodeName", "resultsAddress",
    "trustedProxies", "drainGraceMs", HTTP_SERVER_OPTIONS);

  /** Every flat key, and its place in the nested form. */
  static final Map<String, List<String>> FLAT_KEYS = flatKeys();

  /**
   * The shortcuts that turn TLS on: a key store or PEM files. A key store's password alone does not
   * (a leftover FRAMELOOP_TLS_KEY_STORE_PASSWORD must not make a server without keys fail to listen).
   */
  private static final Set<String> TLS_SHORTCUTS = Set.of("tlsCertPath", "tlsKeyPath", "tlsKeyStorePath");

  /**
   * The shortcuts' types, as the configuration has always read them: Vert.x's converters skip a
   * value of another type (a password 123456 given as a number would be no password at all).
   */
  private static final JsonObject SHORTCUT_TYPES = new JsonObject().put("host", "").put("port", 0)
    .put("tlsCertPath", "").put("tlsKeyPath", "").put("tlsKeyStorePath", "").put("tlsKeyStorePassword", "");

  private ConfigAliases() {
  }

  private static Map<String, Class<?>> owners() {
    Map<String, Class<?>> owners = new LinkedHashMap<>();
    owners.put("routeOptions", RouteOptions.class);
    owners.put("connectionLimits", ConnectionLimits.class);
    owners.put("sessionOptions", SessionOptions.class);
    owners.put("imageLimits", ImageLimits.class);
    owners.put("pipelineLimits", PipelineLimits.class);
    owners.put("workerOptions", WorkerOptions.class);
    owners.put("clusterOptions", ClusterOptions.class);
    owners.put("authOptions", AuthOptions.class);
    owners.put("recordingOptions", RecordingOptions.class);
    owners.put("faceOptions", FaceOptions.class);
    return Collections.unmodifiableMap(owners);
  }

  private static Map<String, Set<String>> ownerKeys() {
    Map<String, Set<String>> keys = new LinkedHashMap<>();
    OWNERS.forEach((name, owner) -> keys.put(name, UnknownKeys.setterKeys(owner)));
    return Collections.unmodifiableMap(keys);
  }

  private static Map<String, List<String>> flatKeys() {
    Map<String, List<String>> flat = new LinkedHashMap<>();
    OWNER_KEYS.forEach((owner, keys) -> keys.forEach(key -> {
      // A flat key names one place: two owners with one key could not both keep it.
      List<String> other = flat.put(key, List.of(owner, key));
      if (other != null || TOP_LEVEL_KEYS.contains(key)) {
        throw new IllegalStateException("configuration key '" + key + "' belongs to " + owner + " and "
          + (other != null ? other.get(0) : "the top level"));
      }
    }));
    flat.put("host", List.of(HTTP_SERVER_OPTIONS, "host"));
    flat.put("port", List.of(HTTP_SERVER_OPTIONS, "port"));
    flat.put("tlsCertPath", List.of(HTTP_SERVER_OPTIONS, "pemKeyCertOptions", "certPath"));
    flat.put("tlsKeyPath", List.of(HTTP_SERVER_OPTIONS, "pemKeyCertOptions", "keyPath"));
    flat.put("tlsKeyStorePath", List.of(HTTP_SERVER_OPTIONS, "pfxKeyCertOptions", "path"));
    flat.put("tlsKeyStorePassword", List.of(HTTP_SERVER_OPTIONS, "pfxKeyCertOptions", "password"));
    return Collections.unmodifiableMap(flat);
  }

  /** The nested name of a flat key, e.g. {@code sessionOptions.maxFps}. */
  static String nestedName(String flatKey) {
    return String.join(".", FLAT_KEYS.get(flatKey));
  }

  /**
   * {@code config} in the nested form: every flat key moved to its place (over what that place held),
   * the shortcuts first made the type Vert.x reads (host, paths and password text, port a number),
   * and {@code httpServerOptions.ssl} on when a key store or PEM file is given (not for a password
   * alone). Other keys stay as they are; {@code config} itself is not changed.
   */
  static JsonObject nest(JsonObject config) {
    JsonObject typed = ConfigValues.coerce(config, SHORTCUT_TYPES);
    JsonObject nested = typed.copy();
    boolean tls = false;
    for (String key : typed.fieldNames()) {
      List<String> path = FLAT_KEYS.get(key);
      Object value = typed.getValue(key);
      if (path != null && value != null) {
        nested.remove(key);
        put(nested, path, value);
        tls |= TLS_SHORTCUTS.contains(key);
      }
    }
    if (tls) {
      put(nested, List.of(HTTP_SERVER_OPTIONS, "ssl"), true);
    }
    return nested;
  }

  /**
   * {@code top} over {@code base}, each given in the flat or the nested form or both (a file, then
   * {@code -D} properties and environment variables): a value of {@code top} replaces the same
   * setting of {@code base} whichever form either gives it in, and each keeps its form. An owner's
   * or {@code httpServerOptions}' object, given as an object or as JSON text
   * ({@code FRAMELOOP_SESSION_OPTIONS='{"maxFps":30}'}), is merged deeply into what {@code base} has
   * there, and clears the flat keys of the settings it gives, however deep they lie.
   */
  static JsonObject overlay(JsonObject base, JsonObject top) {
    JsonObject result = base.copy();
    for (Map.Entry<String, Object> entry : top) {
      String key = entry.getKey();
      Object value = objectIfText(key, entry.getValue());
      if (value instanceof JsonObject nested && (OWNERS.containsKey(key) || key.equals(HTTP_SERVER_OPTIONS))) {
        FLAT_KEYS.forEach((flat, path) -> {
          if (path.get(0).equals(key) && contains(nested, path.subList(1, path.size()))) {
            result.remove(flat);
          }
        });
        Object under = objectIfText(key, result.getValue(key));
        result.put(key, under instanceof JsonObject old ? old.copy().mergeIn(nested, true) : nested.copy());
      } else {
        List<String> path = FLAT_KEYS.get(key);
        if (path != null) {
          // An earlier owner given as text is read, so that the setting is taken out of it too.
          Object owner = objectIfText(path.get(0), result.getValue(path.get(0)));
          if (owner instanceof JsonObject) {
            result.put(path.get(0), owner);
          }
          remove(result, path);
        }
        result.put(key, entry.getValue());
      }
    }
    return result;
  }

  /**
   * The owners' keys of a nested {@code config} lifted to the top, as plug-ins' settings and
   * today's {@code config.json} have them; the HTTP server's options stay nested.
   */
  static JsonObject flatten(JsonObject config) {
    JsonObject flat = new JsonObject();
    for (Map.Entry<String, Object> entry : config) {
      if (OWNERS.containsKey(entry.getKey()) && entry.getValue() instanceof JsonObject owner) {
        flat.mergeIn(owner.copy());
      } else {
        flat.put(entry.getKey(), entry.getValue());
      }
    }
    return flat;
  }

  /**
   * An owner's or {@code httpServerOptions}' value given as JSON text (an environment variable), as
   * the object it holds; any other value as it is. Text that is no JSON object stays text, for
   * {@link FrameLoopOptions} to refuse with the key's name.
   */
  private static Object objectIfText(String key, Object value) {
    if (value instanceof String text && (OWNERS.containsKey(key) || key.equals(HTTP_SERVER_OPTIONS))) {
      try {
        return new JsonObject(text);
      } catch (DecodeException e) {
        return value;
      }
    }
    return value;
  }

  /** Whether {@code json} holds a value at {@code path}. */
  private static boolean contains(JsonObject json, List<String> path) {
    JsonObject at = json;
    for (String step : path.subList(0, path.size() - 1)) {
      if (!(at.getValue(step) instanceof JsonObject child)) {
        return false;
      }
      at = child;
    }
    return at.containsKey(path.get(path.size() - 1));
  }

  private static void put(JsonObject json, List<String> path, Object value) {
    JsonObject at = json;
    for (String step : path.subList(0, path.size() - 1)) {
      Object next = at.getValue(step);
      // A copy: the caller's nested objects are never changed.
      JsonObject child = next instanceof JsonObject object ? object.copy() : new JsonObject();
      at.put(step, child);
      at = child;
    }
    at.put(path.get(path.size() - 1), value);
  }

  private static void remove(JsonObject json, List<String> path) {
    JsonObject at = json;
    for (String step : path.subList(0, path.size() - 1)) {
      if (!(at.getValue(step) instanceof JsonObject child)) {
        return;
      }
      JsonObject copy = child.copy();
      at.put(step, copy);
      at = copy;
    }
    at.remove(path.get(path.size() - 1));
  }
}
