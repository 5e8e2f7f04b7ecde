package io.frameloop.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Keyframe requests: at most once per round trip measured from a request to its key, with a floor and a ceiling. */
class KeyRequestPacerTest {

  private static final long START = TimeUnit.SECONDS.toNanos(1_000);

  private static long ms(long millis) {
    return START + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void beforeAnyKeyAnsweredARequestTheNextWaitsHalfASecond() {
    KeyRequestPacer pacer = new KeyRequestPacer();
    assertThat(pacer.tryRequest(ms(0))).isTrue();
    assertThat(pacer.tryRequest(ms(1))).isFalse();
    assertThat(pacer.tryRequest(ms(499))).isFalse();
    assertThat(pacer.tryRequest(ms(500))).isTrue();
    assertThat(pacer.roundTripMs()).isEqualTo(KeyRequestPacer.INITIAL_MS);
  }

  @Test
  void theIntervalFollowsTheMeasuredRoundTrip() {
    KeyRequestPacer pacer = new KeyRequestPacer();
    assertThat(pacer.tryRequest(ms(0))).isTrue();
    pacer.keyArrived(ms(120)); // the key came 120 ms after the request
    assertThat(pacer.roundTripMs()).isEqualTo(120);
    assertThat(pacer.tryRequest(ms(1_000))).as("a key came since the last request").isTrue();
    assertThat(pacer.tryRequest(ms(1_119))).isFalse();
    assertThat(pacer.tryRequest(ms(1_120))).as("one round trip later, not 500 ms").isTrue();
  }

  @Test
  void aNewSampleWeighsAnEighth() {
    KeyRequestPacer pacer = new KeyRequestPacer();
    pacer.tryRequest(ms(0));
    pacer.keyArrived(ms(100));
    pacer.tryRequest(ms(1_000));
    pacer.keyArrived(ms(1_900)); // one slow answer: 900 ms
    assertThat(pacer.roundTripMs()).isEqualTo(100 + (900 - 100) / 8);
  }

  @Test
  void aRoundTripMeasuresFromTheFirstUnansweredRequest() {
    KeyRequestPacer pacer = new KeyRequestPacer();
    assertThat(pacer.tryRequest(ms(0))).isTrue();
    assertThat(pacer.tryRequest(ms(500))).isTrue(); // asked again: the key answers the first
    pacer.keyArrived(ms(600));
    assertThat(pacer.roundTripMs()).isEqualTo(600);
  }

  @Test
  void loopbackRoundTripsAreFlooredSoNotEveryChunkAsks() {
    KeyRequestPacer pacer = new KeyRequestPacer();
    pacer.tryRequest(ms(0));
    pacer.keyArrived(ms(2));
    assertThat(pacer.tryRequest(ms(100))).isTrue();
    assertThat(pacer.tryRequest(ms(100 + KeyRequestPacer.FLOOR_MS - 1))).isFalse();
    assertThat(pacer.tryRequest(ms(100 + KeyRequestPacer.FLOOR_MS))).isTrue();
  }

  @Test
  void aVerySlowRoundTripStillLetsARequestGoAtTheCeiling() {
    KeyRequestPacer pacer = new KeyRequestPacer();
    pacer.tryRequest(ms(0));
    pacer.keyArrived(ms(10_000));
    assertThat(pacer.tryRequest(ms(20_000))).isTrue();
    assertThat(pacer.tryRequest(ms(20_000 + KeyRequestPacer.CEILING_MS - 1))).isFalse();
    assertThat(pacer.tryRequest(ms(20_000 + KeyRequestPacer.CEILING_MS))).isTrue();
  }

  @Test
  void aKeyNobodyAskedForMeasuresNothing() {
    KeyRequestPacer pacer = new KeyRequestPacer();
    pacer.keyArrived(ms(5));
    assertThat(pacer.roundTripMs()).isEqualTo(KeyRequestPacer.INITIAL_MS);
  }
}
