package io.frameloop.replay;

import java.util.Locale;

/** What limits the round trip, as an adaptive client sees it (docs/ADAPTIVE.md; the same names in adaptive.js). */
public enum Limiter {
  NONE, UPLINK, SERVER, DOWNLINK;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
