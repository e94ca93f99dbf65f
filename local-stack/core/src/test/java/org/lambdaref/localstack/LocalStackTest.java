package org.lambdaref.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.model.PlatformException;

/** Each embedded server really starts, answers a real client, and stops leaving nothing behind. */
class LocalStackTest extends StackContract {

  @TempDir static Path workDir;
  private static LocalStack stack;
  private static Map<ServerKind, Long> pids;

  @BeforeAll
  static void startEverything() {
    stack =
        LocalStack.start(
            LocalStackOptions.forTests(
                workDir,
                ServerKind.KAFKA,
                ServerKind.DYNAMODB,
                ServerKind.S3,
                ServerKind.POSTGRES));
    pids =
        stack.servers().entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().pid()));
  }

  @Override
  StackEndpoints stack() {
    return stack;
  }

  @AfterAll
  static void stopEverything() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void serversListenOnLoopbackOnly() {
    assertThat(stack.servers().values())
        .allSatisfy(server -> assertThat(ServerProcess.portOpen(server.port())).isTrue());
    assertThat(stack.kafkaBootstrapServers()).startsWith("127.0.0.1:");
    assertThat(stack.jdbcUrl()).contains("//127.0.0.1:");
  }

  @Test
  void aStoppedServerCanBeRestartedOnItsPort() {
    int port = stack.servers().get(ServerKind.DYNAMODB).port();
    stack.restart(ServerKind.DYNAMODB);
    pids.put(ServerKind.DYNAMODB, stack.servers().get(ServerKind.DYNAMODB).pid());
    assertThat(stack.servers().get(ServerKind.DYNAMODB).port()).isEqualTo(port);
    assertThat(stack.servers().get(ServerKind.DYNAMODB).serves()).isTrue();
  }

  @Test
  void missingServerGivesAnErrorThatSaysHowToStartIt() {
    LocalStack empty =
        LocalStack.start(
            new LocalStackOptions(workDir.resolve("empty"), Set.of(), Map.of(), false, "a", "b"));
    assertThatThrownBy(empty::kafkaBootstrapServers)
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("kafka server is not running")
        .hasMessageContaining("lambda local up");
  }
}
