package org.lambdaref.localstack;

import org.lambdaref.model.PlatformException;
import org.testcontainers.DockerClientFactory;

/** Starts the services the way {@link StackMode} says. */
public final class Stacks {

  private Stacks() {}

  /** Whether a Docker engine answers; about a second when none does. */
  public static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** The mode AUTO resolves to on this machine. */
  public static StackMode resolve(StackMode mode) {
    if (mode != StackMode.AUTO) {
      return mode;
    }
    return dockerAvailable() ? StackMode.CONTAINERS : StackMode.EMBEDDED;
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
