package io.frameloop.worker;

import io.frameloop.image.JpegCodecSetting;
import io.frameloop.config.ConfigValues;
import io.frameloop.config.Ranges;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

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

  /**
   * From configuration JSON (the keys are this owner's, as in {@link #toJson}); a missing key keeps
   * its default.
   *
   * @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range
   */
  public WorkerOptions(JsonObject json) {
    ConfigValues.read(json, toJson(), WorkerOptionsConverter::fromJson, this);
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
    this.workerInstances = Ranges.atLeast("workerInstances", workerInstances, 0, "one per processor");
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
    this.jpegCodec = Objects.requireNonNull(jpegCodec, "jpegCodec");
    return this;
  }

  public int getMaxInFlight() {
    return maxInFlight;
  }

  /** Frames in the workers at once from one front end (at most one per worker); 0: one per known worker. */
  public WorkerOptions setMaxInFlight(int maxInFlight) {
    this.maxInFlight = Ranges.atLeast("maxInFlight", maxInFlight, 0, "automatic");
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
    this.processTimeoutMs = Ranges.atLeast("processTimeoutMs", processTimeoutMs, 1);
    return this;
  }

  public String getAddress() {
    return address;
  }

  /**
   * The event-bus address of the workers. Any two FrameLoops in one Vert.x instance need different
   * addresses: the second one's deploy fails while the first holds its address (they would share
   * each other's workers). In a cluster, fronts and workers share one: a front uses the address of
   * workers on other nodes.
   */
  public WorkerOptions setAddress(String address) {
    this.address = Objects.requireNonNull(address, "address");
    return this;
  }
}
