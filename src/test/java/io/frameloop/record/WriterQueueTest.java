package io.frameloop.record;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The writer's queue holds at most {@link RecordingOptions#WRITER_QUEUE_MAX_BYTES} of frames, whatever the disk does. */
class WriterQueueTest {

  @Test
  void aWriterThatIsBehindMakesFramesBeSkippedNotBuffered() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      WorkerExecutor executor = vertx.createSharedWorkerExecutor("writer-queue-test", 1);
      CountDownLatch disk = new CountDownLatch(1);
      WriterQueue queue = new WriterQueue(executor);
      AtomicInteger written = new AtomicInteger();
      // A stuck disk: the writer's first operation waits.
      queue.submit(0, () -> {
        try {
          disk.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      int frame = 1024 * 1024;
      int fits = RecordingOptions.WRITER_QUEUE_MAX_BYTES / frame;
      for (int i = 0; i < fits; i++) {
        assertThat(queue.submitFrame(frame, written::incrementAndGet)).as("frame %d", i).isTrue();
      }
      assertThat(queue.submitFrame(frame, written::incrementAndGet)).as("one more than the queue holds").isFalse();
      assertThat(queue.submitFrame(1, written::incrementAndGet)).as("even a small one").isFalse();
      disk.countDown();
      Await.until(() -> written.get() == fits);
      assertThat(queue.submitFrame(frame, written::incrementAndGet)).as("room again once written").isTrue();
      Await.until(() -> written.get() == fits + 1);
    } finally {
      await(vertx.close());
    }
  }
}
