package io.frameloop.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Plain HTTP GETs for tests, with the JDK's client (as an operator's scraper would be: not the
 * server's own stack). In this project's loops Vert.x 5.0.7's HttpClient hung on about one
 * keep-alive GET in 250 where curl and the JDK client never did. {@link Metrics} reads a scrape.
 */
public final class Http {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private Http() {
  }

  public static HttpResponse<String> get(int port, String path) {
    return get(port, path, Map.of());
  }

  public static HttpResponse<String> get(int port, String path, Map<String, String> headers) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
      headers.forEach(request::header);
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
