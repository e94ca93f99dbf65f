package org.lambdaref.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lambdaref.localstack.SparkJvm;

/**
 * Runs one measured program in a JVM of its own, as a scheduler would start it, and reads the one
 * {@code RESULT {json}} line it prints. The wall time includes the JVM's start.
 */
final class ChildJvm {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ChildJvm() {}

  /** The JVM flags of a Spark driver as bin/lambda starts it. */
  static List<String> sparkJvmArgs(String heap) {
    return List.of(
        "-Xmx" + heap,
        "-XX:+UseParallelGC",
        "-Dspark.driver.host=127.0.0.1",
        "-Dspark.driver.bindAddress=127.0.0.1");
  }

  static Map<String, Object> run(Class<?> main, List<String> jvmArgs, List<String> args)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            SparkJvm.command(
                System.getProperty("java.class.path"),
                main.getName(),
                jvmArgs.toArray(String[]::new)));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    long started = System.nanoTime();
    Process p = pb.start();
    String resultLine = null;
    List<String> tail = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          resultLine = line.substring("RESULT ".length());
        } else {
          tail.add(line);
          if (tail.size() > 30) {
            tail.remove(0);
          }
        }
      }
    }
    int code = p.waitFor();
    long wall = (System.nanoTime() - started) / 1_000_000;
    if (code != 0 || resultLine == null) {
      throw new IllegalStateException(
          main.getSimpleName()
              + " failed (exit "
              + code
              + "); its last output:\n"
              + String.join("\n", tail));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> measured = JSON.readValue(resultLine, LinkedHashMap.class);
    measured.put("wall_ms", wall);
    return measured;
  }
}
