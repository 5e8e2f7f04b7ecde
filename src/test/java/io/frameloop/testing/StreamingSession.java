package io.frameloop.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A session that streams like a camera: a frame every {@code intervalMs} whether or not the last
 * one came back (the server keeps the newest), on a thread of its own that also records when each
 * processed frame arrives. Stats are read by the test thread ({@link #stats}). Bounded: it stops
 * by itself after {@code maxFrames}.
 */
public final class StreamingSession implements AutoCloseable {

  private final FrameClient client;
  private final Thread thread;
  private final List<Long> arrivals = new CopyOnWriteArrayList<>();
  private final long intervalMillis;
  private final int maxFramesToSend;
  private volatile boolean running = true;
  private JsonObject stats = new JsonObject().put("dropped", new JsonObject()).put("workers", new JsonObject());

  public StreamingSession(FrameClient client, Buffer frame, long intervalMs, int maxFrames) {
    this.client = client;
    this.intervalMillis = intervalMs;
    this.maxFramesToSend = maxFrames;
    this.thread = new Thread(() -> {
      for (int seq = 0; seq < maxFrames && running && !client.isClosed(); seq++) {
        client.sendFramed(seq, 0, frame);
        Wait.Deadline next = Wait.Deadline.in(Duration.ofMillis(intervalMs));
        while (!next.passed()) {
          if (client.pollBinary(next.remaining()) != null) {
            arrivals.add(System.nanoTime());
          }
        }
      }
    }, "streaming-session");
    thread.start();
  }

  /** When the first processed frame after {@code nanos} (System.nanoTime) arrived, or -1. */
  public long firstArrivalAfter(long nanos) {
    return arrivals.stream().filter(t -> t > nanos).findFirst().orElse(-1L);
  }

  /** Processed frames received so far. */
  public int processedCount() {
    return arrivals.size();
  }

  /** Waits until it has sent its {@code maxFrames} (or its connection closed), without stopping it early. */
  public void awaitDone() {
    try {
      thread.join(FrameClient.TIMEOUT.toMillis() + intervalMillis * maxFramesToSend);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The newest stats message (for the test thread only). */
  public JsonObject stats() {
    JsonObject latest;
    while ((latest = client.pollJson("stats", Duration.ofMillis(1))) != null) {
      stats = latest;
    }
    return stats;
  }

  /** Frames of this session processed on {@code node}, per the newest stats. */
  public long processedOn(String node) {
    return stats().getJsonObject("workers").getLong(node, 0L);
  }

  public long dropped(String reason) {
    return stats().getJsonObject("dropped").getLong(reason, 0L);
  }

  public boolean isClosed() {
    return client.isClosed();
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
  }
}
