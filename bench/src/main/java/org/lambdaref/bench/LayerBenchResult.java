package org.lambdaref.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What one run of a layer benchmark ({@code bin/bench speed}, {@code bin/bench serve}) measured:
 * its figures, as its {@code result.json} holds them, and the folder of that run (logs, load
 * generator output, memory series). The command hands it back itself, so publishing never has to
 * guess which run folder is the latest.
 */
record LayerBenchResult(Path dir, Map<String, Object> figures) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Writes the figures with the machine they were measured on to {@code target}: {@code
   * machineAtStart} is described before the run, so that its load average is the one at the start.
   */
  void publish(Path target, Map<String, Object> machineAtStart) throws IOException {
    ObjectNode published = JSON.valueToTree(figures);
    published.set("machine", JSON.valueToTree(machineAtStart));
    published.set("load_average_at_end", JSON.valueToTree(Machine.loadAverage()));
    published.put("run", dir.toString());
    Files.createDirectories(target.getParent());
    Files.writeString(target, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(published));
    System.out.println("published " + target);
  }
}
