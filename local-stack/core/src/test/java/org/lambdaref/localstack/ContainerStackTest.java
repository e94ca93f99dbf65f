package org.lambdaref.localstack;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same contract against Testcontainers. Runs only where a Docker engine answers (not on the
 * project's own CI machine, which has none; {@link StacksTest} covers the fallback there).
 */
@EnabledIf("org.lambdaref.localstack.Stacks#dockerAvailable")
class ContainerStackTest extends StackContract {

  @TempDir static Path workDir;
  private static StackEndpoints stack;

  @BeforeAll
  static void start() {
    stack =
        Stacks.start(
            LocalStackOptions.forTests(
                workDir, ServerKind.KAFKA, ServerKind.DYNAMODB, ServerKind.S3, ServerKind.POSTGRES),
            StackMode.CONTAINERS);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Override
  StackEndpoints stack() {
    return stack;
  }
}
