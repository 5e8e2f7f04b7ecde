package io.frameloop.pipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.ops.faces.DetectedFace;
import org.junit.jupiter.api.Test;
import org.opencv.core.Rect;

/** The region anonymize hides: the face grown by the padding on every side, clamped to the frame. */
class AnonymizeOpTest {

  private static DetectedFace face(double x, double y, double w, double h) {
    return new DetectedFace(x, y, w, h, 1, new double[0]);
  }

  @Test
  void theBoxGrowsByThePaddingOnEachSide() {
    assertThat(AnonymizeOp.padded(face(100, 50, 40, 20), 0.25, 640, 480)).isEqualTo(new Rect(90, 45, 60, 30));
    assertThat(AnonymizeOp.padded(face(100.5, 50.5, 40, 20), 0, 640, 480)).as("whole pixels covering the box")
      .isEqualTo(new Rect(100, 50, 41, 21));
  }

  @Test
  void aFaceAtOrBeyondTheEdgesIsClampedToTheFrame() {
    assertThat(AnonymizeOp.padded(face(-20, -10, 100, 100), 0.15, 64, 48)).isEqualTo(new Rect(0, 0, 64, 48));
    assertThat(AnonymizeOp.padded(face(600, 440, 80, 80), 1.0, 640, 480)).isEqualTo(new Rect(520, 360, 120, 120));
    assertThat(AnonymizeOp.padded(face(700, 500, 10, 10), 0, 640, 480).area()).as("wholly outside: nothing").isZero();
  }
}
