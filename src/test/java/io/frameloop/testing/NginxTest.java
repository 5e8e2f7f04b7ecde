package io.frameloop.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.server.FrameLoopVerticle;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The nginx harness as other tests use it: plain HTTP, two upstreams taking turns (the access log
 * names which served each request), another prefix; its directory and process gone after close.
 */
@ExtendWith(VertxExtension.class)
class NginxTest {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static HttpResponse<String> get(String url) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void twoUpstreamsTakeTurnsUnderAnotherPrefixOverPlainHttp(Vertx vertx) throws Exception {
    FrameLoopVerticle first = TestServers.start(vertx, TestServers.options());
    FrameLoopVerticle second = TestServers.start(vertx, TestServers.options(o -> o.getWorkerOptions().setAddress("frameloop.second")));
    Path dir;
    Nginx stopped;
    try (Nginx nginx = Nginx.builder().upstream(first.actualPort()).upstream(second.actualPort()).plainHttp()
      .pathPrefix("/cam/").start()) {
      assertThat(nginx.url()).isEqualTo("http://127.0.0.1:" + nginx.port() + "/cam/");
      assertThat(nginx.framesUrl()).isEqualTo("ws://127.0.0.1:" + nginx.port() + "/cam/frames");
      assertThat(nginx.siteConfig()).doesNotContain("ssl_", "/vision/").contains("location /cam/ {");
      for (int i = 0; i < 4; i++) {
        HttpResponse<String> page = get(nginx.url() + "app.js");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("FrameLoopClient");
      }
      assertThat(get(nginx.url().replace("/cam/", "/vision/") + "app.js").statusCode()).as("not the documented prefix")
        .isEqualTo(404);
      Wait.until("the access log has the requests", Duration.ofSeconds(10), () -> nginx.accessLog().size() >= 5);
      assertThat(nginx.accessLog()).anyMatch(line -> line.endsWith("127.0.0.1:" + first.actualPort()))
        .anyMatch(line -> line.endsWith("127.0.0.1:" + second.actualPort()));
      assertThat(nginx.errorLog()).noneMatch(line -> line.contains("[emerg]") || line.contains("[alert]"));
      dir = nginx.directory();
      stopped = nginx;
    }
    assertThat(stopped.isRunning()).isFalse();
    assertThat(dir).doesNotExist();
  }

  @Test
  void startRefusesWhatCannotRun() {
    assertThatThrownBy(() -> Nginx.builder().plainHttp().start()).hasMessageContaining("upstream");
    assertThatThrownBy(() -> Nginx.builder().upstream(8080).start()).hasMessageContaining("certificate");
    assertThatThrownBy(() -> Nginx.builder().pathPrefix("vision")).hasMessageContaining("'/'");
    assertThat(Files.isRegularFile(Nginx.DOCUMENTED_CONFIG)).isTrue();
  }
}
