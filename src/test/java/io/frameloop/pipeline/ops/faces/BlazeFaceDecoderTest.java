package io.frameloop.pipeline.ops.faces;

import static io.frameloop.pipeline.ops.faces.BlazeFaceDecoder.ANCHORS;
import static io.frameloop.pipeline.ops.faces.BlazeFaceDecoder.VALUES_PER_ANCHOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BlazeFace's decoding on made-up model outputs: anchors, boxes, keypoints, scores, weighted NMS. */
class BlazeFaceDecoderTest {

  private final float[] scores = new float[ANCHORS];
  private final float[] boxes = new float[ANCHORS * VALUES_PER_ANCHOR];

  BlazeFaceDecoderTest() {
    Arrays.fill(scores, -10f); // sigmoid: 0.00005
  }

  @Test
  void anchorsAreTheTwoGridsInMediaPipesOrder() {
    assertThat(BlazeFaceDecoder.anchorCentre(0)).containsExactly(0.5 / 16, 0.5 / 16);
    assertThat(BlazeFaceDecoder.anchorCentre(1)).as("2 anchors per 16x16 cell").containsExactly(0.5 / 16, 0.5 / 16);
    assertThat(BlazeFaceDecoder.anchorCentre(2)).containsExactly(1.5 / 16, 0.5 / 16);
    assertThat(BlazeFaceDecoder.anchorCentre(511)).containsExactly(15.5 / 16, 15.5 / 16);
    assertThat(BlazeFaceDecoder.anchorCentre(512)).as("then 6 per 8x8 cell").containsExactly(0.5 / 8, 0.5 / 8);
    assertThat(BlazeFaceDecoder.anchorCentre(517)).containsExactly(0.5 / 8, 0.5 / 8);
    assertThat(BlazeFaceDecoder.anchorCentre(518)).containsExactly(1.5 / 8, 0.5 / 8);
    assertThat(BlazeFaceDecoder.anchorCentre(895)).containsExactly(7.5 / 8, 7.5 / 8);
  }

  @Test
  void aBoxIsItsAnchorsCentrePlusOffsetsIn128PixelUnits() {
    int anchor = 512 + 6 * (8 * 3 + 2); // 8x8 grid, cell x 2, y 3: centre (2.5/8, 3.5/8)
    set(anchor, 2f, 12.8f, -6.4f, 32f, 64f);
    boxes[anchor * VALUES_PER_ANCHOR + 4] = 6.4f; // right eye x
    boxes[anchor * VALUES_PER_ANCHOR + 15] = -12.8f; // last keypoint y

    List<DetectedFace> faces = BlazeFaceDecoder.decode(scores, boxes, 0.75);

    assertThat(faces).hasSize(1);
    DetectedFace face = faces.get(0);
    assertThat(face.score()).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-9));
    assertThat(face.width()).isCloseTo(0.25, within(1e-6));
    assertThat(face.height()).isCloseTo(0.5, within(1e-6));
    assertThat(face.x() + face.width() / 2).isCloseTo(2.5 / 8 + 0.1, within(1e-6));
    assertThat(face.y() + face.height() / 2).isCloseTo(3.5 / 8 - 0.05, within(1e-6));
    assertThat(face.keypoints()).hasSize(12);
    assertThat(face.keypoints()[0]).isCloseTo(2.5 / 8 + 0.05, within(1e-6));
    assertThat(face.keypoints()[11]).isCloseTo(3.5 / 8 - 0.1, within(1e-6));
  }

  @Test
  void scoresBelowTheMinimumAreDropped() {
    set(10, 1f, 0, 0, 20, 20); // 0.73
    assertThat(BlazeFaceDecoder.decode(scores, boxes, 0.75)).isEmpty();
    assertThat(BlazeFaceDecoder.decode(scores, boxes, 0.7)).hasSize(1);
  }

  @Test
  void overlappingDetectionsMergeWeightedByScoreAndSeparateOnesStay() {
    // Two anchors of the same 16x16 cell: the same centre, widths 20 and 30 px; another face far away.
    set(200, 3f, 0, 0, 20, 20);
    set(201, 1.5f, 0, 0, 30, 30);
    set(895, 2f, 0, 0, 16, 16);

    List<DetectedFace> faces = BlazeFaceDecoder.decode(scores, boxes, 0.75);

    assertThat(faces).hasSize(2);
    double w1 = BlazeFaceDecoder.sigmoid(3);
    double w2 = BlazeFaceDecoder.sigmoid(1.5);
    assertThat(faces.get(0).score()).as("the best one's score").isCloseTo(w1, within(1e-9));
    assertThat(faces.get(0).width() * 128).isCloseTo((20 * w1 + 30 * w2) / (w1 + w2), within(1e-4));
    assertThat(faces.get(1).width() * 128).isCloseTo(16, within(1e-4));
  }

  @Test
  void outputsOfTheWrongSizeAreRefused() {
    assertThatThrownBy(() -> BlazeFaceDecoder.decode(new float[10], boxes, 0.75))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("896");
  }

  @Test
  void facesMapToAnotherFrameAndOverlapByIou() {
    DetectedFace unit = new DetectedFace(0.25, 0.5, 0.25, 0.25, 0.9, new double[] {0.5, 0.5});
    DetectedFace mapped = unit.mapped(400, -20, 200, 10);
    assertThat(mapped).extracting(DetectedFace::x, DetectedFace::y, DetectedFace::width, DetectedFace::height)
      .containsExactly(80.0, 110.0, 100.0, 50.0);
    assertThat(mapped.keypoints()).containsExactly(180.0, 110.0);
    assertThat(mapped.iou(mapped)).isEqualTo(1.0);
    assertThat(mapped.iou(new DetectedFace(130, 110, 100, 50, 1, new double[0]))).isCloseTo(1 / 3.0, within(1e-9));
    assertThat(mapped.iou(new DetectedFace(500, 110, 100, 50, 1, new double[0]))).isZero();
  }

  private void set(int anchor, float rawScore, float dx, float dy, float w, float h) {
    scores[anchor] = rawScore;
    int at = anchor * VALUES_PER_ANCHOR;
    boxes[at] = dx;
    boxes[at + 1] = dy;
    boxes[at + 2] = w;
    boxes[at + 3] = h;
  }
}
