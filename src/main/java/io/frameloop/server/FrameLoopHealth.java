package io.frameloop.server;

import io.frameloop.worker.WorkerPool;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.opencv.core.Core;

/**
 * A FrameLoop's health checks. {@code workers}: up while the service is open, this node's worker
 * verticles are deployed, at least one worker is known and none is stuck on a frame (the data
 * names them); {@code opencv}: the loaded version and the JPEG codec. The probes, for
 * orchestrators: liveness ({@code process}: up while the event loop answers, so that only a hung
 * or broken process is restarted, never one that is busy or draining) and readiness
 * ({@code workers}, {@code accepting}: not draining, {@code capacity}: below maxSessions).
 */
final class FrameLoopHealth {

  private final Vertx vertx;
  private final WorkerPool pool;
  private final IntSupplier sessionCount;
  private final BooleanSupplier closed;
  private final int maxSessions;
  private final String workerDeployment;
  private final String codecName;

  /** @param workerDeployment this node's worker verticles' deployment id; null for the front role (none) */
  FrameLoopHealth(Vertx vertx, WorkerPool pool, IntSupplier sessionCount, int maxSessions, BooleanSupplier closed,
                  String workerDeployment, String codecName) {
    this.vertx = vertx;
    this.maxSessions = maxSessions;
    this.pool = pool;
    this.sessionCount = sessionCount;
    this.closed = closed;
    this.workerDeployment = workerDeployment;
    this.codecName = codecName;
  }

  HealthChecks checks() {
    return HealthChecks.create(vertx)
      .register("workers", promise -> {
        JsonObject data = pool.health().put("sessions", sessionCount.getAsInt());
        promise.complete(workersUp(data) ? Status.OK(data) : Status.KO(data));
      })
      .register("opencv", promise -> {
        JsonObject data = new JsonObject().put("version", Core.VERSION).put("jpegCodec", codecName);
        promise.complete(Status.OK(data));
      });
  }

  /** Liveness: this procedure answers from the event loop, so an answer is the proof. */
  HealthChecks liveness() {
    return HealthChecks.create(vertx)
      .register("process", promise -> promise.complete(Status.OK()));
  }

  /** Readiness: whether a new session would be taken now. */
  HealthChecks readiness() {
    return HealthChecks.create(vertx)
      .register("workers", promise -> {
        JsonObject data = pool.health();
        promise.complete(workersUp(data) ? Status.OK(data) : Status.KO(data));
      })
      .register("accepting", promise -> promise.complete(closed.getAsBoolean()
        ? Status.KO(new JsonObject().put("reason", "draining")) : Status.OK()))
      .register("capacity", promise -> {
        int sessions = sessionCount.getAsInt();
        JsonObject data = new JsonObject().put("sessions", sessions).put("maxSessions", maxSessions);
        promise.complete(sessions < maxSessions ? Status.OK(data) : Status.KO(data));
      });
  }

  private boolean workersUp(JsonObject data) {
    boolean deployed = workerDeployment == null || vertx.deploymentIDs().contains(workerDeployment);
    return !closed.getAsBoolean() && deployed && data.getInteger("workers") > 0 && data.getJsonArray("stuck").isEmpty();
  }
}
