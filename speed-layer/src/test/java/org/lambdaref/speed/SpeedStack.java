package org.lambdaref.speed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;

/**
 * The lifecycle every speed-layer test class with real servers shares, as a JUnit 5 extension:
 * Kafka and DynamoDB Local (and the S3 server when asked) started once per class in a folder of its
 * own, the configuration pointing at them ({@link SpeedFixture#overrides} plus the class's own
 * settings), the topic and the counters table created, all stopped and removed after the class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SpeedStack speed = SpeedStack.named("speed_crash_test").with("platform.speed.restart-attempts", "0");
 * }</pre>
 */
final class SpeedStack implements BeforeAllCallback, AfterAllCallback {

  private final String name;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private int partitions = 3;
  private boolean s3;
  private Path root;
  private LocalStack stack;
  private Map<String, String> overrides;
  private PlatformConfig config;
  private DynamoDbCounterStore counters;

  private SpeedStack(String name) {
    this.name = name;
  }

  /** A stack whose topic and counters table are called {@code name}. */
  static SpeedStack named(String name) {
    return new SpeedStack(name);
  }

  /** A setting of this class's configuration (over the shared test settings). */
  SpeedStack with(String key, String value) {
    settings.put(key, value);
    return this;
  }

  SpeedStack partitions(int topicPartitions) {
    this.partitions = topicPartitions;
    return this;
  }

  /** Also starts the S3 server, with a bucket {@code lake}. */
  SpeedStack withS3() {
    this.s3 = true;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    root = Files.createTempDirectory(name + "-");
    stack =
        s3
            ? LocalStack.start(
                LocalStackOptions.forTests(
                    root.resolve("stack"), ServerKind.KAFKA, ServerKind.DYNAMODB, ServerKind.S3))
            : LocalStack.start(
                LocalStackOptions.forTests(
                    root.resolve("stack"), ServerKind.KAFKA, ServerKind.DYNAMODB));
    if (s3) {
      Files.createDirectories(
          stack.s3DataDir().resolve("lake")); // the filesystem backend: a folder is a bucket
    }
    overrides = new LinkedHashMap<>(SpeedFixture.overrides(stack, root, name));
    overrides.putAll(settings);
    config = SpeedFixture.config(overrides, root);
    SpeedFixture.createTopic(stack.kafkaBootstrapServers(), config.kafka().topic(), partitions);
    counters = new DynamoDbCounterStore(config.dynamodb(), 4);
    counters.createTableIfMissing();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    try {
      if (counters != null) {
        counters.close();
      }
    } finally {
      if (stack != null) {
        stack.close();
      }
      LocalStack.deleteTree(root);
    }
  }

  /** This class's folder (lake, checkpoints, logs). */
  Path root() {
    return root;
  }

  LocalStack stack() {
    return stack;
  }

  /**
   * The configuration as {@code --conf} overrides, for a speed JVM of its own ({@link
   * SpeedProcess}).
   */
  Map<String, String> overrides() {
    return overrides;
  }

  PlatformConfig config() {
    return config;
  }

  DynamoDbCounterStore counters() {
    return counters;
  }
}
