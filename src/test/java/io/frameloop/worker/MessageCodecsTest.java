package io.frameloop.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.FrameResults;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.pipeline.ProcessedFrame;
import io.frameloop.pipeline.ReplyMode;
import io.frameloop.pipeline.StageTimes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What crosses the wire between cluster nodes comes back as it left, at the limits too. */
class MessageCodecsTest {

  @Test
  void aProcessedFrameWithTheMostOpsRoundTrips() {
    List<StageTimes.OpTime> ops = new ArrayList<>();
    for (int i = 0; i < 300; i++) { // more than a byte can count, and than maxOps allows
      ops.add(new StageTimes.OpTime("op-é-" + i, 1000L + i));
    }
    ProcessedFrame frame = new ProcessedFrame(Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}), 640, 480, 123_456_789L,
      "node-ü", new StageTimes(11, 22, ops, 33));
    Buffer wire = Buffer.buffer("prefix");
    ProcessedFrameMessageCodec codec = new ProcessedFrameMessageCodec();
    codec.encodeToWire(wire, frame);
    ProcessedFrame back = codec.decodeFromWire(6, wire);
    assertThat(back.jpeg()).isEqualTo(frame.jpeg());
    assertThat(back).usingRecursiveComparison().ignoringFields("jpeg").isEqualTo(frame);
  }

  @Test
  void aProcessedPictureForAVp8ReplyRoundTrips() {
    byte[] bgr = new byte[4 * 2 * 3];
    for (int i = 0; i < bgr.length; i++) {
      bgr[i] = (byte) (i * 7);
    }
    ProcessedFrame frame = new ProcessedFrame(null, 4, 2, 5L, null, new StageTimes(1, 2, List.of(), 3),
      null, new DecodedPicture(4, 2, bgr, 0));
    Buffer wire = Buffer.buffer();
    ProcessedFrameMessageCodec codec = new ProcessedFrameMessageCodec();
    codec.encodeToWire(wire, frame);
    ProcessedFrame back = codec.decodeFromWire(0, wire);
    assertThat(back.jpeg()).isNull();
    assertThat(back.picture().bgr()).isEqualTo(bgr);
    assertThat(back.width()).isEqualTo(4);
    assertThat(back.height()).isEqualTo(2);
  }

  @Test
  void aFrameJobKeepsItsPipelineWithItsReplyFormat() {
    PipelineSpec pipeline = PipelineSpec.fromTrustedJson(new JsonObject("{\"ops\":[],\"quality\":80,\"replyFormat\":\"vp8\"}"));
    Buffer wire = Buffer.buffer();
    FrameJobMessageCodec codec = new FrameJobMessageCodec();
    codec.encodeToWire(wire, new FrameJob(Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8, 9}), pipeline, 45));
    assertThat(codec.decodeFromWire(0, wire).pipeline().replyFormat()).isEqualTo("vp8");
  }

  @Test
  void aResultsOnlyFrameKeepsItsResultsAndHasNoJpeg() {
    JsonObject json = new JsonObject("{\"width\":640,\"height\":480,\"detections\":[{\"op\":\"faces\",\"label\":\"face\","
      + "\"score\":0.93,\"box\":[223,101,118,118],\"keypoints\":[[250,140],[300,141]]}],\"data\":{\"mine\":{\"n\":\"é\"}}}");
    ProcessedFrameMessageCodec codec = new ProcessedFrameMessageCodec();
    for (boolean reported : new boolean[] {true, false}) {
      ProcessedFrame frame = new ProcessedFrame(null, 640, 480, 5, "w", StageTimes.NONE, FrameResults.fromTrustedJson(json, reported));
      Buffer wire = Buffer.buffer();
      codec.encodeToWire(wire, frame);
      ProcessedFrame back = codec.decodeFromWire(0, wire);
      assertThat(back.jpeg()).isNull();
      assertThat(back.results().toJson()).isEqualTo(json);
      assertThat(back.results().reported()).isEqualTo(reported);
    }
    ProcessedFrame imageOnly = new ProcessedFrame(Buffer.buffer(new byte[] {1, 2}), 1, 1, 5, "w", StageTimes.NONE);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, imageOnly);
    assertThat(codec.decodeFromWire(0, wire).results()).isNull();
  }

  @Test
  void aFrameJobKeepsItsPipelineAndReplyQuality() {
    PipelineSpec pipeline = PipelineSpec.fromTrustedJson(new JsonObject("{\"ops\":[{\"op\":\"resize\",\"width\":320}],\"quality\":80,\"reply\":\"both\"}"));
    FrameJob job = new FrameJob(Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8, 9}), pipeline, 45);
    Buffer wire = Buffer.buffer();
    FrameJobMessageCodec codec = new FrameJobMessageCodec();
    codec.encodeToWire(wire, job);
    FrameJob back = codec.decodeFromWire(0, wire);
    assertThat(back.jpeg()).isEqualTo(job.jpeg());
    assertThat(back.pipeline()).isEqualTo(pipeline);
    assertThat(back.pipeline().reply()).isEqualTo(ReplyMode.BOTH);
    assertThat(back.quality()).isEqualTo(45);
  }

  @Test
  void aDecodedVideoPictureTravelsToARemoteWorkerAsRawPixels() {
    PipelineSpec pipeline = PipelineSpec.fromTrustedJson(new JsonObject("{\"ops\":[],\"quality\":70}"));
    byte[] pixels = new byte[4 * 2 * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 7);
    }
    FrameJob job = FrameJob.ofPicture(new DecodedPicture(4, 2, pixels, 1234), pipeline, 60);
    Buffer wire = Buffer.buffer();
    FrameJobMessageCodec codec = new FrameJobMessageCodec();
    codec.encodeToWire(wire, job);
    // Behind something else in the buffer, as the event bus writes it.
    FrameJob back = codec.decodeFromWire(3, Buffer.buffer("abc").appendBuffer(wire));
    assertThat(back.jpeg()).isNull();
    assertThat(back.picture().width()).isEqualTo(4);
    assertThat(back.picture().height()).isEqualTo(2);
    assertThat(back.picture().bgr()).isEqualTo(pixels);
    assertThat(back.picture().decodeNanos()).isEqualTo(1234);
    assertThat(back.pipeline()).isEqualTo(pipeline);
    assertThat(back.quality()).isEqualTo(60);
    assertThat(codec.transform(job)).as("locally: the object itself").isSameAs(job);
  }
}
