package io.frameloop.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The reply quality's rules on a simulated clock: down fast under a growing queue, up slowly once it empties. */
class ReplyQualityStepsTest {

  private static final long MAX = 256 * 1024;

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void lowersFastToTheFloorAndRaisesSlowlyBackToThePipelines() {
    ReplyQuality quality = new ReplyQuality(MAX);
    long t = System.nanoTime();
    assertThat(quality.next(80, 0, t)).isEqualTo(80);
    assertThat(quality.next(80, MAX / 4 + 1, t += ms(1))).isEqualTo(70);
    assertThat(quality.next(80, MAX / 4 + 1, t += ms(50))).as("at most every 100 ms").isEqualTo(70);
    assertThat(quality.next(80, MAX / 2 + 1, t += ms(100))).as("twice the step past half the limit").isEqualTo(50);
    for (int i = 0; i < 10; i++) {
      quality.next(80, MAX, t += ms(100));
    }
    assertThat(quality.current(80)).isEqualTo(ReplyQuality.FLOOR);
    // The queue empties: one step up per 2 s, never above the pipeline's own quality.
    assertThat(quality.next(80, 0, t += ms(1000))).isEqualTo(ReplyQuality.FLOOR);
    assertThat(quality.next(80, 0, t += ms(1000))).isEqualTo(ReplyQuality.FLOOR + 5);
    for (int i = 0; i < 20; i++) {
      quality.next(80, 0, t += ms(2000));
    }
    assertThat(quality.current(80)).isEqualTo(80);
    assertThat(quality.current(95)).as("a pipeline raised later is not held down").isEqualTo(95);
    // A queue between the marks changes nothing.
    assertThat(quality.next(80, MAX / 8, t += ms(5000))).isEqualTo(80);
  }
}
