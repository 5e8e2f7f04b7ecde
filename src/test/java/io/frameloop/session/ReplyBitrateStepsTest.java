package io.frameloop.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The VP8 reply bitrate's rules on a simulated clock: down fast under a growing queue to the floor, up slowly once it empties. */
class ReplyBitrateStepsTest {

  private static final long MAX = 256 * 1024;

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void lowersFastToTheFloorAndRaisesSlowlyBackToTheStart() {
    long t = System.nanoTime();
    ReplyBitrate bitrate = new ReplyBitrate(MAX);
    assertThat(bitrate.next(0, t)).isEqualTo(ReplyBitrate.START);
    assertThat(bitrate.next(MAX / 4 + 1, t += ms(1))).as("not within 300 ms of the start").isEqualTo(ReplyBitrate.START);
    assertThat(bitrate.next(MAX / 4 + 1, t += ms(300))).isEqualTo(700_000);
    assertThat(bitrate.next(MAX / 4 + 1, t += ms(100))).as("at most every 300 ms").isEqualTo(700_000);
    assertThat(bitrate.next(MAX / 2 + 1, t += ms(300))).as("to half the step past half the limit").isEqualTo(245_000);
    for (int i = 0; i < 5; i++) {
      bitrate.next(MAX, t += ms(300));
    }
    assertThat(bitrate.current()).isEqualTo(ReplyBitrate.FLOOR);
    // A queue between the marks changes nothing; an empty one raises it by a quarter every 2 s, up to the start.
    assertThat(bitrate.next(MAX / 8, t += ms(5000))).isEqualTo(ReplyBitrate.FLOOR);
    assertThat(bitrate.next(0, t += ms(1000))).isEqualTo(125_000);
    assertThat(bitrate.next(0, t += ms(1000))).as("at most every 2 s").isEqualTo(125_000);
    for (int i = 0; i < 20; i++) {
      bitrate.next(0, t += ms(2000));
    }
    assertThat(bitrate.current()).isEqualTo(ReplyBitrate.START);
  }
}
