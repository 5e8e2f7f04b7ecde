package io.frameloop.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** The README's configuration ranges for the session settings: the lowest allowed value passes, one less is refused by name. */
class SessionOptionsTest {

  private static void range(String name, int lowest, BiFunction<SessionOptions, Integer, SessionOptions> set) {
    SessionOptions options = new SessionOptions();
    assertThat(set.apply(options, lowest)).as("%s returns the options, for chaining", name).isSameAs(options);
    assertThat(options.toJson().getValue(name)).as(name).isEqualTo(lowest);
    assertThatThrownBy(() -> set.apply(new SessionOptions(), lowest - 1)).as(name)
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage(name + " must be at least " + lowest + ", got " + (lowest - 1));
  }

  @Test
  void eachSettingHasItsDocumentedLowestValue() {
    range("maxSessions", 1, SessionOptions::setMaxSessions);
    range("maxFps", 0, SessionOptions::setMaxFps);
    range("idleTimeoutSeconds", 0, SessionOptions::setIdleTimeoutSeconds);
    range("maxMessageBytes", 1024, SessionOptions::setMaxMessageBytes);
    range("maxTextMessageBytes", 256, SessionOptions::setMaxTextMessageBytes);
    range("writeQueueMaxBytes", 1024, SessionOptions::setWriteQueueMaxBytes);
    range("maxPingsPerSecond", 1, SessionOptions::setMaxPingsPerSecond);
    range("stalledTimeoutSeconds", 1, SessionOptions::setStalledTimeoutSeconds);
    range("maxFramesPerSecond", 1, SessionOptions::setMaxFramesPerSecond);
    range("maxFragmentsPerMessage", 1, SessionOptions::setMaxFragmentsPerMessage);
    range("maxTextMessagesPerSecond", 1, SessionOptions::setMaxTextMessagesPerSecond);
    range("maxErrorsPerSecond", 1, SessionOptions::setMaxErrorsPerSecond);
    SessionOptions options = new SessionOptions();
    assertThat(options.setStatsIntervalMs(10)).isSameAs(options);
    assertThat(options.getStatsIntervalMs()).isEqualTo(10);
    assertThatThrownBy(() -> new SessionOptions().setStatsIntervalMs(9)).hasMessage("statsIntervalMs must be at least 10, got 9");
  }

  @Test
  void theDefaultsAreTheDocumentedOnesAndSurviveJson() {
    SessionOptions defaults = new SessionOptions();
    assertThat(defaults.toJson()).isEqualTo(new JsonObject().put("maxSessions", 200).put("maxFps", 60)
      .put("idleTimeoutSeconds", 60).put("statsIntervalMs", 1000L).put("maxMessageBytes", 4 * 1024 * 1024)
      .put("maxTextMessageBytes", 16 * 1024).put("writeQueueMaxBytes", 256 * 1024).put("maxPingsPerSecond", 10)
      .put("stalledTimeoutSeconds", 30).put("maxFramesPerSecond", 5000).put("maxFragmentsPerMessage", 128)
      .put("maxTextMessagesPerSecond", 50).put("maxErrorsPerSecond", 100));
    SessionOptions changed = new SessionOptions().setMaxFps(7).setMaxSessions(3).setIdleTimeoutSeconds(0);
    assertThat(new SessionOptions(changed).toJson()).isEqualTo(changed.toJson());
    assertThat(new SessionOptions(new JsonObject().put("maxFps", 9)).getMaxFps()).isEqualTo(9);
  }
}
