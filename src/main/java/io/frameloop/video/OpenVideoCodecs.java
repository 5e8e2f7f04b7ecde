package io.frameloop.video;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the video decoders and encoders open now (each holds native codec state), so that a test
 * or a soak run proves every one is closed: like {@code NativeMats} for Mats.
 */
public final class OpenVideoCodecs {

  private static final AtomicLong DECODERS = new AtomicLong();
  private static final AtomicLong ENCODERS = new AtomicLong();

  private OpenVideoCodecs() {
  }

  public static long decoders() {
    return DECODERS.get();
  }

  public static long encoders() {
    return ENCODERS.get();
  }

  static void decoderOpened() {
    DECODERS.incrementAndGet();
  }

  static void decoderClosed() {
    DECODERS.decrementAndGet();
  }

  static void encoderOpened() {
    ENCODERS.incrementAndGet();
  }

  static void encoderClosed() {
    ENCODERS.decrementAndGet();
  }
}
