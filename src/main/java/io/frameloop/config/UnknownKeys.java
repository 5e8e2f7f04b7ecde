package io.frameloop.config;

import io.vertx.core.json.JsonObject;
import java.beans.Introspector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys an options class reads (its setters, as its generated converter reads them), and the
 * warning, with the closest known name, for a key it does not: a misspelt key would otherwise be
 * ignored without a word. Only keys are named, never values (a value may be a secret).
 */
public final class UnknownKeys {

  private static final System.Logger LOG = System.getLogger(UnknownKeys.class.getName());

  /** Each options class's keys, found once. */
  private static final ClassValue<Set<String>> SETTER_KEYS = new ClassValue<>() {
    @Override
    protected Set<String> computeValue(Class<?> type) {
      return Collections.unmodifiableSet(findSetterKeys(type));
    }
  };

  private UnknownKeys() {
  }

  /** The JSON names of a data object's setters: {@code setMaxFps} reads {@code maxFps}. */
  public static Set<String> setterKeys(Class<?> type) {
    return SETTER_KEYS.get(type);
  }

  private static Set<String> findSetterKeys(Class<?> type) {
    Set<String> keys = new TreeSet<>();
    for (Method method : type.getMethods()) {
      if (method.getName().startsWith("set") && method.getParameterCount() == 1 && !Modifier.isStatic(method.getModifiers())) {
        keys.add(Introspector.decapitalize(method.getName().substring(3)));
      }
    }
    return keys;
  }

  /** Warns about each key of {@code json} that is not one of {@code known}, naming the closest known one. */
  public static void warnUnknown(JsonObject json, Set<String> known) {
    json.fieldNames().stream().filter(key -> !known.contains(key)).sorted()
      .forEach(key -> warn(key, closest(key, known).map(name -> " (did you mean '" + name + "'?)").orElse("")));
  }

  /** "unknown configuration key 'key' is ignored", and {@code suggestion} after it. */
  public static void warn(String key, String suggestion) {
    LOG.log(System.Logger.Level.WARNING, "unknown configuration key ''{0}'' is ignored{1}", key, suggestion);
  }

  /** The candidate closest to {@code key}, if one is close enough to be a misspelling of it. */
  public static Optional<String> closest(String key, Collection<String> candidates) {
    String lower = key.toLowerCase();
    return candidates.stream().min(Comparator.comparingInt(known -> distance(known.toLowerCase(), lower)))
      .filter(closest -> distance(closest.toLowerCase(), lower) <= Math.max(2, key.length() / 3));
  }

  /** Levenshtein distance. */
  public static int distance(String a, String b) {
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
