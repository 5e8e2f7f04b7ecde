package io.frameloop.testing;

import io.frameloop.inference.OnnxModel;
import io.frameloop.inference.OnnxRuntime;
import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.OpContext;
import io.frameloop.pipeline.SimpleOpFactory;
import io.vertx.core.json.JsonObject;
import java.nio.FloatBuffer;
import java.util.Optional;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The README's plug-in with an ONNX model of its own, run through {@link OnnxModel}: here the
 * BlazeFace file read as any model, its best raw face score turned into a square in the top-left
 * corner, white when some anchor is sure of a face (score over 0.75), black when not.
 */
public final class FaceScoreOpFactory extends SimpleOpFactory {

  private final byte[] model;

  public FaceScoreOpFactory(byte[] model) {
    super("facescore", "Paints a white square when the model sees a face (a test plug-in)");
    this.model = model;
  }

  @Override
  public Optional<String> unavailableReason() {
    return OnnxRuntime.unavailableReason();
  }

  @Override
  public FrameOp create(JsonObject params, OpContext context) {
    // One session per worker, closed with it; its tensors are reused frame after frame.
    OnnxModel onnx = context.shared("facescore:model", () -> OnnxModel.load(model), OnnxModel::close);
    byte[] pixels = new byte[128 * 128 * 3];
    return image -> {
      Mat input = context.scratch(0);
      Imgproc.resize(image, input, new Size(128, 128));
      input.get(0, 0, pixels);
      FloatBuffer tensor = onnx.input("input:0");
      for (int i = 0; i < pixels.length; i += 3) { // BGR bytes to RGB floats in [-1, 1]
        tensor.put((pixels[i + 2] & 0xFF) / 127.5f - 1).put((pixels[i + 1] & 0xFF) / 127.5f - 1).put((pixels[i] & 0xFF) / 127.5f - 1);
      }
      onnx.run();
      FloatBuffer scores = onnx.output("Identity:0");
      float best = Float.NEGATIVE_INFINITY;
      while (scores.hasRemaining()) {
        best = Math.max(best, scores.get());
      }
      boolean face = 1 / (1 + Math.exp(-best)) > 0.75;
      Imgproc.rectangle(image, new Point(0, 0), new Point(31, 31), face ? Scalar.all(255) : Scalar.all(0), Imgproc.FILLED);
      return image;
    };
  }
}
