package io.frameloop.server;

import io.frameloop.auth.AuthOptions;
import io.frameloop.pipeline.ImageLimits;
import io.frameloop.pipeline.PipelineLimits;
import io.frameloop.pipeline.ops.faces.FaceOptions;
import io.frameloop.record.RecordingOptions;
import io.frameloop.session.SessionOptions;
import io.frameloop.worker.WorkerOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.beans.Introspector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configuration keys FrameLoop knows (its options' setters, as the generated converters read
 * them, plus the HTTP shortcuts), and a warning naming the closest known key for one it does not:
 * a misspelt key would otherwise be ignored without a word.
 */
final class ConfigKeys {

  private static final System.Logger LOG = System.getLogger(ConfigKeys.class.getName());
  private static final List<Class<?>> OWNERS = List.of(FrameLoopOptions.class, RouteOptions.class, ConnectionLimits.class,
    SessionOptions.class, ImageLimits.class, PipelineLimits.class, WorkerOptions.class, ClusterOptions.class, AuthOptions.class,
    RecordingOptions.class, FaceOptions.class);
  static final Set<String> KNOWN = known();

  private ConfigKeys() {
  }

  private static Set<String> known() {
    Set<String> keys = new TreeSet<>(HttpServerConfig.shortcutTypes().fieldNames());
    keys.add("httpServerOptions");
    for (Class<?> owner : OWNERS) {
      for (Method method : owner.getMethods()) {
        Class<?>[] parameters = method.getParameterTypes();
        // The owners' own setters (setSessionOptions...) compose, they are not keys.
        if (method.getName().startsWith("set") && parameters.length == 1 && !Modifier.isStatic(method.getModifiers())
          && !OWNERS.contains(parameters[0]) && parameters[0] != HttpServerOptions.class) {
          keys.add(Introspector.decapitalize(method.getName().substring(3)));
        }
      }
    }
    return keys;
  }

  /** Logs a warning for each key of {@code config} that no option reads. */
  static void warnUnknown(JsonObject config) {
    for (String key : config.fieldNames()) {
      if (!KNOWN.contains(key)) {
        LOG.log(System.Logger.Level.WARNING, "unknown configuration key ''{0}'' is ignored{1}", key, suggestion(key));
      }
    }
  }

  static String suggestion(String key) {
    String closest = KNOWN.stream().min(Comparator.comparingInt(known -> distance(known.toLowerCase(), key.toLowerCase()))).orElse(null);
    return closest != null && distance(closest.toLowerCase(), key.toLowerCase()) <= Math.max(2, key.length() / 3)
      ? " (did you mean '" + closest + "'?)" : "";
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
