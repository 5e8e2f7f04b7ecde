package io.frameloop.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Messages are assembled from WebSocket frames with the session's limits applied as the bytes arrive. */
class MessageAssemblerTest {

  /** Writes down what the assembler hands on, in order. */
  private static final class Recorder implements MessageAssembler.Listener {
    final List<String> events = new ArrayList<>();
    final List<Buffer> binaries = new ArrayList<>();
    int frames;
    /** Frames after this many are refused, as a session over its frame rate does. */
    int framesAllowed = Integer.MAX_VALUE;

    @Override
    public boolean frameArrived() {
      return ++frames <= framesAllowed;
    }

    @Override
    public void tooManyFragments(int fragments) {
      events.add("fragments " + fragments);
    }

    @Override
    public void binaryMessage(Buffer message) {
      binaries.add(message);
      events.add("binary " + message.length());
    }

    @Override
    public void textMessage(String message) {
      events.add("text " + message);
    }

    @Override
    public void oversized(boolean text, long bytesSoFar) {
      events.add("oversized " + (text ? "text " : "binary ") + bytesSoFar);
    }

    @Override
    public void ping() {
      events.add("ping");
    }
  }

  private final Recorder recorder = new Recorder();
  /** Binary messages up to 10 bytes, text up to 5, each in up to 100 frames. */
  private final MessageAssembler assembler = new MessageAssembler(10, 5, 100, recorder);

  private static Buffer bytes(int n) {
    return Buffer.buffer(new byte[n]);
  }

  @Test
  void aSingleFrameIsHandedOnAsItIs() {
    Buffer data = bytes(10);
    assembler.handle(WebSocketFrame.binaryFrame(data, true));
    assembler.handle(WebSocketFrame.textFrame("hello", true));
    assertThat(recorder.events).containsExactly("binary 10", "text hello");
    assertThat(recorder.binaries.get(0)).isEqualTo(data);
  }

