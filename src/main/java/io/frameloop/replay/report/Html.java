package io.frameloop.replay.report;

/** Text made safe for XHTML (element content and quoted attribute values). */
final class Html {

  private Html() {
  }

  /**
   * {@code text} escaped for markup, and with the characters XML 1.0 does not allow (C0 controls
   * but tab, newline and carriage return; U+FFFE, U+FFFF; lone surrogates) written visibly as
   * {@code \u0001}-style text: no character reference can stand for them, and the page must parse.
   */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> i = appendXmlChar(out, text, i);
      }
    }
    return out.toString();
  }

  /** {@code text} (markup already made) with the characters XML 1.0 does not allow written visibly, as in {@link #escape}. */
  static String xmlChars(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      i = appendXmlChar(out, text, i);
    }
    return out.toString();
  }

  /** Appends the character at {@code i} (a surrogate pair whole), or its visible escape; returns the last index used. */
  private static int appendXmlChar(StringBuilder out, String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
      out.append(c).append(text.charAt(i + 1));
      return i + 1;
    }
    boolean allowed = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0xFFFE && !Character.isSurrogate(c));
    if (allowed) {
      out.append(c);
    } else {
      out.append(String.format("\\u%04x", (int) c));
    }
    return i;
  }
}
