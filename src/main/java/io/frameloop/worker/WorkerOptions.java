package io.frameloop.worker;

import io.frameloop.image.JpegCodecSetting;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * The worker pool: how many worker verticles, which JPEG codec, how many frames they hold at
 * once and how long a frame may take. Part of {@code FrameLoopOptions}; the JSON names are the
 * configuration keys.
 */
@DataObject
@JsonGen(publicConverter = true)
public class WorkerOptions {

  /** 0 means one worker per available processor. */
  public static final int DEFAULT_WORKER_INSTANCES = 0;
  public static final JpegCodecSetting DEFAULT_JPEG_CODEC = JpegCodecSetting.auto;
  public static final long DEFAULT_PROCESS_TIMEOUT_MS = 10_000;
  /** Where front ends send frames and workers consume them. */
  public static final String DEFAULT_ADDRESS = "frameloop.process";

  private int workerInstances = DEFAULT_WORKER_INSTANCES;
  private JpegCodecSetting jpegCodec = DEFAULT_JPEG_CODEC;
  private int maxInFlight;
  private long processTimeoutMs = DEFAULT_PROCESS_TIMEOUT_MS;
  private String address = DEFAULT_ADDRESS;

  public WorkerOptions() {
  }

  public WorkerOptions(WorkerOptions other) {
    this(other.toJson());
  }

  public WorkerOptions(JsonObject json) {
    WorkerOptionsConverter.fromJson(json, this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    WorkerOptionsConverter.toJson(this, json);
    return json;
  }

  public int getWorkerInstances() {
    return workerInstances;
  }

  /** Worker verticles on this node; 0: one per available processor. */
  public WorkerOptions setWorkerInstances(int workerInstances) {
    if (workerInstances < 0) {
      throw new IllegalArgumentException("workerInstances must be 0 (one per processor) or more, got " + workerInstances);
    }
    this.workerInstances = workerInstances;
    return this;
  }

  /** {@code workerInstances}, or one per available processor when it is 0. */
  public int effectiveWorkerInstances() {
    return workerInstances > 0 ? workerInstances : Runtime.getRuntime().availableProcessors();
  }

  public JpegCodecSetting getJpegCodec() {
    return jpegCodec;
  }

  /** {@code auto} (default), {@code turbojpeg} or {@code opencv}. */
  public WorkerOptions setJpegCodec(JpegCodecSetting jpegCodec) {
    this.jpegCodec = java.util.Objects.requireNonNull(jpegCodec, "jpegCodec");
    return this;
  }

  public int getMaxInFlight() {
    return maxInFlight;
  }

  /** Frames in the workers at once from one front end (at most one per worker); 0: one per known worker. */
  public WorkerOptions setMaxInFlight(int maxInFlight) {
    if (maxInFlight < 0) {
      throw new IllegalArgumentException("maxInFlight must be 0 (automatic) or more, got " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
    return this;
  }

  public long getProcessTimeoutMs() {
    return processTimeoutMs;
  }

  /**
   * A frame's deadline: one that has not started by then is dropped as {@code expired}, and a
   * worker on one frame for longer is reported stuck (it gets no frame until it answers).
   */
  public WorkerOptions setProcessTimeoutMs(long processTimeoutMs) {
    if (processTimeoutMs < 1) {
      throw new IllegalArgumentException("processTimeoutMs must be at least 1, got " + processTimeoutMs);
    }
    this.processTimeoutMs = processTimeoutMs;
    return this;
  }

  public String getAddress() {
    return address;
  }

  /**
   * The event-bus address of the workers. Two FrameLoops in one Vert.x instance with different
   * ops need different addresses; in a cluster, fronts and workers share one.
   */
  public WorkerOptions setAddress(String address) {
    this.address = java.util.Objects.requireNonNull(address, "address");
    return this;
  }
}