  @Test
  void fragmentsAreJoinedInOrder() {
    assembler.handle(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[] {1, 2}), false));
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] {3}), false));
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] {4, 5}), true));
    assertThat(recorder.events).containsExactly("binary 5");
    assertThat(recorder.binaries.get(0).getBytes()).containsExactly(1, 2, 3, 4, 5);
    // A character split across two fragments is decoded whole: "\u00e9" is C3 A9.
    recorder.events.clear();
    assembler.handle(WebSocketFrame.textFrame("a", false));
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] {(byte) 0xC3}), false));
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] {(byte) 0xA9}), true));
    assertThat(recorder.events).containsExactly("text a\u00e9");
  }

  @Test
  void theLimitsAreInclusiveAndEachKindHasItsOwn() {
    assembler.handle(WebSocketFrame.binaryFrame(bytes(10), true));
    assembler.handle(WebSocketFrame.binaryFrame(bytes(11), true));
    assembler.handle(WebSocketFrame.textFrame("12345", true));
    assembler.handle(WebSocketFrame.textFrame("123456", true));
    assertThat(recorder.events).containsExactly("binary 10", "oversized binary 11", "text 12345", "oversized text 6");
  }

  @Test
  void aMessageThatGrowsOverTheLimitIsReportedOnceAndTheRestDroppedAsItArrives() {
    assembler.handle(WebSocketFrame.binaryFrame(bytes(6), false));
    assembler.handle(WebSocketFrame.continuationFrame(bytes(4), false)); // 10: still within
    assembler.handle(WebSocketFrame.continuationFrame(bytes(3), false)); // 13: over
    assembler.handle(WebSocketFrame.continuationFrame(bytes(100), false));
    assembler.handle(WebSocketFrame.continuationFrame(bytes(1), true));
    assertThat(recorder.events).containsExactly("oversized binary 13");
    // Once its last fragment has passed, the next message is read normally.
    assembler.handle(WebSocketFrame.continuationFrame(bytes(1), true));
    assembler.handle(WebSocketFrame.binaryFrame(bytes(3), true));
    assertThat(recorder.events).containsExactly("oversized binary 13", "binary 3");
  }

  @Test
  void anOversizedSingleFrameLeavesNothingToDiscard() {
    assembler.handle(WebSocketFrame.binaryFrame(bytes(11), true));
    // A stray continuation after a complete message belongs to nothing and is ignored.
    assembler.handle(WebSocketFrame.continuationFrame(bytes(2), true));
    assembler.handle(WebSocketFrame.binaryFrame(bytes(2), false));
    assembler.handle(WebSocketFrame.continuationFrame(bytes(2), true));
    assertThat(recorder.events).containsExactly("oversized binary 11", "binary 4");
  }

  @Test
  void aNewMessageReplacesAnUnfinishedOne() {
    assembler.handle(WebSocketFrame.binaryFrame(bytes(8), false));
    assembler.handle(WebSocketFrame.textFrame("hi", true));
    assembler.handle(WebSocketFrame.binaryFrame(bytes(9), false));
    assembler.handle(WebSocketFrame.binaryFrame(bytes(9), false)); // counts from zero again
    assembler.handle(WebSocketFrame.continuationFrame(bytes(1), true));
    assertThat(recorder.events).containsExactly("text hi", "binary 10");
  }

  @Test
  void aNewMessageEndsTheDiscardingOfAnOversizedOne() {
    assembler.handle(WebSocketFrame.textFrame("123456", false));
    assembler.handle(WebSocketFrame.textFrame("ok", true));
    assertThat(recorder.events).containsExactly("oversized text 6", "text ok");
  }

  @Test
  void pingsAreReportedAndPongsAndClosesLeftToVertx() {
    assembler.handle(WebSocketFrame.pingFrame(bytes(3)));
    assembler.handle(WebSocketFrame.pongFrame(bytes(3)));
    assembler.handle(WebSocketFrame.pingFrame(bytes(0)));
    assertThat(recorder.events).containsExactly("ping", "ping");
  }

  @Test
  void aContinuationWithoutAStartIsIgnored() {
    assembler.handle(WebSocketFrame.continuationFrame(bytes(3), false));
    assembler.handle(WebSocketFrame.continuationFrame(bytes(3), true));
    assertThat(recorder.events).isEmpty();
  }

  @Test
  void aMessageInMoreFragmentsThanItsLimitIsReportedOnceAndTheRestDropped() {
    MessageAssembler assembler = new MessageAssembler(10, 5, 4, recorder);
    assembler.handle(WebSocketFrame.textFrame("a", false));
    for (int i = 0; i < 3; i++) {
      assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer("b"), false));
    }
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer(""), false)); // the fifth, even empty
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer("c"), false));
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer("d"), true));
    assertThat(recorder.events).containsExactly("fragments 5");
    // Four fragments are within the limit.
    assembler.handle(WebSocketFrame.binaryFrame(bytes(1), false));
    assembler.handle(WebSocketFrame.continuationFrame(bytes(1), false));
    assembler.handle(WebSocketFrame.continuationFrame(bytes(1), false));
    assembler.handle(WebSocketFrame.continuationFrame(bytes(1), true));
    assertThat(recorder.events).containsExactly("fragments 5", "binary 4");
  }

  @Test
  void everyFrameIsCountedAndARefusedOneIsNotLookedAt() {
    recorder.framesAllowed = 2;
    assembler.handle(WebSocketFrame.pingFrame(bytes(1)));
    assembler.handle(WebSocketFrame.textFrame("ok", true));
    assembler.handle(WebSocketFrame.textFrame("no", true));
    assembler.handle(WebSocketFrame.pongFrame(bytes(1)));
    assertThat(recorder.frames).isEqualTo(4);
    assertThat(recorder.events).containsExactly("ping", "text ok");
  }
}
