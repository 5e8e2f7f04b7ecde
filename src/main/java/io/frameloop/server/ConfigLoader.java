package io.frameloop.server;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the server configuration with vertx-config, later sources winning:
 * <ol>
 *   <li>the built-in defaults ({@link FrameLoopOptions});</li>
 *   <li>the JSON file (default {@code config.json}), if it exists (a malformed one is an error);</li>
 *   <li>system properties {@code -Dframeloop.<key>=value}, e.g. {@code -Dframeloop.port=9090} or
 *       {@code -Dframeloop.sessionOptions.maxFps=30};</li>
 *   <li>environment variables {@code FRAMELOOP_<KEY>} of the flat keys, e.g. {@code FRAMELOOP_PORT=9090} or
 *       {@code FRAMELOOP_WORKER_INSTANCES=4}; an owner's whole object as JSON, e.g.
 *       {@code FRAMELOOP_SESSION_OPTIONS='{"maxFps":30}'}.</li>
 * </ol>
 * The file may use the nested form ({@code {"sessionOptions":{"maxFps":30}}}, as
 * {@link FrameLoopOptions#toJson} writes it) or the flat one ({@code {"maxFps":30}}), or both.
 */
public final class ConfigLoader {

  static final String SYS_PREFIX = "frameloop";
  static final String ENV_PREFIX = "FRAMELOOP_";
  /** FRAMELOOP_ variables of the clients (replay's token), not the server's. */
  private static final Set<String> NOT_SERVER_SETTINGS = Set.of("FRAMELOOP_TOKEN");

  private ConfigLoader() {
  }

  public static Future<FrameLoopOptions> load(Vertx vertx, String file) {
    ConfigRetrieverOptions fileStores = new ConfigRetrieverOptions()
      .setIncludeDefaultStores(false)
      .addStore(new ConfigStoreOptions().setType("json").setConfig(new FrameLoopOptions().toJson()));
    // An optional store would also hide a malformed file; only a missing one may be skipped.
    if (Files.exists(Path.of(file))) {
      fileStores.addStore(new ConfigStoreOptions().setType("file").setFormat("json").setConfig(new JsonObject().put("path", file)));
    }
    // Read apart from the file, so that only FrameLoop's own names are taken from them.
    ConfigRetrieverOptions overrideStores = new ConfigRetrieverOptions()
      .setIncludeDefaultStores(false)
      .addStore(new ConfigStoreOptions().setType("sys").setConfig(new JsonObject().put("hierarchical", true).put("raw-data", true)))
      // Raw: values stay text (a password "0123" stays "0123"); FrameLoopOptions converts them by type.
      .addStore(new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true)));
    ConfigRetriever fromFile = ConfigRetriever.create(vertx, fileStores);
    ConfigRetriever fromOverrides = ConfigRetriever.create(vertx, overrideStores);
    return fromFile.getConfig()
      .compose(base -> fromOverrides.getConfig().map(overrides -> applyOverrides(base, overrides)))
      .map(FrameLoopOptions::new)
      .eventually(() -> {
        fromFile.close();
        fromOverrides.close();
        return Future.succeededFuture();
      })
      .recover(e -> Future.failedFuture(new IllegalArgumentException("cannot read configuration " + file + ": " + e.getMessage(), e)));
  }

  /**
   * The defaults and the file's fields ({@code base}), with {@code frameloop.*} properties and
   * {@code FRAMELOOP_*} variables from {@code overrides} lifted over them; nothing else of the
   * environment or the system properties. Each may use the flat keys ({@code frameloop.maxFps})
   * or the nested ones ({@code frameloop.sessionOptions.maxFps}); a later one wins either way
   * ({@link ConfigAliases#overlay}). The keys no option reads are warned about once, by
   * {@link FrameLoopOptions}' JSON constructor.
   */
  static JsonObject applyOverrides(JsonObject base, JsonObject overrides) {
    JsonObject config = base;
    Object fromSys = overrides.getValue(SYS_PREFIX);
    if (fromSys instanceof JsonObject sys) {
      config = ConfigAliases.overlay(config, sys);
    }
    JsonObject fromEnv = new JsonObject();
    for (Map.Entry<String, Object> entry : overrides) {
      if (entry.getKey().startsWith(ENV_PREFIX) && !NOT_SERVER_SETTINGS.contains(entry.getKey())) {
        fromEnv.put(camelCase(entry.getKey().substring(ENV_PREFIX.length())), entry.getValue());
      }
    }
    return ConfigAliases.overlay(config, fromEnv);
  }

  /** {@code WORKER_INSTANCES} to {@code workerInstances}. */
  static String camelCase(String envName) {
    StringBuilder sb = new StringBuilder();
    boolean upper = false;
    for (char c : envName.toLowerCase(Locale.ROOT).toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.toString();
  }
}
