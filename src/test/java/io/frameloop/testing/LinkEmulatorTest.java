package io.frameloop.testing;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The link emulator holds data back for its bandwidth and delay, keeps it intact, and closes what it opened. */
@ExtendWith(VertxExtension.class)
class LinkEmulatorTest {

  @Test
  void echoThroughASlowLinkTakesAtLeastItsTransferTimesAndDelays(Vertx vertx) {
    NetServer echo = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0))
      .connectHandler(socket -> socket.handler(socket::write));
    int echoPort = await(echo.listen()).actualPort();
    LinkEmulator link = await(LinkEmulator.start(vertx, echoPort, 2, 10, Duration.ofMillis(25)));

    byte[] payload = new byte[50_000];
    new Random(1).nextBytes(payload);
    Buffer received = Buffer.buffer();
    Promise<Long> done = Promise.promise();
    NetSocket socket = await(vertx.createNetClient().connect(link.port(), "127.0.0.1"));
    long start = System.nanoTime();
    socket.handler(data -> {
      received.appendBuffer(data);
      if (received.length() == payload.length) {
        done.complete(System.nanoTime() - start);
      }
    });
    socket.write(Buffer.buffer(payload));
    long nanos = await(done.future());

    assertThat(received.getBytes()).isEqualTo(payload);
    // 400,000 bits at 2 Mbit/s up take 200 ms, plus 25 ms each way: at least 250 ms. (The echo
    // overlaps with the upload, chunk by chunk, so the 40 ms down add only their last chunk's share.)
    assertThat(nanos / 1_000_000).isGreaterThanOrEqualTo(250);

    Promise<Void> closed = Promise.promise();
    socket.closeHandler(v -> closed.complete());
    await(link.close());
    await(closed.future());
    await(echo.close());
  }
}
