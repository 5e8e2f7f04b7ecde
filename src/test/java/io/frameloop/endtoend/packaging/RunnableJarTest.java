package io.frameloop.endtoend.packaging;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.ops.faces.DetectedFace;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.CameraClips;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.HelloOps;
import io.frameloop.testing.Images;
import io.frameloop.testing.VideoChunks;
import io.frameloop.video.EncodedChunk;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Mat;

/**
 * The runnable jar as the build made it ({@code target/frameloop-all.jar}, for the {@code runnable.platform} the
 * build was given): only that platform's natives inside, and, run with {@code java -jar}, OpenCV, libjpeg-turbo,
 * ONNX Runtime (BlazeFace) and VP8 loaded from it and a frame of each kind answered. The build runs it in
 * {@code verify}, after the jar is made (surefire's execution {@code runnable-jar}); {@code -Dtest=RunnableJarTest}
 * runs it on a jar made before.
 */
@ExtendWith(VertxExtension.class)
class RunnableJarTest {

  static final Path JAR = Path.of("target", "frameloop-all.jar");

  /** Issue 27's target: at most half of the 235 MB the jar had with every platform's natives. */
  static final long MAX_BYTES = 235_000_000L / 2;

  /** A native library or its debug symbols, by name: what the per-platform filters must leave for one platform only. */
  private static final Pattern NATIVE = Pattern.compile(".*(\\.so(\\.\\d+)*|\\.dll|\\.dylib|\\.jnilib|\\.a|\\.pdb)$|.*\\.dSYM/.*");

  /**
   * Each runnable.platform's directories of natives: OpenCV's, ONNX Runtime's, JNA's and JavaCPP's (FFmpeg and
   * JavaCPP itself), as the pom's platform profiles name them.
   */
  private static final Map<String, List<String>> PLATFORM_DIRECTORIES = Map.of(
    "linux-x86_64", directories("linux/x86_64", "linux-x64", "linux-x86-64", "linux-x86_64"),
    "linux-arm64", directories("linux/ARMv8", "linux-aarch64", "linux-aarch64", "linux-arm64"),
    "macosx-x86_64", directories("osx/x86_64", "osx-x64", "darwin-x86-64", "macosx-x86_64"),
    "macosx-arm64", directories("osx/ARMv8", "osx-aarch64", "darwin-aarch64", "macosx-arm64"),
    "windows-x86_64", directories("windows/x86_64", "win-x64", "win32-x86-64", "windows-x86_64"));

  private static List<String> directories(String opencv, String onnxruntime, String jna, String javacpp) {
    return List.of("nu/pattern/opencv/" + opencv + "/", "ai/onnxruntime/native/" + onnxruntime + "/", "com/sun/jna/" + jna + "/",
      "org/bytedeco/ffmpeg/" + javacpp + "/", "org/bytedeco/javacpp/" + javacpp + "/");
  }

  /** Hazelcast's own small helpers (ICMP, CPU affinity), which it has for linux-x86_64 only. */
  private static final String HAZELCAST_HELPERS = "lib/linux-x86_64/";

  @BeforeAll
  static void jarIsBuilt() {
    assertThat(JAR).as("the runnable jar: build it first with mvn -B -q -o -DskipTests package").isRegularFile();
  }

  @Test
  void theJarHoldsTheNativesOfItsPlatformOnlyAndIsAtMostHalfItsFormerSize() throws IOException {
    String platform = System.getProperty("runnable.platform", "linux-x86_64");
    List<String> expected = PLATFORM_DIRECTORIES.get(platform);
    assertThat(expected).as("runnable.platform " + platform).isNotNull();
    List<String> natives = new ArrayList<>();
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      for (Enumeration<? extends ZipEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        if (!entry.isDirectory() && NATIVE.matcher(entry.getName()).matches()) {
          natives.add(entry.getName());
        }
      }
    }
    List<String> allowed = new ArrayList<>(expected);
    if (platform.equals("linux-x86_64")) {
      allowed.add(HAZELCAST_HELPERS);
    }
    assertThat(natives).as("natives outside " + platform + "'s directories (or debug symbols)")
      .allMatch(name -> allowed.stream().anyMatch(name::startsWith) && !name.endsWith(".pdb") && !name.contains(".dSYM/"));
    for (String directory : expected) {
      assertThat(natives).as("natives in " + directory).anyMatch(name -> name.startsWith(directory));
    }
    assertThat(Files.size(JAR)).isLessThanOrEqualTo(MAX_BYTES);
  }

  @Test
  void theJarLoadsItsNativesAndAnswersJpegFacesAndVideo(Vertx vertx) throws Exception {
    List<EncodedChunk> chunks = VideoChunks.camera(2, VideoChunks.CANVAS);
    try (ForkedServer server = ForkedServer.startJar("runnable-jar", "512m", JAR)) {
      assertThat(server.log()).contains("OpenCV 4.9.0", "JPEG codec turbojpeg", "video [vp8]");
      try (FrameClient client = FrameClient.connect(vertx, server.port())) {
        JsonObject faces = HelloOps.find(client.hello().getJsonArray("ops"), "faces");
        assertThat(faces.getJsonObject("models").getJsonObject("blazeface").getBoolean("available"))
          .as("BlazeFace with ONNX Runtime's natives from the jar: " + faces.encode()).isTrue();

        // A JPEG through OpenCV and libjpeg-turbo.
        client.usePipeline(pipeline(op("flip")));
        client.sendFramed(1, 0, Images.fixture("coffee-640x480.jpg"));
        Mat flipped = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
        assertThat(flipped.width()).isEqualTo(640);

        // BlazeFace on ONNX Runtime finds the astronaut's face.
        client.usePipeline(pipeline(op("faces").put("model", "blazeface")).put("reply", "results"));
        client.sendFramed(2, 0, Images.fixture("astronaut-640x480.jpg"));
        JsonArray detections = client.next("results").getJsonArray("detections");
        assertThat(detections).hasSize(1);
        JsonArray box = detections.getJsonObject(0).getJsonArray("box");
        DetectedFace found = new DetectedFace(box.getInteger(0), box.getInteger(1), box.getInteger(2), box.getInteger(3), 1, new double[0]);
        DetectedFace marked = new DetectedFace(Images.ASTRONAUT_FACE.x, Images.ASTRONAUT_FACE.y, Images.ASTRONAUT_FACE.width,
          Images.ASTRONAUT_FACE.height, 1, new double[0]);
        assertThat(found.iou(marked)).as("box " + box).isGreaterThan(0.5);
      }
      // VP8 in a session of its own, as a page that streams video opens it.
      try (FrameClient client = FrameClient.connect(vertx, server.port())) {
        // A VP8 key chunk decoded by FFmpeg's natives from the jar, answered as a JPEG of the camera's size.
        client.usePipeline(pipeline(op("flip")));
        client.sendJson(VideoChunks.config(VideoChunks.CANVAS));
        assertThat(client.nextOf("video", "error").getString("type")).isEqualTo("video");
        client.sendBinary(VideoChunks.message(1, 1000, chunks.get(0)));
        Mat decoded = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
        assertThat(decoded.width()).isEqualTo(CameraClips.WIDTH);
        assertThat(decoded.height()).isEqualTo(CameraClips.HEIGHT);
      }
      assertThat(server.isAlive()).isTrue();
    }
  }
}
