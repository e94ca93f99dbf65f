package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.localstack.SparkJvm;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;
import org.lambdaref.model.generator.EventGenerator;
import org.lambdaref.model.generator.GeneratorSpec;

/**
 * {@code platform.spark.lineage-url}: a batch application (its own JVM, as {@code spark-submit}
 * starts it) sends OpenLineage run events to a lineage server, and they say which tables each job
 * read and wrote, from the raw area through t1 and t2 to t3. The server here is a stand-in that
 * takes what OpenLineage's HTTP API takes: {@code POST /api/v1/lineage} with a JSON run event that
 * has the spec's required fields (eventTime, producer, schemaURL, run.runId as a UUID, job
 * namespace and name), answered 201 as Marquez answers; anything else gets 400. With the server
 * gone, the same run still succeeds: lineage is reported, never depended on.
 */
class LineageTest {

  private static final LocalDate DAY = LocalDate.of(2019, 6, 8);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;

  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();

  @Test
  void aBatchRunReportsWhatEachJobReadAndWroteFromRawToT3() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/lineage", this::receive);
    server.start();
    try (LocalStack stack =
        LocalStack.start(LocalStackOptions.forTests(root.resolve("stack"), ServerKind.DYNAMODB))) {
      Map<String, String> overrides = new LinkedHashMap<>(stack.configOverrides());
      overrides.put("platform.storage.root", root.resolve("lake").toString());
      overrides.put("platform.source-db.mode", "dump");
      overrides.put("platform.dynamodb.counters-table", "lineage_test");
      PlatformConfig config = ConfigLoader.load("local", overrides, Map.of(), root);
      try (DynamoDbCounterStore store = new DynamoDbCounterStore(config.dynamodb(), 1)) {
        store.createTableIfMissing();
      }
      RawFixtures.writeRaw(
          config,
          EventGenerator.generate(
              new GeneratorSpec(
                  DAY, 1, 500, 20, 50, 0.05, 0.02, 0.02, ZoneOffset.UTC, Duration.ofHours(6), 3)));
      RawFixtures.writePlaceDump(SparkSessions.getOrCreate(config, "LineageTest"), config, DAY);

      overrides.put(
          "platform.spark.lineage-url", "http://127.0.0.1:" + server.getAddress().getPort());
      overrides.put("platform.spark.lineage-namespace", "lineage-test");
      List<String> command =
          new ArrayList<>(SparkJvm.command(SparkJvm.testClasspath(), BatchMain.class.getName()));
      overrides.forEach((k, v) -> command.addAll(List.of("--conf", k + "=" + v)));
      command.addAll(
          List.of(
              "--job",
              "collect,snapshot,enrich,aggregate",
              "--start-date",
              DAY.toString(),
              "--iteration-count",
              "1"));
      assertThat(run(command, root.resolve("batch.log").toFile())).isZero();

      assertThat(refused).as("every event the listener sent is one the API takes").isEmpty();
      assertThat(events).as("run events reached the server").isNotEmpty();
      for (JsonNode e : events) {
        assertThat(e.path("job").path("namespace").asText()).isEqualTo("lineage-test");
      }
      Set<String> read = datasets("inputs");
      Set<String> written = datasets("outputs");
      System.out.printf("%d events; inputs %s; outputs %s%n", events.size(), read, written);
      String raw = path(config.storage().rawSourceLocation("place_event"));
      assertThat(read).as("the collect job read the raw area").anyMatch(n -> n.startsWith(raw));
      for (TableSpec t1ToT3 :
          List.of(
              PlatformTables.PLACE_EVENT,
              PlatformTables.PLACE_EVENT_QUARANTINE,
              PlatformTables.PLACE_SNAPSHOT,
              PlatformTables.PLACE_EVENT_ENRICHED,
              PlatformTables.PLACE_ACTION_1H,
              PlatformTables.PLACE_IMPRESSION_1D,
              PlatformTables.PLACE_IMPRESSION_30D,
              PlatformTables.SELLER_PLACE_1D,
              PlatformTables.BATCH_LEDGER)) {
        assertThat(written)
            .as(t1ToT3.name() + " written")
            .contains(path(config.storage().tableLocation(t1ToT3.name())));
      }
      for (TableSpec readBack :
          List.of(PlatformTables.PLACE_EVENT, PlatformTables.PLACE_EVENT_ENRICHED)) {
        assertThat(read)
            .as(readBack.name() + " read by the next job")
            .contains(path(config.storage().tableLocation(readBack.name())));
      }
      // the lineage server gone: the jobs do not depend on it (the rerun of the day is the same
      // idempotent run, and it succeeds; the listener only logs what it could not send)
      server.stop(0);
      int before = events.size();
      assertThat(run(command, root.resolve("batch-no-server.log").toFile()))
          .as("a rerun with the lineage server down succeeds")
          .isZero();
      assertThat(events).hasSize(before);
    } finally {
      server.stop(0);
    }
  }

  private static int run(List<String> command, File log) throws Exception {
    Process batch =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    assertThat(batch.waitFor(5, TimeUnit.MINUTES)).as("the run ended; see " + log).isTrue();
    return batch.exitValue();
  }

  /** The dataset names of every COMPLETE event's {@code inputs} or {@code outputs}. */
  private Set<String> datasets(String side) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode e : events) {
      if (e.path("eventType").asText().equals("COMPLETE")) {
        e.path(side).forEach(d -> names.add(d.path("name").asText()));
      }
    }
    return names;
  }

  /** A location as OpenLineage names a file dataset: its path, no scheme, no trailing slash. */
  private static String path(String location) {
    String p = location.startsWith("file:") ? URI.create(location).getPath() : location;
    return p.replaceAll("/+$", "");
  }

  private void receive(HttpExchange exchange) throws IOException {
    String why = null;
    try {
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (!exchange.getRequestMethod().equals("POST")) {
        why = "method " + exchange.getRequestMethod();
      } else if (type == null || !type.startsWith("application/json")) {
        why = "content type " + type;
      } else {
        JsonNode event =
            JSON.readTree(
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        why = invalid(event);
        if (why == null) {
          events.add(event);
        }
      }
    } catch (IOException | RuntimeException e) {
      why = e.toString();
    }
    if (why != null) {
      refused.add(why);
    }
    byte[] body =
        (why == null ? "" : "{\"error\":\"" + why.replace('"', '\'') + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(why == null ? 201 : 400, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  /** Why {@code e} is not an OpenLineage run event (the spec's required fields), or null. */
  static String invalid(JsonNode e) {
    try {
      OffsetDateTime.parse(e.path("eventTime").asText());
      UUID.fromString(e.path("run").path("runId").asText());
    } catch (RuntimeException bad) {
      return "eventTime or run.runId: " + bad.getMessage();
    }
    if (!e.path("producer").asText().startsWith("http")
        || !e.path("schemaURL").asText().startsWith("http")) {
      return "producer and schemaURL must be URIs";
    }
    if (e.path("job").path("namespace").asText().isEmpty()
        || e.path("job").path("name").asText().isEmpty()) {
      return "job.namespace and job.name are required";
    }
    return null;
  }
}
