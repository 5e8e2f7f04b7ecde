package io.frameloop.replay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** The adaptive replay's lines in the summary table. */
public final class AdaptiveLines {

  private AdaptiveLines() {
  }

  /** One line per session: the setting most frames went at, the settings at the end and what limited them. */
  public static String table(JsonArray sessions) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < sessions.size(); i++) {
      JsonObject s = sessions.getJsonObject(i);
      sb.append(String.format(Locale.ROOT, "%-18s target %.0f ms: most frames at %s; at the end q%.2f %dw %dfps, limited by %s, %d changes%n",
        sessions.size() == 1 ? "adaptive" : "adaptive #" + i, s.getDouble("targetMs"), s.getString("mostSent"),
        s.getDouble("quality"), s.getInteger("width"), s.getInteger("fps"), s.getString("limiter"), s.getInteger("changes")));
    }
    return sb.toString();
  }
}
