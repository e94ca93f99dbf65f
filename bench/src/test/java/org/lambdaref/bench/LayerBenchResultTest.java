package org.lambdaref.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerBenchResultTest {

  @TempDir Path dir;

  @Test
  void thePublishedFileIsTheRunsFiguresThenTheMachineAndTheRunsFolder() throws Exception {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("rate_target", 1000);
    figures.put("latency_ms_p50", 1.5);
    figures.put("server_latency_ms_p999_at_most", Double.POSITIVE_INFINITY);
    figures.put("sustained", true);
    Path run = dir.resolve("bench").resolve("serve_1");
    Path target = dir.resolve("results").resolve("serve-1000.json");

    new LayerBenchResult(run, figures).publish(target, Map.of("cores", 2));

    JsonNode published = new ObjectMapper().readTree(target.toFile());
    List<String> keys = new ArrayList<>();
    published.fieldNames().forEachRemaining(keys::add);
    // the report reads these files: the figures first, in the run's order, as result.json had them
    assertThat(keys)
        .containsExactly(
            "rate_target",
            "latency_ms_p50",
            "server_latency_ms_p999_at_most",
            "sustained",
            "machine",
            "load_average_at_end",
            "run");
    assertThat(published.path("latency_ms_p50").asDouble()).isEqualTo(1.5);
    assertThat(published.path("server_latency_ms_p999_at_most").asText()).isEqualTo("Infinity");
    assertThat(published.path("machine").path("cores").asInt()).isEqualTo(2);
    assertThat(published.path("run").asText())
        .as("the folder the command returned, not the newest one")
        .isEqualTo(run.toString());
  }
}
