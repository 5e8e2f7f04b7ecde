package io.frameloop.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** Serves a Prometheus meter registry as Prometheus text. */
public interface PrometheusHandler extends Handler<RoutingContext> {

  static PrometheusHandler create(PrometheusMeterRegistry registry) {
    return ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
      .end(registry.scrape());
  }
}
