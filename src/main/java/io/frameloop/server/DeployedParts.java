package io.frameloop.server;

import io.frameloop.auth.TokenAuth;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.session.FrameScheduler;
import io.frameloop.video.VideoSupport;
import io.frameloop.worker.BeforeStop;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What {@link FrameLoopBootstrap} has made ready for one FrameLoop before it is composed.
 *
 * @param options          the FrameLoop's own copy of the options
 * @param defaultPipeline  the configured pipeline, parsed and checked
 * @param codecName        the JPEG codec the workers use
 * @param tokens           the session token check; null when authentication is off
 * @param scheduler        takes turns among the sessions for the started workers' pool
 * @param workerDeployment this node's worker verticles' deployment id; null for the front role (none)
 * @param address          this FrameLoop's hold on its workers' address in this Vert.x instance
 * @param video            the video codecs this node has
 * @param beforeStop       what this node's workers wait for when told to stop: the FrameLoop sets its sessions' drain
 */
record DeployedParts(FrameLoopOptions options, OpRegistry registry, PipelineSpec defaultPipeline, String codecName,
                     TokenAuth tokens, FrameScheduler scheduler, MeterRegistry meterRegistry, String workerDeployment,
                     WorkerAddresses.Claim address, VideoSupport video, BeforeStop beforeStop) {
}
