package io.frameloop.endtoend.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.Http;
import io.frameloop.testing.Wait;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code src/main/docker/Dockerfile} against the build, as far as this machine allows (a Docker client, no daemon,
 * no base images): what it copies exists once the jar is built, under the names the pom gives; the packages the
 * server loads at run time; a user that is not root; the configured port; and its command, run here with the
 * image's files, environment and home, starts the server. Not run: the image build itself, and the server in it.
 * Needs the runnable jar: the build runs it in {@code verify} (surefire's execution {@code runnable-jar}).
 */
class DockerfileTest {

  private static final Path CONFIG = Path.of("config.json");

  static String shadedJarName() throws Exception {
    NodeList plugins = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile())
      .getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if (plugin.getElementsByTagName("artifactId").item(0).getTextContent().equals("maven-shade-plugin")) {
        return plugin.getElementsByTagName("finalName").item(0).getTextContent() + ".jar";
      }
    }
    throw new AssertionError("no maven-shade-plugin in pom.xml");
  }

  @Test
  void theImageCopiesTheBuiltJarUnderThePomsNameAndTheConfiguration() throws Exception {
    Map<String, String> copies = DockerfileInstructions.read().copies();
    assertThat(copies).containsKeys("target/" + shadedJarName(), CONFIG.toString());
    for (String source : copies.keySet()) {
      assertThat(Path.of(source)).as("COPY " + source + " after mvn package").isRegularFile();
    }
    List<String> entrypoint = DockerfileInstructions.read().execForm("ENTRYPOINT");
    assertThat(entrypoint).containsSubsequence("-jar", copies.get("target/" + shadedJarName()));
    assertThat(DockerfileInstructions.read().execForm("CMD")).containsSubsequence("--config", copies.get(CONFIG.toString()));
  }

  @Test
  void theImageHasTheLibrariesTheServerLoadsRunsAsAUserOfItsOwnAndExposesTheConfiguredPort() throws IOException {
    DockerfileInstructions dockerfile = DockerfileInstructions.read();
    // The JRE; Debian's SIMD libjpeg-turbo (jpegCodec auto); the Haar cascade at faceCascade's path.
    assertThat(dockerfile.aptPackages()).contains("openjdk-17-jre-headless", "libturbojpeg0", "opencv-data");
    JsonObject config = new JsonObject(Files.readString(CONFIG));
    assertThat(config.getJsonObject("faceOptions").getString("faceCascade")).startsWith("/usr/share/opencv4/haarcascades/");
    String user = dockerfile.one("USER");
    assertThat(user).as("a numeric user, which runAsNonRoot can check").matches("[0-9]+");
    assertThat(Integer.parseInt(user)).isNotZero();
    assertThat(dockerfile.runOption("--uid")).isEqualTo(user);
    assertThat(Integer.parseInt(dockerfile.one("EXPOSE"))).isEqualTo(config.getJsonObject("httpServerOptions").getInteger("port"));
    assertThat(dockerfile.environment()).containsEntry("FRAMELOOP_HOST", "0.0.0.0");
  }

  @Test
  void theImagesCommandStartsTheServerWithTheImagesFilesEnvironmentAndHome(@TempDir Path root) throws Exception {
    DockerfileInstructions dockerfile = DockerfileInstructions.read();
    // The image's files where it puts them, under a directory of their own here.
    for (Map.Entry<String, String> copy : dockerfile.copies().entrySet()) {
      Path destination = root.resolve(copy.getValue().substring(1));
      Files.createDirectories(destination.getParent());
      Files.createSymbolicLink(destination, Path.of(copy.getKey()).toAbsolutePath());
    }
    Path home = root.resolve(dockerfile.runOption("--home-dir").substring(1));
    Files.createDirectories(home);
    List<String> command = new ArrayList<>();
    Stream.concat(dockerfile.execForm("ENTRYPOINT").stream(), dockerfile.execForm("CMD").stream())
      .map(word -> word.startsWith("/app/") ? root.resolve(word.substring(1)).toString() : word)
      .forEach(command::add);
    command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The JVM takes user.home from the user's passwd entry (useradd --home-dir in the image), not from HOME.
    command.add(1, "-Duser.home=" + home);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = Path.of("target", "dockerfile-command.log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("FRAMELOOP_") || name.equals("XDG_CACHE_HOME"));
    builder.environment().putAll(dockerfile.environment());
    builder.environment().put("HOME", home.toString());
    // The one difference: a free port, as 8080 may be taken on this machine (the port itself: the test above).
    builder.environment().put("FRAMELOOP_PORT", Integer.toString(port));
    Process server = builder.start();
    try {
      Wait.until("the image's command to start the server (see " + log + ")", Duration.ofSeconds(90), Duration.ofMillis(100), () -> {
        assertThat(server.isAlive()).as("the server exited; see " + log).isTrue();
        // Every interface (FRAMELOOP_HOST 0.0.0.0) is named localhost in the line.
        return Files.readString(log).contains("FrameLoop listening on http://localhost:" + port + "/");
      });
      HttpResponse<String> response = Http.get(port, "/health");
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject health = new JsonObject(response.body());
      assertThat(health.getString("status")).isEqualTo("UP");
      // The natives were extracted under the image's home, the one writable place besides /tmp (an emptyDir there).
      assertThat(home.resolve(".cache").resolve("frameloop")).isDirectory();
    } finally {
      server.destroyForcibly();
      server.waitFor();
    }
  }
}
