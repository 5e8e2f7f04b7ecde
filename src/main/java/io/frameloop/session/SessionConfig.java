package io.frameloop.session;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.pipeline.PipelineSpec;
import io.vertx.core.json.JsonObject;

/**
 * What every session of one server shares.
 *
 * @param limits             the limits as announced in {@code hello}
 * @param maxFps             frames per second a session may send before frames are dropped as
 *                           {@code rate_limited}; 0 for no limit
 * @param idleTimeoutSeconds a session that sends nothing for this long is closed; 0 for never
 * @param maxMessageBytes    a larger binary message closes the session with 1009
 */
public record SessionConfig(OpRegistry registry, PipelineSpec defaultPipeline, JsonObject limits,
                            long statsIntervalMs, int maxFps, int maxMessageBytes, int maxTextMessageBytes, int idleTimeoutSeconds,
                            SessionListener listener) {
}
