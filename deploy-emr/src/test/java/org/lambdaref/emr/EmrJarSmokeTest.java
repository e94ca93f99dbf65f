package org.lambdaref.emr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.localstack.SparkJvm;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.generator.EventGenerator;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.GeneratorSpec;
import org.lambdaref.speed.EventProducer;

/**
 * The layers' EMR jars started the way {@code spark-submit} on EMR starts them: the shaded jar next
 * to a plain Spark classpath (Spark, Delta, Hadoop and what they bring), with none of the project's
 * modules or the dependencies the jar must carry itself. The batch jar runs one period of raw → t1;
 * the speed jar counts events from Kafka into DynamoDB with its relocated AWS SDK.
 */
class EmrJarSmokeTest {

  @TempDir Path root;

  /**
   * Classes EMR's own classpath has (Spark, Delta, Hadoop, Scala) or that the jar must carry
   * relocated.
   */
  private static final List<String> NEVER_IN_THE_JAR =
      List.of(
          "org/apache/spark/",
          "io/delta/",
          "org/apache/hadoop/",
          "scala/",
          "software/amazon/awssdk/",
          "picocli/",
          "com/typesafe/config/");

  /**
   * What the speed jar carries of Spark's packages: the Kafka connector, which EMR's Spark
   * classpath lacks.
   */
  private static final List<String> KAFKA_CONNECTOR =
      List.of("org/apache/spark/sql/kafka010/", "org/apache/spark/kafka010/");

