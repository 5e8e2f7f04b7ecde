package io.frameloop.session;

import io.frameloop.pipeline.CostBudgetException;
import io.frameloop.pipeline.CostModel;
import io.frameloop.pipeline.ImageSize;
import io.frameloop.pipeline.PipelineException;
import io.frameloop.pipeline.PipelineRules;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.protocol.ClientMessage;
import io.frameloop.protocol.ClientMessages;
import io.frameloop.protocol.ControlMessageException;
import io.frameloop.protocol.ServerMessages;
import io.frameloop.video.VideoSupport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What a session's control messages set: its pipeline, whether it collects timings, whether it
 * records and its video stream. Each message gets one answer (the new setting, or an error counted in the session's
 * stats); a {@code record} message's comes once the recorder has done it. Used on the session's
 * event loop.
 */
final class SessionControl {

  private final PipelineRules rules;
  private final SessionStats stats;
  private final SessionRecorder recorder;
  private final VideoInput video;
  private final VideoSupport videoSupport;
  private final Runnable keyframeRequested;
  private final PipelineSpec defaultPipeline;
  private PipelineSpec pipeline;
  /** The size the session's frames have: a pipeline's cost is checked at it (before any frame, the reference size). */
  private ImageSize frameSize = CostModel.REFERENCE_FRAME;

  /** @param keyframeRequested makes the next VP8 reply chunk a key chunk */
  SessionControl(PipelineRules rules, PipelineSpec pipeline, SessionStats stats, SessionRecorder recorder, VideoInput video,
                 VideoSupport videoSupport, Runnable keyframeRequested) {
    this.rules = rules;
    this.defaultPipeline = pipeline;
    this.pipeline = pipeline;
    this.stats = stats;
    this.recorder = recorder;
    this.video = video;
    this.videoSupport = videoSupport;
    this.keyframeRequested = keyframeRequested;
  }

  PipelineSpec pipeline() {
    return pipeline;
  }

  /** The session's last frame had this size: the next pipeline's cost is checked at it. */
  void frameSize(ImageSize size) {
    frameSize = size;
  }

  /**
   * Back to the server's default pipeline (the session's frames kept exceeding the budget); the
   * message to send, a {@code pipeline} that answers no request of the client's, hence its {@code reset}.
   */
  JsonObject resetPipeline() {
    pipeline = defaultPipeline;
    recorder.pipelineChanged(pipeline.toJson());
    return ServerMessages.pipeline(pipeline.toJson()).put("reset", ServerMessages.OVER_BUDGET);
  }

  /** The answer to a text message (null: none, the session closed first). */
  Future<JsonObject> apply(String text) {
    ClientMessage message;
    try {
      message = ClientMessages.decode(text);
    } catch (ControlMessageException e) {
      return Future.succeededFuture(error(ServerMessages.BAD_MESSAGE, e.getMessage()));
    }
    if (message instanceof ClientMessage.SetRecording record) {
      return recorder.apply(record.enabled(), pipeline.toJson()).map(answer -> {
        if (answer != null && "error".equals(answer.getString("type"))) {
          stats.controlError(answer.getString("code"));
        }
        return answer;
      });
    }
    return Future.succeededFuture(applyNow(message));
  }

  private JsonObject applyNow(ClientMessage message) {
    if (message instanceof ClientMessage.SetPipeline request) {
      try {
        PipelineSpec next = rules.parse(request.pipeline(), pipeline.quality(), pipeline.reply(), frameSize);
        if (next.vp8Replies() && !videoSupport.encode().contains(VideoSupport.VP8)) {
          return error(ServerMessages.BAD_PIPELINE, "replyFormat 'vp8' is unavailable on this server ("
            + (videoSupport.unavailable() == null ? "no VP8 encoder" : videoSupport.unavailable()) + "): use \"jpeg\"");
        }
        pipeline = next;
        recorder.pipelineChanged(pipeline.toJson());
        return ServerMessages.pipeline(pipeline.toJson());
      } catch (CostBudgetException e) {
        return error(ServerMessages.BAD_PIPELINE, e.getMessage()).put("predictedCostMs", e.predictedCostMs())
          .put("maxFrameCostMs", e.maxFrameCostMs());
      } catch (PipelineException e) {
        return error(ServerMessages.BAD_PIPELINE, e.getMessage());
      }
    }
    if (message instanceof ClientMessage.SetVideo request) {
      JsonObject answer = video.configure(request.video());
      if ("video".equals(answer.getString("type"))) {
        JsonObject config = answer.copy();
        config.remove("type");
        recorder.videoChanged(config);
      }
      return answer;
    }
    if (message instanceof ClientMessage.RequestKeyframe) {
      keyframeRequested.run(); // no answer: the key chunk is the answer
      return null;
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
