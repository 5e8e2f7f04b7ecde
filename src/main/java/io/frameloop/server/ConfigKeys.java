package io.frameloop.server;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configuration keys FrameLoop knows ({@link ConfigAliases}' table) and a warning naming the
 * closest known key for one it does not: a misspelt key would otherwise be ignored without a word.
 * It looks into the owners' objects too: {@code {"sessionOptions":{"maxFsp":1}}} is misspelt,
 * {@code {"routeOptions":{"maxFps":1}}} is under the wrong owner. {@link FrameLoopOptions}' JSON
 * constructor warns, so every way in (the file, the JSON constructor, the verticle's config) warns
 * the same, once for each time the options are read.
 */
final class ConfigKeys {

  private static final System.Logger LOG = System.getLogger(ConfigKeys.class.getName());

  /** The flat keys: FrameLoopOptions' own, every owner's, and the HTTP shortcuts. */
  static final Set<String> KNOWN = known();

  private ConfigKeys() {
  }

  private static Set<String> known() {
    Set<String> keys = new TreeSet<>(ConfigAliases.TOP_LEVEL_KEYS);
    keys.addAll(ConfigAliases.FLAT_KEYS.keySet());
    return keys;
  }

  /** Logs a warning for each key of {@code config}, and of its owners' objects, that no option reads. */
  static void warnUnknown(JsonObject config) {
    for (Map.Entry<String, Object> entry : config) {
      String key = entry.getKey();
      Set<String> ownerKeys = ConfigAliases.OWNER_KEYS.get(key);
      if (ownerKeys != null) {
        if (entry.getValue() instanceof JsonObject owner) {
          owner.fieldNames().stream().filter(leaf -> !ownerKeys.contains(leaf))
            .forEach(leaf -> warn(key + "." + leaf, nestedSuggestion(key, leaf)));
        }
      } else if (!KNOWN.contains(key)) {
        warn(key, suggestion(key));
      }
    }
  }

  private static void warn(String key, String suggestion) {
    LOG.log(System.Logger.Level.WARNING, "unknown configuration key ''{0}'' is ignored{1}", key, suggestion);
  }

  /** For a top-level key: the closest flat key or owner's name. */
  static String suggestion(String key) {
    Set<String> candidates = new TreeSet<>(KNOWN);
    candidates.addAll(ConfigAliases.OWNERS.keySet());
    return closest(key, candidates).map(name -> " (did you mean '" + name + "'?)").orElse("");
  }

  /**
   * For a key in an owner's object: its right place when it belongs to another owner, else the
   * closest of the owner's own keys.
   */
  static String nestedSuggestion(String owner, String key) {
    if (ConfigAliases.FLAT_KEYS.containsKey(key)) {
      return " (did you mean '" + ConfigAliases.nestedName(key) + "'?)";
    }
    return closest(key, ConfigAliases.OWNER_KEYS.get(owner)).map(name -> " (did you mean '" + owner + "." + name + "'?)").orElse("");
  }

  private static Optional<String> closest(String key, Collection<String> candidates) {
    String lower = key.toLowerCase();
    return candidates.stream().min(Comparator.comparingInt(known -> distance(known.toLowerCase(), lower)))
      .filter(closest -> distance(closest.toLowerCase(), lower) <= Math.max(2, key.length() / 3));
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
