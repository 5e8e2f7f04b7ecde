package io.frameloop.session;

import io.frameloop.pipeline.PipelineException;
import io.frameloop.pipeline.PipelineRules;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.protocol.ClientMessage;
import io.frameloop.protocol.ClientMessages;
import io.frameloop.protocol.ControlMessageException;
import io.frameloop.protocol.ServerMessages;
import io.vertx.core.json.JsonObject;

/**
 * What a session's control messages set: its pipeline and whether it collects timings. Each
 * message gets one answer (the new setting, or an error counted in the session's stats). Used on
 * the session's event loop.
 */
final class SessionControl {

  private final PipelineRules rules;
  private final SessionStats stats;
  private PipelineSpec pipeline;

  SessionControl(PipelineRules rules, PipelineSpec pipeline, SessionStats stats) {
    this.rules = rules;
    this.pipeline = pipeline;
    this.stats = stats;
  }

  PipelineSpec pipeline() {
    return pipeline;
  }

  /** The answer to a text message. */
  JsonObject apply(String text) {
    ClientMessage message;
    try {
      message = ClientMessages.decode(text);
    } catch (ControlMessageException e) {
      return error(ServerMessages.BAD_MESSAGE, e.getMessage());
    }
    if (message instanceof ClientMessage.SetPipeline request) {
      try {
        pipeline = rules.parse(request.pipeline(), pipeline.quality());
        return ServerMessages.pipeline(pipeline.toJson());
      } catch (PipelineException e) {
        return error(ServerMessages.BAD_PIPELINE, e.getMessage());
      }
    }
    ClientMessage.SetTimings timings = (ClientMessage.SetTimings) message;
    stats.collectTimings(timings.enabled());
    return ServerMessages.timings(timings.enabled());
  }

  /** The answer to a text message over {@code maxTextMessageBytes}. */
  JsonObject tooLarge(int maxTextMessageBytes) {
    return error(ServerMessages.BAD_MESSAGE, ClientMessages.tooLarge(maxTextMessageBytes).getMessage());
  }

  private JsonObject error(String code, String message) {
    stats.controlError(code);
    return ServerMessages.error(code, message);
  }
}
