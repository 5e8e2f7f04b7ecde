package io.frameloop.inference;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A server started, one frame through BlazeFace, and the server stopped, in a JVM of its own for
 * {@link OnnxNativesTest}. Prints {@code PROCESSED <sequence>}, then {@code DURING <name> <files>}
 * for each {@code onnxruntime-java*} directory in the temporary directory while ONNX Runtime is
 * loaded, then {@code STOPPED}, and exits.
 */
public final class BlazeFaceServerRun {

  public static void main(String[] args) throws IOException {
    Vertx vertx = Vertx.vertx();
    FrameLoopVerticle server = TestServers.start(vertx, TestServers.options());
    try (FrameClient client = FrameClient.connect(vertx, server.actualPort())) {
      client.usePipeline(pipeline(op("faces").put("model", "blazeface")));
      client.sendFramed(7, 0, Images.fixture("astronaut-640x480.jpg"));
      System.out.println("PROCESSED " + FrameFormat.decode(client.nextBinary()).header().sequence());
    }
    try (Stream<Path> temporary = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      for (Path directory : temporary.filter(p -> p.getFileName().toString().startsWith("onnxruntime-java")).toList()) {
        try (Stream<Path> files = Files.list(directory)) {
          System.out.println("DURING " + directory.getFileName() + " " + files.count());
        }
      }
    }
    vertx.close().await();
    System.out.println("STOPPED");
    System.exit(0);
  }
}
