package io.frameloop.pipeline.ops.faces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.image.OpenCvLoader;
import io.frameloop.testing.Images;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The bundled BlazeFace model on the photo fixtures, without a server: one face on the astronaut,
 * where it is, whatever the frame's size, aspect ratio or mirroring; none on the coffee.
 */
class BlazeFaceDetectorTest {

  static {
    OpenCvLoader.load();
  }

  private static BlazeFaceDetector detector;
  private final Mat resized = new Mat();
  private final Mat square = new Mat();

  @BeforeAll
  static void load() throws IOException {
    detector = BlazeFaceDetector.load(bundledModel());
  }

  @AfterAll
  static void close() {
    detector.close();
  }

  static byte[] bundledModel() throws IOException {
    try (InputStream in = BlazeFaceDetectorTest.class.getClassLoader().getResourceAsStream(FaceModels.DEFAULT_MODEL_RESOURCE)) {
      assertThat(in).as("the model on the test class path (surefire's additionalClasspathElements)").isNotNull();
      return in.readAllBytes();
    }
  }

  private static Mat astronaut() {
    return Images.decode(Images.fixture("astronaut-640x480.jpg"));
  }

  private static DetectedFace onlyFace(List<DetectedFace> faces) {
    assertThat(faces).hasSize(1);
    return faces.get(0);
  }

  private static DetectedFace box(Rect rect) {
    return new DetectedFace(rect.x, rect.y, rect.width, rect.height, 1, new double[0]);
  }

  @Test
  void theAstronautHasOneFaceOnTheHandMarkedBox() {
    DetectedFace face = onlyFace(detector.detect(astronaut(), resized, square, 0.75));
    assertThat(face.iou(box(Images.ASTRONAUT_FACE))).isGreaterThanOrEqualTo(0.5);
    assertThat(face.score()).isGreaterThan(0.75);
    // Keypoints: the right eye (from the viewer: left) left of the left eye, both above the mouth, inside the box.
    double[] k = face.keypoints();
    assertThat(k[0]).isLessThan(k[2]);
    assertThat(k[7]).isGreaterThan(Math.max(k[1], k[3]));
    assertThat(k[0]).isBetween(face.x(), face.x() + face.width());
  }

  @Test
  void theCoffeeHasNone() {
    assertThat(detector.detect(Images.decode(Images.fixture("coffee-640x480.jpg")), resized, square, 0.75)).isEmpty();
  }

  @Test
  void aMirroredHalfSizeFrameGivesTheMirroredBoxAtHalfScale() {
    Mat frame = astronaut();
    Core.flip(frame, frame, 1);
    Imgproc.resize(frame, frame, new Size(320, 240), 0, 0, Imgproc.INTER_AREA);
    DetectedFace face = onlyFace(detector.detect(frame, resized, square, 0.75));
    Rect expected = Images.ASTRONAUT_FACE;
    Rect mirroredHalf = new Rect((640 - expected.x - expected.width) / 2, expected.y / 2, expected.width / 2, expected.height / 2);
    assertThat(face.iou(box(mirroredHalf))).isGreaterThanOrEqualTo(0.5);
  }

  @Test
  void aFrameLetterboxedInto1280x720IsMappedBackToItsPixels() {
    // The photo scaled to the frame's height, 960x720, between black bars of 160 pixels.
    Mat frame = Mat.zeros(720, 1280, astronaut().type());
    Mat inner = frame.submat(new Rect(160, 0, 960, 720));
    Imgproc.resize(astronaut(), inner, inner.size(), 0, 0, Imgproc.INTER_CUBIC);
    DetectedFace face = onlyFace(detector.detect(frame, resized, square, 0.75));
    Rect expected = Images.ASTRONAUT_FACE;
    Rect scaled = new Rect(160 + expected.x * 3 / 2, expected.y * 3 / 2, expected.width * 3 / 2, expected.height * 3 / 2);
    assertThat(face.iou(box(scaled))).isGreaterThanOrEqualTo(0.5);
  }

  @Test
  void aGreyFrameIsDetectedToo() {
    Mat gray = new Mat();
    Imgproc.cvtColor(astronaut(), gray, Imgproc.COLOR_BGR2GRAY);
    assertThat(onlyFace(detector.detect(gray, resized, square, 0.75)).iou(box(Images.ASTRONAUT_FACE))).isGreaterThanOrEqualTo(0.5);
  }

  @Test
  void aModelWithAnotherSignatureIsRefusedWithWhatItExpects() {
    assertThatThrownBy(() -> BlazeFaceDetector.load(new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("ONNX Runtime could not load the model");
  }
}
