package io.frameloop.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Close reasons fit a close frame (123 bytes of UTF-8), cut on a character boundary. */
class CloseReasonTest {

  @Test
  void longReasonsAreCutToWhatACloseFrameCarries() {
    assertThat(CloseCodes.reason("idle timeout")).isEqualTo("idle timeout");
    String tenant = "tenant " + "é".repeat(100) + " has 10 sessions open";
    String cut = CloseCodes.reason(tenant);
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(CloseCodes.MAX_REASON_BYTES);
    assertThat(tenant).startsWith(cut);
    assertThat(cut).doesNotContain("\uFFFD");
  }
}
