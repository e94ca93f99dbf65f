package org.lambdaref.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.lambdaref.model.PlatformException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/** Starts the services the way {@link StackMode} says. */
public final class Stacks {

  private Stacks() {}

  private static final Logger LOG = LoggerFactory.getLogger(Stacks.class);

  /** Where Docker engines (Docker, Docker Desktop, Colima, Podman) put their socket. */
  private static final List<String> SOCKETS =
      List.of(
          "/var/run/docker.sock",
          "${HOME}/.docker/run/docker.sock",
          "${HOME}/.docker/desktop/docker.sock",
          "${HOME}/.colima/default/docker.sock",
          "${XDG_RUNTIME_DIR}/docker.sock",
          "${XDG_RUNTIME_DIR}/podman/podman.sock");

  /**
   * Whether a Docker engine answers; about a second when none does. Asked of Testcontainers only
   * when something says an engine could be there ({@link #dockerEngineConfigured}): without one,
   * Testcontainers logs an ERROR block for what is the normal case on a machine without Docker.
   */
  public static boolean dockerAvailable() {
    if (!dockerEngineConfigured(System.getenv(), Path.of(System.getProperty("user.home")))) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * Whether the environment points at a Docker engine: {@code DOCKER_HOST}, a {@code docker.host}
   * in {@code ~/.testcontainers.properties}, or one of the engines' sockets exists. Pure over its
   * arguments (the environment, the home folder).
   */
  static boolean dockerEngineConfigured(Map<String, String> env, Path home) {
    if (!env.getOrDefault("DOCKER_HOST", "").isBlank()) {
      return true;
    }
    Path properties = home.resolve(".testcontainers.properties");
    if (Files.isRegularFile(properties)) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(properties)) {
        p.load(in);
        if (!p.getProperty("docker.host", "").isBlank()) {
          return true;
        }
      } catch (IOException e) {
        return true; // unreadable: let Testcontainers say what it makes of it
      }
    }
    for (String socket : SOCKETS) {
      String xdg = env.getOrDefault("XDG_RUNTIME_DIR", "");
      if (socket.contains("${XDG_RUNTIME_DIR}") && xdg.isBlank()) {
        continue;
      }
      Path path =
          Path.of(socket.replace("${HOME}", home.toString()).replace("${XDG_RUNTIME_DIR}", xdg));
      if (Files.exists(path)) {
        return true;
      }
    }
    return false;
  }

  /** The mode AUTO resolves to on this machine. */
  public static StackMode resolve(StackMode mode) {
    if (mode != StackMode.AUTO) {
      return mode;
    }
    if (dockerAvailable()) {
      return StackMode.CONTAINERS;
    }
    LOG.info("no Docker engine answers here: the local stack runs as embedded servers");
    return StackMode.EMBEDDED;
  }

  public static StackEndpoints start(LocalStackOptions options, StackMode mode) {
    StackMode resolved = resolve(mode);
    if (resolved == StackMode.CONTAINERS) {
      if (options.detached()) {
        throw new PlatformException(
            "Containers cannot outlive the command that started them",
            "Testcontainers removes its containers when the JVM exits; 'local up' needs servers that stay",
            "use platform.local-stack.mode=embedded for 'local up', or run the command you need directly");
      }
      if (!dockerAvailable()) {
        throw new PlatformException(
            "No Docker engine answers",
            "platform.local-stack.mode=containers needs Docker for Testcontainers",
            "start Docker, or use platform.local-stack.mode=embedded (or auto)");
      }
      return ContainerStack.start(options);
    }
    return LocalStack.start(options);
  }
}
