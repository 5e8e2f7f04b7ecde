package io.frameloop.session;

import io.frameloop.pipeline.PipelineRules;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.protocol.HelloLimits;
import io.frameloop.record.Recorder;
import io.frameloop.video.VideoSupport;

/**
 * What every session of one server shares.
 *
 * @param pipelines   the ops on offer and the limits a session's pipeline must keep
 *
 * @param helloLimits the limits as announced in {@code hello}
 * @param listener    hears every session's counts (the server's metrics)
 * @param scheduler   takes turns among the sessions for free workers
 * @param recorder    writes the sessions' recordings (refuses them all when recording is off)
 * @param results     hands every processed frame's results to the host application
 * @param video       the video codecs this server has (none, with the reason, without FFmpeg)
 */
public record SessionServices(SessionOptions options, PipelineRules pipelines, PipelineSpec defaultPipeline,
                              HelloLimits helloLimits, SessionListener listener, FrameScheduler scheduler,
                              Recorder recorder, ResultsBus results, VideoSupport video) {
}
