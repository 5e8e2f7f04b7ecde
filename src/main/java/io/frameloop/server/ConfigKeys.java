package io.frameloop.server;

import io.frameloop.config.UnknownKeys;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configuration keys FrameLoop knows ({@link ConfigAliases}' table) and a warning naming the
 * closest known key for one it does not: a misspelt key would otherwise be ignored without a word.
 * It looks into the owners' objects too: {@code {"sessionOptions":{"maxFsp":1}}} is misspelt,
 * {@code {"routeOptions":{"maxFps":1}}} is under the wrong owner. {@link FrameLoopOptions}' JSON
 * constructor warns, so every way in (the file, the JSON constructor, the verticle's config, an
 * owner given as JSON text) warns the same, once for each time the options are read; an owner's
 * own JSON constructor ({@code new SessionOptions(json)}) warns about its keys itself, and is
 * given only known keys here so that it does not warn twice.
 */
final class ConfigKeys {

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
    UnknownKeys.warn(key, suggestion);
  }

  /**
   * {@code nested} (as {@link ConfigAliases#nest} gives it) without the keys {@link #warnUnknown}
   * already warned about, at the top and in the owners' objects: the owners' JSON constructors
   * warn about keys they do not read, and would warn a second time.
   */
  static JsonObject withoutUnknown(JsonObject nested) {
    JsonObject known = new JsonObject();
    for (Map.Entry<String, Object> entry : nested) {
      String key = entry.getKey();
      Set<String> ownerKeys = ConfigAliases.OWNER_KEYS.get(key);
      if (ownerKeys != null && entry.getValue() instanceof JsonObject owner) {
        JsonObject ownersKnown = new JsonObject();
        owner.forEach(leaf -> {
          if (ownerKeys.contains(leaf.getKey())) {
            ownersKnown.put(leaf.getKey(), leaf.getValue());
          }
        });
        known.put(key, ownersKnown);
      } else if (ownerKeys != null || ConfigAliases.TOP_LEVEL_KEYS.contains(key)) {
        known.put(key, entry.getValue());
      }
    }
    return known;
  }

  /** For a top-level key: the closest flat key or owner's name. */
  static String suggestion(String key) {
    Set<String> candidates = new TreeSet<>(KNOWN);
    candidates.addAll(ConfigAliases.OWNERS.keySet());
    return UnknownKeys.closest(key, candidates).map(name -> " (did you mean '" + name + "'?)").orElse("");
  }

  /**
   * For a key in an owner's object: its right place when it belongs to another owner, else the
   * closest of the owner's own keys.
   */
  static String nestedSuggestion(String owner, String key) {
    if (ConfigAliases.FLAT_KEYS.containsKey(key)) {
      return " (did you mean '" + ConfigAliases.nestedName(key) + "'?)";
    }
    return UnknownKeys.closest(key, ConfigAliases.OWNER_KEYS.get(owner)).map(name -> " (did you mean '" + owner + "." + name + "'?)").orElse("");
  }
}
