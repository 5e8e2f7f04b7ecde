package io.frameloop.protocol;

/**
 * What a binary message carries, from its header's flags (byte 3): a JPEG (flags 0, or a bare
 * message), or a video chunk ({@code 0x01}), a key chunk when {@code 0x02} is set too.
 */
public enum FrameKind {
  JPEG(0),
  VIDEO_DELTA(Flags.VIDEO),
  VIDEO_KEY(Flags.VIDEO | Flags.KEY);

  /** The header's flag bits. */
  public static final class Flags {
    /** The payload is a video chunk of the session's {@code video} stream, not a JPEG. */
    public static final int VIDEO = 0x01;
    /** A key chunk (decodable on its own); only with {@link #VIDEO}. */
    public static final int KEY = 0x02;

    private Flags() {
    }
  }

  private final int flags;

  FrameKind(int flags) {
    this.flags = flags;
  }

  /** The header's flags byte for this kind. */
  public int flags() {
    return flags;
  }

  public boolean video() {
    return this != JPEG;
  }

  public boolean key() {
    return this == VIDEO_KEY;
  }
}
