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

/**
 * Reads the server configuration with vertx-config, later sources winning:
 * <ol>
 *   <li>the built-in defaults ({@link FrameLoopOptions});</li>
 *   <li>the JSON file (default {@code config.json}), if it exists (a malformed one is an error);</li>
 *   <li>system properties {@code -Dframeloop.<field>=value}, e.g. {@code -Dframeloop.port=9090};</li>
 *   <li>environment variables {@code FRAMELOOP_<FIELD>}, e.g. {@code FRAMELOOP_PORT=9090} or
 *       {@code FRAMELOOP_WORKER_INSTANCES=4}.</li>
 * </ol>
 */
public final class ConfigLoader {

  static final String SYS_PREFIX = "frameloop";
  static final String ENV_PREFIX = "FRAMELOOP_";

  private ConfigLoader() {
  }

  public static Future<FrameLoopOptions> load(Vertx vertx, String file) {
    ConfigRetrieverOptions stores = new ConfigRetrieverOptions()
      .setIncludeDefaultStores(false)
      .addStore(new ConfigStoreOptions().setType("json").setConfig(new FrameLoopOptions().toJson()));
    // An optional store would also hide a malformed file; only a missing one may be skipped.
    if (Files.exists(Path.of(file))) {
      stores.addStore(new ConfigStoreOptions().setType("file").setFormat("json").setConfig(new JsonObject().put("path", file)));
    }
    stores
      .addStore(new ConfigStoreOptions().setType("sys").setConfig(new JsonObject().put("hierarchical", true).put("raw-data", true)))
      // Raw: values stay text (a password "0123" stays "0123"); FrameLoopOptions converts them by type.
      .addStore(new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, stores);
    return retriever.getConfig()
      .map(ConfigLoader::applyOverrides)
      .map(FrameLoopOptions::new)
      .eventually(() -> {
        retriever.close();
        return Future.succeededFuture();
      })
      .recover(e -> Future.failedFuture(new IllegalArgumentException("cannot read configuration " + file + ": " + e.getMessage(), e)));
  }

  /**
   * Lifts {@code frameloop.*} properties and {@code FRAMELOOP_*} variables over the file's fields,
   * and leaves out the rest of the environment and system properties; warns about keys that no
   * option reads.
   */
  static JsonObject applyOverrides(JsonObject merged) {
    JsonObject config = merged.copy();
    System.getenv().keySet().forEach(config::remove);
    System.getProperties().stringPropertyNames().forEach(name -> config.remove(name.split("\\.", 2)[0]));
    Object fromSys = merged.getValue(SYS_PREFIX);
    if (fromSys instanceof JsonObject sys) {
      config.mergeIn(sys);
    }
    for (Map.Entry<String, Object> entry : merged) {
      if (entry.getKey().startsWith(ENV_PREFIX)) {
        config.put(camelCase(entry.getKey().substring(ENV_PREFIX.length())), entry.getValue());
      }
    }
    ConfigKeys.warnUnknown(config);
    return config;
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
