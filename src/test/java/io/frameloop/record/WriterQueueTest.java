package io.frameloop.record;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The writer's queue holds at most {@link RecordingOptions#WRITER_QUEUE_MAX_BYTES}, each frame
 * counted with what its task holds, each recording at most its share, whatever the disk does.
 */
class WriterQueueTest {

  private static final int MAX = RecordingOptions.WRITER_QUEUE_MAX_BYTES;
  private static final int OVERHEAD = WriterQueue.TASK_OVERHEAD_BYTES;

  private Vertx vertx;
  private final CountDownLatch disk = new CountDownLatch(1);
  /** Frames the queue asked to be made (copied): none for a skipped frame. */
  private final AtomicInteger made = new AtomicInteger();
  private final AtomicInteger written = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    disk.countDown();
    await(vertx.close());
  }

  /** A queue for {@code maxRecordings} whose disk is stuck (its first operation waits) until {@link #disk} opens. */
  private WriterQueue stuckQueue(int maxRecordings) {
    WriterQueue queue = new WriterQueue(vertx.createSharedWorkerExecutor("writer-queue-test", 1), maxRecordings);
    queue.submit(() -> {
      try {
        disk.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    return queue;
  }

  private boolean frame(WriterQueue queue, AtomicLong recording, int jpegBytes) {
    return queue.submitFrame(recording, jpegBytes, () -> {
      made.incrementAndGet();
      return written::incrementAndGet;
    });
  }

  @Test
  void aWriterThatIsBehindMakesFramesBeSkippedNotBuffered() {
    WriterQueue queue = stuckQueue(1);
    AtomicLong recording = new AtomicLong();
    int frame = 1024 * 1024 - OVERHEAD; // a mebibyte with its task
    for (int i = 0; i < 16; i++) {
      assertThat(frame(queue, recording, frame)).as("frame %d", i).isTrue();
    }
    assertThat(frame(queue, recording, frame)).as("one more than the queue holds").isFalse();
    assertThat(frame(queue, new AtomicLong(), 1)).as("even a small one, of another recording").isFalse();
    assertThat(made.get()).as("a skipped frame is not even copied").isEqualTo(16);
    disk.countDown();
    Wait.until("16 frames written", () -> written.get() == 16);
    Wait.until("the recording's queued bytes given back", () -> recording.get() == 0);
    assertThat(frame(queue, recording, frame)).as("room again once written").isTrue();
    Wait.until("the 17th frame written", () -> written.get() == 17);
  }

  @Test
  void tinyFramesAreCountedWithWhatTheirTasksHold() {
    WriterQueue queue = stuckQueue(1);
    AtomicLong recording = new AtomicLong();
    int queued = 0;
    while (queued <= MAX && frame(queue, recording, 2)) {
      queued++;
    }
    // Counting the JPEG bytes alone, 8 million two-byte frames (and their tasks' heap) would be let in.
    assertThat(queued).isEqualTo(MAX / (2 + OVERHEAD));
    assertThat(made.get()).isEqualTo(queued);
  }

  @Test
  void oneRecordingCannotTakeTheQueueFromTheOthers() {
    WriterQueue queue = stuckQueue(8);
    long share = MAX / 8; // 2 MiB
    int frame = 64 * 1024 - OVERHEAD;
    AtomicLong greedy = new AtomicLong();
    for (int i = 0; i < share / (frame + OVERHEAD); i++) {
      assertThat(frame(queue, greedy, frame)).as("frame %d", i).isTrue();
    }
    assertThat(frame(queue, greedy, frame)).as("over its share").isFalse();
    assertThat(frame(queue, greedy, 1)).as("even a small one").isFalse();
    assertThat(frame(queue, new AtomicLong(), frame)).as("another recording's frame").isTrue();
    AtomicLong large = new AtomicLong();
    assertThat(frame(queue, large, 3 * 1024 * 1024)).as("a frame larger than a share, with nothing else queued").isTrue();
    assertThat(frame(queue, large, 1)).as("but nothing after it").isFalse();
  }

  @Test
  void theLeastShareIsAMebibyte() {
    WriterQueue queue = stuckQueue(1000);
    AtomicLong recording = new AtomicLong();
    int frame = 256 * 1024 - OVERHEAD;
    for (int i = 0; i < WriterQueue.MIN_SHARE_BYTES / (frame + OVERHEAD); i++) {
      assertThat(frame(queue, recording, frame)).as("frame %d", i).isTrue();
    }
    assertThat(frame(queue, recording, frame)).isFalse();
  }

  @Test
  void anErrorInATaskNeitherJamsTheQueueNorKeepsItsBytes() {
    WriterQueue queue = new WriterQueue(vertx.createSharedWorkerExecutor("writer-queue-test", 1), 1);
    AtomicLong recording = new AtomicLong();
    assertThat(queue.submitFrame(recording, 1000, () -> () -> {
      throw new OutOfMemoryError("the test's: a task that fails with an Error");
    })).isTrue();
    queue.submit(written::incrementAndGet);
    Wait.until("the task after the failing one run", () -> written.get() == 1);
    assertThat(recording.get()).as("the failed frame's bytes are given back").isZero();
    assertThat(frame(queue, recording, 1000)).isTrue();
    Wait.until("the next frame written", () -> written.get() == 2);
  }
}
