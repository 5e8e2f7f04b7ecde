package io.frameloop.pipeline.ops.faces;

import static io.frameloop.pipeline.ops.faces.BlazeFaceDecoder.ANCHORS;
import static io.frameloop.pipeline.ops.faces.BlazeFaceDecoder.INPUT_SIDE;
import static io.frameloop.pipeline.ops.faces.BlazeFaceDecoder.VALUES_PER_ANCHOR;

import io.frameloop.inference.OnnxModel;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * BlazeFace (short range) on ONNX Runtime, through the generic {@link OnnxModel}: letterboxes the
 * frame into the model's 128x128 square (aspect ratio kept, black bars), runs it, decodes with
 * {@link BlazeFaceDecoder} and maps the faces back to the frame. One per worker; the model's
 * outputs are recognized by their shapes, so any model with BlazeFace's signature fits.
 */
public final class BlazeFaceDetector implements AutoCloseable {

  private static final int HALF_ANCHORS = 512;

  private final OnnxModel model;
  private final String input;
  private final String[] scoreOutputs = new String[2];
  private final String[] boxOutputs = new String[2];
  // Reused every frame: the letterboxed pixels and the outputs in anchor order.
  private final byte[] pixels = new byte[INPUT_SIDE * INPUT_SIDE * 3];
  private final float[] scores = new float[ANCHORS];
  private final float[] boxes = new float[ANCHORS * VALUES_PER_ANCHOR];

  private BlazeFaceDetector(OnnxModel model) {
    this.model = model;
    this.input = model.inputNames().iterator().next();
    if (model.inputNames().size() != 1 || !Arrays.equals(model.shape(input), new long[] {1, INPUT_SIDE, INPUT_SIDE, 3})) {
      throw new IllegalArgumentException("not a BlazeFace model: expected one input [1, 128, 128, 3], got "
        + shapes(model.inputNames()));
    }
    for (String output : model.outputNames()) {
      long[] shape = model.shape(output);
      int layer = shape.length == 3 && shape[0] == 1 ? (shape[1] == HALF_ANCHORS ? 0 : shape[1] == ANCHORS - HALF_ANCHORS ? 1 : -1) : -1;
      if (layer >= 0 && shape[2] == 1) {
        scoreOutputs[layer] = output;
      } else if (layer >= 0 && shape[2] == VALUES_PER_ANCHOR) {
        boxOutputs[layer] = output;
      }
    }
    if (Arrays.asList(scoreOutputs).contains(null) || Arrays.asList(boxOutputs).contains(null)) {
      throw new IllegalArgumentException("not a BlazeFace model: expected outputs [1, 512, 1], [1, 384, 1], [1, 512, 16]"
        + " and [1, 384, 16], got " + shapes(model.outputNames()));
    }
  }

  private String shapes(Set<String> names) {
    return names.stream().map(name -> name + " " + Arrays.toString(model.shape(name))).toList().toString();
  }

  /**
   * Loads the model (blocks).
   *
   * @throws IllegalArgumentException when it cannot be loaded or does not have BlazeFace's signature
   */
  public static BlazeFaceDetector load(byte[] onnx) {
    OnnxModel model = OnnxModel.load(onnx);
    try {
      return new BlazeFaceDetector(model);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The faces in {@code image} scoring at least {@code minScore}, best first, in the image's pixels.
   * {@code resized} and {@code square} are scratch Mats for the letterbox.
   */
  public List<DetectedFace> detect(Mat image, Mat resized, Mat square, double minScore) {
    double scale = (double) INPUT_SIDE / Math.max(image.cols(), image.rows());
    int width = (int) Math.max(1, Math.min(INPUT_SIDE, Math.round(image.cols() * scale)));
    int height = (int) Math.max(1, Math.min(INPUT_SIDE, Math.round(image.rows() * scale)));
    Imgproc.resize(image, resized, new Size(width, height), 0, 0, Imgproc.INTER_AREA);
    int left = (INPUT_SIDE - width) / 2;
    int top = (INPUT_SIDE - height) / 2;
    Core.copyMakeBorder(resized, square, top, INPUT_SIDE - height - top, left, INPUT_SIDE - width - left,
      Core.BORDER_CONSTANT, Scalar.all(0));
    writeInput(square);
    model.run();
    read(0, 0);
    read(1, HALF_ANCHORS);
    double sx = (double) image.cols() / width;
    double sy = (double) image.rows() / height;
    return BlazeFaceDecoder.decode(scores, boxes, minScore).stream()
      .map(face -> face.mapped(INPUT_SIDE * sx, -left * sx, INPUT_SIDE * sy, -top * sy)).toList();
  }

  /** RGB scaled to [-1, 1], NHWC, from the BGR (or grey) square. */
  private void writeInput(Mat square) {
    int channels = square.channels();
    square.get(0, 0, pixels);
    FloatBuffer buffer = model.input(input);
    for (int i = 0; i < INPUT_SIDE * INPUT_SIDE; i++) {
      int at = i * channels;
      for (int c = 2; c >= 0; c--) {
        buffer.put((pixels[at + Math.min(c, channels - 1)] & 0xFF) / 127.5f - 1f);
      }
    }
  }

  private void read(int layer, int firstAnchor) {
    FloatBuffer layerScores = model.output(scoreOutputs[layer]);
    layerScores.get(scores, firstAnchor, layerScores.remaining());
    FloatBuffer layerBoxes = model.output(boxOutputs[layer]);
    layerBoxes.get(boxes, firstAnchor * VALUES_PER_ANCHOR, layerBoxes.remaining());
  }

  @Override
  public void close() {
    model.close();
  }
}
