package io.frameloop.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** maxFps and maxPingsPerSecond: a second's worth at once, then the rate, never more. */
class RateLimiterTest {

  private static final long SECOND = 1_000_000_000L;

  private static int acquired(RateLimiter limiter, long nowNanos, int attempts) {
    int granted = 0;
    for (int i = 0; i < attempts; i++) {
      if (limiter.tryAcquire(nowNanos)) {
        granted++;
      }
    }
    return granted;
  }

  @Test
  void aBurstOfOneSecondsWorthThenNothingUntilTimePasses() {
    RateLimiter limiter = new RateLimiter(5);
    long start = 1_000 * SECOND;
    assertThat(acquired(limiter, start, 20)).isEqualTo(5);
    assertThat(limiter.tryAcquire(start + SECOND / 5 - 1)).as("just under one frame's time").isFalse();
    assertThat(limiter.tryAcquire(start + SECOND / 5 + 1)).as("one frame's time later").isTrue();
    assertThat(limiter.tryAcquire(start + SECOND / 5 + 2)).isFalse();
  }

  @Test
  void theRateHoldsOverTime() {
    RateLimiter limiter = new RateLimiter(10);
    long now = 0;
    int granted = acquired(limiter, now, 10);
    // 100 attempts a second for 5 seconds: the burst, then 10 a second.
    for (int tick = 1; tick <= 500; tick++) {
      now += SECOND / 100;
      granted += acquired(limiter, now, 1);
    }
    assertThat(granted).isBetween(59, 60);
  }

  @Test
  void unusedTimeIsBankedOnlyUpToOneSecondsWorth() {
    RateLimiter limiter = new RateLimiter(4);
    assertThat(acquired(limiter, 0, 4)).isEqualTo(4);
    assertThat(acquired(limiter, 60 * SECOND, 100)).as("a minute of silence buys one burst").isEqualTo(4);
    assertThat(acquired(limiter, 60 * SECOND + SECOND / 2, 100)).isEqualTo(2);
  }

  @Test
  void theFirstCallStartsTheClockWhateverItsValue() {
    RateLimiter limiter = new RateLimiter(2);
    assertThat(acquired(limiter, -5 * SECOND, 3)).isEqualTo(2);
    assertThat(acquired(limiter, -5 * SECOND + SECOND / 2, 3)).isEqualTo(1);
  }

  @Test
  void zeroMeansNoLimit() {
    RateLimiter limiter = new RateLimiter(0);
    assertThat(acquired(limiter, 0, 10_000)).isEqualTo(10_000);
  }
}
