package io.frameloop.session;

import io.frameloop.pipeline.StageTimes;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.StatsReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a session counts, reports in stats and passes on to the server's metrics. */
class SessionStatsTest {

  /** Writes down what the metrics would hear. */
  private static final class Heard implements SessionListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void frameIn(int bytes) {
      events.add("in " + bytes);
    }

    @Override
    public void frameOut(int bytes) {
      events.add("out " + bytes);
    }

    @Override
    public void dropped(DropReason reason) {
      events.add("dropped " + reason.wireName());
    }

    @Override
    public void error(String code) {
      events.add("error " + code);
    }

    @Override
    public void processed(long processingNanos, long queueWaitNanos) {
      events.add("processed " + processingNanos + " " + queueWaitNanos);
    }
  }

  private final Heard heard = new Heard();
  private final SessionStats stats = new SessionStats(heard);

  @Test
  void countsAndBytesAddUpAndEveryDropReasonIsListed() {
    stats.frameIn(100);
    stats.frameIn(50);
    stats.frameIn(7);
    stats.frameIn(8);
    stats.frameOut(90);
    stats.drop(DropReason.STALE);
    stats.drop(DropReason.STALE);
    stats.frameError("bad_frame");
    stats.controlError("bad_message"); // not a frame: not in the frame counts
    StatsReport report = stats.report(0, 80);
    assertThat(report.framesIn()).isEqualTo(4);
    assertThat(report.framesOut()).isEqualTo(1);
    assertThat(report.errors()).isEqualTo(1);
    assertThat(report.bytesIn()).isEqualTo(165);
    assertThat(report.bytesOut()).isEqualTo(90);
    assertThat(report.dropped()).containsExactly(Map.entry("stale", 2L), Map.entry("slow_client", 0L),
      Map.entry("rate_limited", 0L), Map.entry("worker_lost", 0L), Map.entry("expired", 0L), Map.entry("closed", 0L),
      Map.entry("awaiting_key", 0L));
    assertThat(stats.droppedTotal()).isEqualTo(2);
    assertThat(report.framesIn()).isEqualTo(report.framesOut() + stats.droppedTotal() + report.errors());
    assertThat(stats.summary()).isEqualTo("in=4 out=1 dropped=2 errors=1 bytesIn=165 bytesOut=90");
    assertThat(heard.events).containsExactly("in 100", "in 50", "in 7", "in 8", "out 90", "dropped stale", "dropped stale",
      "error bad_frame", "error bad_message");
  }

  @Test
  void processedFramesGoIntoTheLatencyWindowAndTheWorkersCount() {
    stats.recordProcessed(1, "node-a", 4_000_000, 1_000_000, StageTimes.NONE);
    stats.recordProcessed(2, "node-a", 6_000_000, -5, StageTimes.NONE); // a clock step back: no negative wait
    stats.recordProcessed(3, "node-b", 8_000_000, 3_000_000, StageTimes.NONE);
    stats.recordProcessed(4, null, 8_000_000, 0, StageTimes.NONE); // processed where no node name is known
    StatsReport report = stats.report(2, 80);
    assertThat(report.pending()).isEqualTo(2);
    assertThat(report.processedBy()).containsExactly(Map.entry("node-a", 2L), Map.entry("node-b", 1L));
    assertThat(report.processMs().count()).isEqualTo(4);
    assertThat(report.processMs().p50()).isBetween(5.9, 6.1);
    assertThat(report.processMs().p99()).isBetween(7.9, 8.1);
    assertThat(report.queueMs().count()).isEqualTo(4);
    assertThat(report.queueMs().p50()).isBetween(0.0, 0.01);
    assertThat(report.queueMs().p99()).isBetween(2.9, 3.1);
    assertThat(report.timings()).as("not asked for").isNull();
    assertThat(heard.events).contains("processed 6000000 0");

    StatsReport next = stats.report(0, 80);
    assertThat(next.processMs().count()).as("a new window").isZero();
    assertThat(next.queueMs().count()).isZero();
    assertThat(next.processedBy()).as("since the session opened").containsEntry("node-a", 2L);
  }

  @Test
  void timingsAreKeptWhenAskedForOncePerReportAndBounded() {
    stats.collectTimings(true);
    stats.recordProcessed(0, "n", 1_000_000, 0, StageTimes.NONE);
    stats.recordProcessed(7, "n", 2_500_000, 500_000, StageTimes.NONE);
    stats.recordProcessed(-1, "n", 1_000_000, 0, StageTimes.NONE); // a bare frame has no sequence to report
    stats.recordProcessed(8, "n", 1_000_000, -1_000, StageTimes.NONE);
    assertThat(stats.report(0, 80).timings()).containsExactly(new StatsReport.FrameTiming(0, 1000, 0, 0, 0, List.of(), 0),
      new StatsReport.FrameTiming(7, 2500, 500, 0, 0, List.of(), 0),
      new StatsReport.FrameTiming(8, 1000, 0, 0, 0, List.of(), 0));
    assertThat(stats.report(0, 80).timings()).as("each timing in one report").isEmpty();
    for (int seq = 0; seq < SessionStats.MAX_TIMINGS + 5; seq++) {
      stats.recordProcessed(seq, "n", 1_000, 0, StageTimes.NONE);
    }
    assertThat(stats.report(0, 80).timings()).hasSize(SessionStats.MAX_TIMINGS);
    stats.collectTimings(false);
    stats.recordProcessed(9, "n", 1_000, 0, StageTimes.NONE);
    assertThat(stats.report(0, 80).timings()).isNull();
  }

  @Test
  void aFrameSlowerThanTheHistogramsRangeIsRecordedAtItsTop() {
    stats.recordProcessed(1, "n", 3_600_000_000_000L, 3_600_000_000_000L, StageTimes.NONE); // an hour
    StatsReport report = stats.report(0, 80);
    assertThat(report.processMs().p99()).isBetween(590_000.0, 610_000.0);
    assertThat(report.queueMs().p99()).isBetween(590_000.0, 610_000.0);
  }

  @Test
  void aQuietSessionIsReportedOnceThenEveryTenthInterval() {
    SessionStats stats = new SessionStats(new Heard());
    List<Integer> sentAt = new ArrayList<>();
    for (int interval = 1; interval <= 25; interval++) {
      if (interval == 13) {
        stats.frameIn(100);
      }
      if (interval == 15) {
        stats.drop(DropReason.STALE);
      }
      if (stats.reportDue(0, 80)) {
        stats.report(0, 80);
        sentAt.add(interval);
      }
    }
    assertThat(sentAt).containsExactly(1, 11, 13, 15, 25);
    assertThat(stats.reportDue(1, 80)).as("a frame in processing is news").isTrue();
    stats.report(1, 80);
    assertThat(stats.reportDue(1, 70)).as("a lower reply quality is news").isTrue();
  }
}
