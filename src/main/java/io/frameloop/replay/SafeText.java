package io.frameloop.replay;

/**
 * Text from a server (drop reasons, error messages, close reasons, a refusal's body) made safe to
 * write: well-formed UTF-16 for files, and with control characters shown, not obeyed, for a terminal.
 */
public final class SafeText {

  /** Longest piece of server text kept in a name (a drop reason, an op name). */
  public static final int MAX_NAME_CHARS = 100;
  /** Longest piece of server text put into an error message. */
  public static final int MAX_MESSAGE_CHARS = 500;

  private SafeText() {
  }

  /** {@code text} with each lone surrogate replaced by U+FFFD, so that it encodes as UTF-8 (a UTF-8 writer throws on them). */
  public static String wellFormed(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
      if (pair) {
        if (out != null) {
          out.append(c).append(text.charAt(i + 1));
        }
        i++;
      } else if (Character.isSurrogate(c)) {
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
        out.append('\uFFFD');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /**
   * {@code text} for a terminal: control characters (C0 but newline and tab, DEL, C1) and the
   * bidirectional overrides written as {@code \u001b}-style escapes, so a server cannot move the
   * cursor, clear the screen, set the title or reorder what is shown; lone surrogates replaced.
   */
  public static String forTerminal(String text) {
    if (text == null) {
      return null;
    }
    String wellFormed = wellFormed(text);
    StringBuilder out = new StringBuilder(wellFormed.length());
    for (int i = 0; i < wellFormed.length(); i++) {
      char c = wellFormed.charAt(i);
      if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F) || isBidiControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** At most {@code max} characters of {@code text} (a pair never split), marked with … when cut. */
  public static String truncate(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end) + "…";
  }

  private static boolean isBidiControl(char c) {
    return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E' || c == '\u200F'
      || c == '\u061C';
  }
}
