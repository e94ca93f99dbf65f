package org.lambdaref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;

/**
 * produce → speed → counters through the command line, on a real Kafka broker and DynamoDB Local.
 */
class SpeedCommandsTest {

  private static final int PLACES = 5;
  private static final int EVENTS = 300;

  @TempDir static Path root;
  private static LocalStack stack;
  private static final List<String> conf = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    stack =
        LocalStack.start(
            LocalStackOptions.forTests(
                root.resolve("stack"), ServerKind.KAFKA, ServerKind.DYNAMODB));
    Map<String, String> overrides = new LinkedHashMap<>(stack.configOverrides());
    overrides.put("platform.storage.root", root.resolve("lake").toString());
    overrides.put("platform.work-dir", root.resolve("work").toString());
    overrides.put("platform.kafka.topic", "cli_speed");
    overrides.put("platform.dynamodb.counters-table", "cli_speed");
    PlatformConfig config = ConfigLoader.load("local", overrides, Map.of(), root);
    LocalProvisioning.createTopic(config.kafka().bootstrapServers(), config.kafka().topic());
    LocalProvisioning.createCountersTable(config);
    overrides.forEach(
        (k, v) -> {
          conf.add("--conf");
          conf.add(k + "=" + v);
        });
  }

  @AfterAll
  static void tearDown() {
    if (stack != null) {
      stack.close();
    }
  }

  private static CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(conf);
    return CliRun.run(all.toArray(String[]::new));
  }

  @Test
  void producedEventsAreCountedOnceEachAndReadBackPerHourAndAction() {
    CliRun produce =
        run(
            "produce",
            "--events",
            Integer.toString(EVENTS),
            "--rate",
            "3000",
            "--places",
            Integer.toString(PLACES),
            "--seed",
            "3");
    assertThat(produce.exitCode()).as(produce.err()).isZero();
    assertThat(produce.out()).contains("sent " + EVENTS + " events").contains("all acknowledged");

    CliRun speed = run("speed", "--available-now", "--starting-offsets", "earliest");
    assertThat(speed.exitCode()).as(speed.err()).isZero();
    assertThat(speed.out()).contains("speed layer stopped");

    long total = 0;
    String from = Instant.now().minus(Duration.ofDays(1)).toString();
    for (int p = 0; p < PLACES; p++) {
      CliRun counters = run("counters", "--place", "p-" + p, "--from", from, "--format", "csv");
      assertThat(counters.exitCode()).as(counters.err()).isZero();
      String[] lines = counters.out().strip().split("\n");
      assertThat(lines[0]).isEqualTo("hour_local,hour_utc,action,events");
      for (int i = 1; i < lines.length; i++) {
        total += Long.parseLong(lines[i].substring(lines[i].lastIndexOf(',') + 1).strip());
      }
    }
    // every generated event is valid once (copies are retries, malformed records come on top)
    assertThat(total).as("sum of the counters over all places and hours").isEqualTo(EVENTS);
  }

  @Test
  void aMalformedDateIsRefusedNamingTheOption() {
    CliRun counters = run("counters", "--place", "p-1", "--from", "yesterday");
    assertThat(counters.exitCode()).isEqualTo(2);
    assertThat(counters.err()).contains("--from").contains("yesterday").contains("2026-11-22");
  }
}