  @Test
  void theJarsHoldNoSparkDeltaHadoopOrScalaClassesAndOnlyRelocatedCopiesOfTheirOwnDependencies()
      throws IOException {
    for (String module : List.of("batch-layer", "speed-layer")) {
      List<String> classes;
      try (JarFile jar = new JarFile(emrJar(module).toFile())) {
        classes = jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).toList();
      }
      assertThat(classes)
          .as("%s: the layer's own classes", module)
          .anyMatch(n -> n.startsWith("org/lambdaref/"));
      assertThat(classes)
          .as("%s: classes EMR ships, or unrelocated copies of what the jar relocates", module)
          .filteredOn(n -> NEVER_IN_THE_JAR.stream().anyMatch(n::startsWith))
          .filteredOn(n -> KAFKA_CONNECTOR.stream().noneMatch(n::startsWith))
          .isEmpty();
      assertThat(classes)
          .as("%s: the AWS SDK is there, relocated", module)
          .anyMatch(n -> n.startsWith("org/lambdaref/shaded/awssdk/"));
    }
  }

  private static Path emrJar(String module) throws IOException {
    Path target = Path.of("..", module, "target");
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("-emr.jar"))
          .findFirst()
          .orElseThrow(
              () ->
                  new AssertionError(
                      "no EMR jar in "
                          + target.toAbsolutePath()
                          + ": build it first (./mvnw package)"));
    }
  }

  private static String sparkClasspath() {
    return EmrSparkClasspath.of(SparkJvm.testClasspath(), false);
  }

  private ProcessResult runJar(Path jar, String mainClass, List<String> args) throws Exception {
    List<String> command =
        new ArrayList<>(
            SparkJvm.command(jar + File.pathSeparator + sparkClasspath(), mainClass, "-Xmx1g"));
    command.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(root.resolve(mainClass + ".log").toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the jar finished").isTrue();
    return new ProcessResult(p.exitValue(), Files.readString(root.resolve(mainClass + ".log")));
  }

  private record ProcessResult(int exit, String output) {}

  private static List<String> conf(Map<String, String> overrides) {
    List<String> out = new ArrayList<>();
    overrides.forEach((k, v) -> out.addAll(List.of("--conf", k + "=" + v)));
    return out;
  }

  @Test
  void theBatchJarRunsOnePeriodOnAPlainSparkClasspath() throws Exception {
    LocalDate day = LocalDate.of(2019, 6, 8);
    List<GeneratedLine> lines =
        EventGenerator.generate(
            new GeneratorSpec(
                day, 1, 300, 20, 40, 0.05, 0.0, 0.02, ZoneId.of("UTC"), Duration.ofHours(6), 4));
    for (GeneratedLine line : lines) {
      Path file =
          root.resolve("lake/datasource/place_event")
              .resolve(Partitions.rawArrivalPartition(line.arrival()).path())
              .resolve("part-0.json");
      Files.createDirectories(file.getParent());
      Files.writeString(
          file, line.line() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    // the batch takes its writer lease in the counters table, through the jar's relocated SDK
    try (LocalStack stack =
        LocalStack.start(
            LocalStackOptions.forTests(root.resolve("batch-stack"), ServerKind.DYNAMODB))) {
      Map<String, String> overrides = new LinkedHashMap<>(stack.configOverrides());
      overrides.put("platform.storage.root", root.resolve("lake").toString());
      overrides.put("platform.work-dir", root.resolve("work").toString());
      overrides.put("platform.dynamodb.counters-table", "smoke_batch");
      try (DynamoDbCounterStore store =
          new DynamoDbCounterStore(
              ConfigLoader.load("local", overrides, Map.of(), root).dynamodb(), 1)) {
        store.createTableIfMissing();
      }
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--start-date", day.toString(), "--iteration-count", "1", "--job", "collect"));
      args.addAll(conf(overrides));

      ProcessResult r = runJar(emrJar("batch-layer"), EmrSteps.BATCH_MAIN, args);

      assertThat(r.exit()).as(r.output()).isZero();
      assertThat(r.output()).contains(day + " succeeded").contains("accepted 300");
      assertThat(root.resolve("lake/datastaging/t1_log/place_event_timeseries_hourly/_delta_log"))
          .isDirectory();
    }
  }

  @Test
  void theSpeedJarCountsKafkaEventsIntoDynamoDbWithItsRelocatedSdk() throws Exception {
    try (LocalStack stack =
        LocalStack.start(
            LocalStackOptions.forTests(
                root.resolve("stack"), ServerKind.KAFKA, ServerKind.DYNAMODB))) {
      Map<String, String> overrides = new LinkedHashMap<>(stack.configOverrides());
      overrides.put("platform.storage.root", root.resolve("lake").toString());
      overrides.put("platform.work-dir", root.resolve("work").toString());
      overrides.put("platform.kafka.topic", "smoke");
      overrides.put("platform.dynamodb.counters-table", "smoke");
      PlatformConfig config = ConfigLoader.load("local", overrides, Map.of(), root);
      Properties admin = new Properties();
      admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
      try (Admin a = Admin.create(admin)) {
        a.createTopics(List.of(new NewTopic("smoke", 1, (short) 1)))
            .all()
            .get(60, TimeUnit.SECONDS);
      }
      int events = 50;
      try (DynamoDbCounterStore store = new DynamoDbCounterStore(config.dynamodb(), 1);
          EventProducer producer = new EventProducer(config.kafka().bootstrapServers(), "smoke")) {
        store.createTableIfMissing();
        Instant now = Instant.now();
        for (int i = 0; i < events; i++) {
          producer.send(
              "{\"event_id\":\"e"
                  + i
                  + "\",\"event_time\":\""
                  + now
                  + "\",\"processing_time\":\""
                  + now
                  + "\",\"table_name\":\"place_event\",\"records\":{\"place_id\":\"p-"
                  + (i % 3)
                  + "\",\"user_id\":\"u"
                  + i
                  + "\",\"action\":\"click\"}}");
        }
        producer.flush();

        List<String> args =
            new ArrayList<>(List.of("--available-now", "--starting-offsets", "earliest"));
        args.addAll(conf(overrides));
        ProcessResult r = runJar(emrJar("speed-layer"), EmrSteps.SPEED_MAIN, args);

        assertThat(r.exit()).as(r.output()).isZero();
        long counted = store.scanAll().stream().mapToLong(CounterStore.Counter::count).sum();
        assertThat(counted)
            .as("every event counted once through the jar's own (relocated) DynamoDB client")
            .isEqualTo(events);
      }
    }
  }
}
