package org.lambdaref.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.model.PlatformException;

class StacksTest {

  @TempDir Path workDir;

  @Test
  void autoUsesContainersExactlyWhenDockerAnswers() {
    StackMode expected = Stacks.dockerAvailable() ? StackMode.CONTAINERS : StackMode.EMBEDDED;

    assertThat(Stacks.resolve(StackMode.AUTO)).isEqualTo(expected);
    assertThat(Stacks.resolve(StackMode.EMBEDDED)).isEqualTo(StackMode.EMBEDDED);
  }

  @Test
  void autoFallsBackToRealEmbeddedServersWithoutDocker() {
    try (StackEndpoints stack =
        Stacks.start(LocalStackOptions.forTests(workDir, ServerKind.S3), StackMode.AUTO)) {
      assertThat(stack.kind()).isEqualTo(Stacks.dockerAvailable() ? "containers" : "embedded");
      assertThat(stack.configOverrides()).containsEntry("platform.s3.endpoint", stack.s3Endpoint());
    }
  }

  @Test
  void containersAreRefusedForAStackThatMustOutliveItsCommand() {
    LocalStackOptions detached =
        new LocalStackOptions(workDir, Set.of(ServerKind.S3), Map.of(), true, "a", "b");

    assertThatThrownBy(() -> Stacks.start(detached, StackMode.CONTAINERS))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("outlive");
  }

  @Test
  void containersWithoutDockerSayHowToGoOn() {
    if (Stacks.dockerAvailable()) {
      return; // ContainerStackTest covers that case where Docker exists
    }
    assertThatThrownBy(
            () ->
                Stacks.start(
                    LocalStackOptions.forTests(workDir, ServerKind.S3), StackMode.CONTAINERS))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("No Docker engine answers")
        .hasMessageContaining("mode=embedded");
  }

  @Test
  void testcontainersIsAskedOnlyWhenSomethingPointsAtADockerEngine() throws Exception {
    Path home = Files.createDirectories(workDir.resolve("home"));
    assertThat(Stacks.dockerEngineConfigured(Map.of(), home))
        .as("no DOCKER_HOST, no properties, no socket in this home")
        .isEqualTo(Files.exists(Path.of("/var/run/docker.sock")));
    assertThat(Stacks.dockerEngineConfigured(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375"), home))
        .isTrue();
    Files.writeString(home.resolve(".testcontainers.properties"), "docker.host=unix:///x.sock\n");
    assertThat(Stacks.dockerEngineConfigured(Map.of(), home)).isTrue();
    Files.delete(home.resolve(".testcontainers.properties"));
    Path xdg = Files.createDirectories(workDir.resolve("run"));
    Files.createFile(xdg.resolve("docker.sock"));
    assertThat(Stacks.dockerEngineConfigured(Map.of("XDG_RUNTIME_DIR", xdg.toString()), home))
        .as("a rootless engine's socket")
        .isTrue();
  }
}
