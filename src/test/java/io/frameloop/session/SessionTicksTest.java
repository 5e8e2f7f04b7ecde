package io.frameloop.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sessions of one event loop share one ticker, which stops with the last of them. */
@ExtendWith(VertxExtension.class)
class SessionTicksTest {

  @Test
  void sessionsOfOneLoopTickTogetherUntilTheLastLeaves(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    List<String> ticks = new CopyOnWriteArrayList<>();
    CompletableFuture<Runnable[]> started = new CompletableFuture<>();
    context.runOnContext(v -> started.complete(new Runnable[] {
      SessionTicks.every(context, 20, () -> ticks.add("a")),
      SessionTicks.every(context, 20, () -> ticks.add("b"))}));
    Runnable[] stops = started.get(5, TimeUnit.SECONDS);
    Thread.sleep(150);
    assertThat(ticks).contains("a", "b");
    // Together: every tick runs a then b, so the two counts never differ by more than one.
    assertThat(Math.abs(ticks.stream().filter("a"::equals).count() - ticks.stream().filter("b"::equals).count()))
      .isLessThanOrEqualTo(1);

    CompletableFuture<Object> stopped = new CompletableFuture<>();
    context.runOnContext(v -> {
      stops[0].run();
      stops[1].run();
      stopped.complete(context.get("io.frameloop.session.SessionTicks:20"));
    });
    assertThat(stopped.get(5, TimeUnit.SECONDS)).as("the ticker leaves the context with its last session").isNull();
    int after = ticks.size();
    Thread.sleep(100);
    assertThat(ticks).as("no tick after the last session left").hasSize(after);
  }
}
