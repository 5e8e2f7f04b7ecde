package io.frameloop.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A client's text messages: every well-formed one decoded, everything else one clear error. */
class ClientMessagesTest {

  @Test
  void aPipelineMessageCarriesTheWholeObjectForTheRegistryToCheck() {
    String text = "{\"type\":\"pipeline\",\"ops\":[{\"op\":\"gray\"}],\"quality\":70}";
    assertThat(ClientMessages.decode(text)).isEqualTo(new ClientMessage.SetPipeline(new JsonObject(text)));
  }

  @Test
  void timingsAreSwitchedOnAndOffWithABoolean() {
    assertThat(ClientMessages.decode("{\"type\":\"timings\",\"enabled\":true}")).isEqualTo(new ClientMessage.SetTimings(true));
    assertThat(ClientMessages.decode("{\"type\":\"timings\",\"enabled\":false}")).isEqualTo(new ClientMessage.SetTimings(false));
    assertThatThrownBy(() -> ClientMessages.decode("{\"type\":\"timings\",\"enabled\":\"yes\"}"))
      .isInstanceOf(ControlMessageException.class).hasMessage("timings: 'enabled' must be true or false, got yes");
    assertThatThrownBy(() -> ClientMessages.decode("{\"type\":\"timings\"}")).hasMessageEndingWith("got null");
  }

  @Test
  void recordingIsSwitchedOnAndOffWithABoolean() {
    assertThat(ClientMessages.decode("{\"type\":\"record\",\"enabled\":true}")).isEqualTo(new ClientMessage.SetRecording(true));
    assertThat(ClientMessages.decode("{\"type\":\"record\",\"enabled\":false}")).isEqualTo(new ClientMessage.SetRecording(false));
    assertThatThrownBy(() -> ClientMessages.decode("{\"type\":\"record\",\"enabled\":1}"))
      .isInstanceOf(ControlMessageException.class).hasMessage("record: 'enabled' must be true or false, got 1");
  }

  @Test
  void malformedJsonAndNonObjectsAreRefused() {
    for (String text : new String[] {"{\"type\":", "[1,2]", "\"pipeline\"", "", "null"}) {
      assertThatThrownBy(() -> ClientMessages.decode(text)).as(text)
        .isInstanceOf(ControlMessageException.class).hasMessageStartingWith("malformed JSON");
    }
  }

  @Test
  void aMissingOrUnknownTypeIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> ClientMessages.decode("{}"))
      .isInstanceOf(ControlMessageException.class)
      .hasMessage("unknown message type (missing \"type\"); known types: pipeline, timings, record, video, keyframe");
    assertThatThrownBy(() -> ClientMessages.decode("{\"type\":\"Pipeline\"}")).hasMessageStartingWith("unknown message type 'Pipeline'");
    assertThatThrownBy(() -> ClientMessages.decode("{\"type\":5}")).hasMessageStartingWith("unknown message type '5'");
  }

  @Test
  void theSizeErrorNamesTheLimit() {
    assertThat(ClientMessages.tooLarge(1024)).hasMessage("control message too large: the limit is 1024 bytes");
  }
}
