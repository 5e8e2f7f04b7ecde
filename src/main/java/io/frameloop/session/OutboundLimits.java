package io.frameloop.session;

/**
 * Everything {@code writeQueueMaxBytes} bounds, derived here and nowhere else. The setting has one
 * meaning: the bytes a session may have written and not yet handed to the network. From it:
 * <ul>
 *   <li>{@link SessionOutput} drops processed frames as {@code slow_client} and skips {@code stats}
 *       past {@link #maxUnsentBytes}, and closes a client whose unsent answers alone pass it;</li>
 *   <li>{@link ReplyQuality} lowers the JPEG quality past a quarter of it (twice as fast past half)
 *       and raises it again below a sixteenth;</li>
 *   <li>Vert.x's own write queue of the socket ({@code setWriteQueueMaxSize}, what
 *       {@code writeQueueFull()} and pipes see) is set to the same bytes.</li>
 * </ul>
 *
 * @param maxUnsentBytes {@code writeQueueMaxBytes}
 */
public record OutboundLimits(long maxUnsentBytes) {

  public static OutboundLimits of(SessionOptions options) {
    return new OutboundLimits(options.getWriteQueueMaxBytes());
  }

  /** Vert.x's write queue of the session's socket. */
  public int socketWriteQueueMaxSize() {
    return (int) Math.min(Integer.MAX_VALUE, maxUnsentBytes);
  }

  /** Unsent bytes past which the reply quality is lowered. */
  long lowerQualityAbove() {
    return maxUnsentBytes / 4;
  }

  /** Unsent bytes past which the reply quality is lowered twice as fast. */
  long lowerQualityFastAbove() {
    return maxUnsentBytes / 2;
  }

  /** Unsent bytes below which the reply quality is raised again. */
  long raiseQualityBelow() {
    return maxUnsentBytes / 16;
  }
}
