package io.frameloop.client;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.InboundFrame;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Mat;

/**
 * Issue 27 part 2, the Java client: a server drains (goaway, then 1012) and a second one starts on
 * the same port; the client moves to it by itself, without backoff, and its new session has the
 * pipeline the client had set (sent again), so that frames come back processed as before.
 */
@ExtendWith(VertxExtension.class)
class FrameLoopClientMoveTest {

  private final BlockingQueue<InboundFrame> frames = new LinkedBlockingQueue<>();
  private final BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
  private final BlockingQueue<JsonObject> reconnects = new LinkedBlockingQueue<>();

  private static FrameLoopVerticle start(Vertx vertx, int port) {
    FrameLoopOptions options = TestServers.options(o -> o.setDrainGraceMs(10_000));
    options.getHttpServerOptions().setPort(port);
    return TestServers.start(vertx, options);
  }

  @Test
  void theClientMovesToTheNextServerOnTheSamePortKeepingItsPipeline(Vertx vertx) throws Exception {
    FrameLoopVerticle first = start(vertx, 0);
    int port = first.actualPort();
    FrameLoopClient client = FrameLoopClient.create(vertx).frameHandler(frames::add).messageHandler(messages::add)
      .reconnectHandler(reconnects::add);
    await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(FrameLoopClient.PATH)));
    await(client.sendPipeline(pipeline(op("gray"))));
    Wait.take("the first session's pipeline", messages, Wait.LIMIT, m -> "pipeline".equals(m.getString("type")));
    JsonObject firstHello = client.hello();

    await(first.frameLoop().close().compose(v -> vertx.undeploy(first.deploymentID())));
    Wait.take("the goaway", messages, Wait.LIMIT, m -> "goaway".equals(m.getString("type")));
    assertThat(client.isClosed()).as("a move is no close").isFalse();
    FrameLoopVerticle second = start(vertx, port);
    try {
      JsonObject hello = Wait.take("the move to the second server", reconnects, Wait.LIMIT, h -> true);
      assertThat(hello).isNotSameAs(firstHello);
      assertThat(client.hello()).isEqualTo(hello);
      assertThat(hello.getJsonArray("pipeline").getJsonObject(0).getString("op")).as("a new session starts with the default")
        .isEqualTo("resize");
      JsonObject kept = Wait.take("the pipeline sent again", messages, Wait.LIMIT, m -> "pipeline".equals(m.getString("type")));
      assertThat(kept.getJsonArray("ops").getJsonObject(0).getString("op")).isEqualTo("gray");
      assertThat(second.frameLoop().sessionCount()).isEqualTo(1);

      await(client.sendFrame(7, 0, Images.fixture("coffee-640x480.jpg")));
      InboundFrame reply = Wait.take("the frame's reply from the second server", frames, Wait.LIMIT,
        f -> f.header() != null && f.header().sequence() == 7);
      Mat image = Images.decode(reply.jpeg());
      try {
        assertThat(image.channels()).as("gray, as the kept pipeline says").isEqualTo(1);
      } finally {
        image.release();
      }
      assertThat(client.isClosed()).isFalse();
    } finally {
      await(client.close());
    }
  }
}
