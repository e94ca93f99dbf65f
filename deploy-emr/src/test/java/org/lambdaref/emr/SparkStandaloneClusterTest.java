package org.lambdaref.emr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.localstack.SparkJvm;
import org.lambdaref.localstack.SparkStandaloneCluster;

/**
 * A Spark standalone cluster made of Maven artifacts runs a {@code --deploy-mode cluster}
 * submission: the driver on a worker (in that worker's driver folder), its tasks in executor JVMs
 * of their own.
 */
class SparkStandaloneClusterTest {

  @TempDir Path root;

  static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    String flags = String.join(" ", SparkStandaloneCluster.javaFlags());
    d.put("spark.standalone.submit.waitAppCompletion", "true");
    d.put("spark.driver.memory", "512m");
    d.put("spark.executor.memory", "512m");
    d.put("spark.driver.defaultJavaOptions", flags);
    d.put("spark.executor.defaultJavaOptions", flags);
    return d;
  }

  @Test
  void aClusterModeSubmissionRunsItsDriverOnAWorkerAndItsTasksInExecutorJvms() throws Exception {
    Path jar = tinyJar(root.resolve("tiny.jar"));
    long started = System.nanoTime();
    try (SparkStandaloneCluster cluster =
        SparkStandaloneCluster.start(
            new SparkStandaloneCluster.Options(
                root.resolve("cluster"),
                EmrSparkClasspath.of(SparkJvm.testClasspath(), false),
                2,
                2,
                "2g",
                defaults()))) {
      long up = System.nanoTime();
      List<String> command =
          new ArrayList<>(
              List.of(
                  cluster.binDir().resolve("spark-submit").toString(),
                  "--master",
                  cluster.masterUrl(),
                  "--deploy-mode",
                  "cluster",
                  "--class",
                  TinySparkApp.class.getName(),
                  jar.toUri().toString()));
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(root.resolve("submit.log").toFile());
      pb.environment().clear();
      pb.environment().putAll(cluster.cleanEnvironment());
      Process submit = pb.start();
      assertThat(submit.waitFor(4, TimeUnit.MINUTES)).as("the submission ended").isTrue();
      String log = Files.readString(root.resolve("submit.log"));
      System.out.printf(
          "cluster up in %.1f s, submission ran %.1f s%n",
          (up - started) / 1e9, (System.nanoTime() - up) / 1e9);
      assertThat(submit.exitValue()).as(log).isZero();

      Matcher id = Pattern.compile("(driver-\\d+-\\d+)").matcher(log);
      assertThat(id.find()).as(log).isTrue();
      Path driverDir = cluster.driverDir(id.group(1)).orElseThrow();
      assertThat(driverDir.getParent().getFileName().toString()).startsWith("worker-");
      String stdout = Files.readString(driverDir.resolve("stdout"));
      String stderr = Files.readString(driverDir.resolve("stderr"));
      assertThat(stderr).as("the worker launched the driver").contains("DriverWrapper");
      Matcher tiny = Pattern.compile("TINY driver=(\\d+) tasks=\\[([\\d, ]+)]").matcher(stdout);
      assertThat(tiny.find()).as(stdout + stderr).isTrue();
      List<String> taskPids = List.of(tiny.group(2).split(",\\s*"));
      assertThat(taskPids)
          .as("tasks ran in two executor JVMs, not in the driver's")
          .hasSize(2)
          .doesNotContain(tiny.group(1));
      List<Path> executors = new ArrayList<>();
      for (Path app : cluster.applicationDirs()) {
        try (Stream<Path> dirs = Files.list(app)) {
          dirs.filter(Files::isDirectory).forEach(executors::add);
        }
      }
      assertThat(executors).as("one executor folder per worker").hasSize(2);
    }
  }

  /** The test app's classes as an application jar. */
  static Path tinyJar(Path jar) throws IOException {
    Path classes = Path.of("target", "test-classes");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes.resolve("org/lambdaref/emr"))) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().startsWith("TinySparkApp")).toList()) {
        jarOut.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        jarOut.write(Files.readAllBytes(f));
        jarOut.closeEntry();
      }
    }
    return jar;
  }
}
