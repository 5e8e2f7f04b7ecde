package io.frameloop.config;

/**
 * The range checks of every options owner's setters, so that a setting out of range is refused
 * with the same words wherever it is set: {@code maxFps must be at least 0, got -1}. Each returns
 * the value, for {@code this.maxFps = Ranges.atLeast("maxFps", maxFps, 0)}.
 */
public final class Ranges {

  private Ranges() {
  }

  /** {@code value}, refused below {@code min}: "{@code name} must be at least {@code min}, got ...". */
  public static int atLeast(String name, int value, int min) {
    return (int) atLeast(name, (long) value, min);
  }

  /** {@link #atLeast(String, int, int)} for a long setting. */
  public static long atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
    }
    return value;
  }

  /**
   * {@code value}, refused below {@code min}, where {@code min} has a meaning of its own (0: no
   * limit): "{@code name} must be 0 (no limit) or more, got ...".
   */
  public static int atLeast(String name, int value, int min, String meaningOfMin) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be " + min + " (" + meaningOfMin + ") or more, got " + value);
    }
    return value;
  }

  /** {@code value}, refused outside {@code min..max}: "{@code name} must be between 1 and 256, got ...". */
  public static int between(String name, int value, int min, int max) {
    return (int) between(name, (long) value, min, max);
  }

  /** {@link #between(String, int, int, int)} for a long setting. */
  public static long between(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** A port number: 0 (any free port) to 65535. */
  public static int port(String name, int value) {
    return between(name, value, 0, 65535);
  }
}
