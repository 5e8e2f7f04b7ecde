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
 * names them); {@code opencv}: the loaded version and the JPEG codec.
 */
final class FrameLoopHealth {

  private final Vertx vertx;
  private final WorkerPool pool;
  private final IntSupplier sessionCount;
  private final BooleanSupplier closed;
  private final String workerDeployment;
  private final String codecName;

  /** @param workerDeployment this node's worker verticles' deployment id; null for the front role (none) */
  FrameLoopHealth(Vertx vertx, WorkerPool pool, IntSupplier sessionCount, BooleanSupplier closed, String workerDeployment,
                  String codecName) {
    this.vertx = vertx;
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

  private boolean workersUp(JsonObject data) {
    boolean deployed = workerDeployment == null || vertx.deploymentIDs().contains(workerDeployment);
    return !closed.getAsBoolean() && deployed && data.getInteger("workers") > 0 && data.getJsonArray("stuck").isEmpty();
  }
}
