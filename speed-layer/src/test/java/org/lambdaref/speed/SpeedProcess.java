package org.lambdaref.speed;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.lambdaref.localstack.SparkJvm;

/** The speed layer in a JVM of its own, so that a test can kill it as an operating system would. */
final class SpeedProcess {

  private SpeedProcess() {}

  static Process start(Map<String, String> overrides, Path log, String haltAt, String... args)
      throws Exception {
    return startWithFaults(
        overrides, log, haltAt == null ? Map.of() : Map.of(FaultInjection.PROPERTY, haltAt), args);
  }

  /** A speed JVM with the fault-injection system properties {@code faults}. */
  static Process startWithFaults(
      Map<String, String> overrides, Path log, Map<String, String> faults, String... args)
      throws Exception {
    return startOn(SparkJvm.testClasspath(), overrides, log, faults, args);
  }

  /**
   * The speed layer of another build ({@code classpath}: its classes and dependencies), such as the
   * previous Spark line's; to the end with {@code --available-now}, returning the exit status.
   */
  static int runOn(String classpath, Map<String, String> overrides, Path log, String... args)
      throws Exception {
    return waitFor(startOn(classpath, overrides, log, Map.of(), args), log);
  }

  private static Process startOn(
      String classpath,
      Map<String, String> overrides,
      Path log,
      Map<String, String> faults,
      String... args)
      throws Exception {
    List<String> jvmArgs = new ArrayList<>(List.of("-Xmx1500m"));
    faults.forEach((k, v) -> jvmArgs.add("-D" + k + "=" + v));
    List<String> command =
        new ArrayList<>(
            SparkJvm.command(classpath, SpeedMain.class.getName(), jvmArgs.toArray(String[]::new)));
    command.add("--env");
    command.add("local");
    overrides.forEach(
        (k, v) -> {
          command.add("--conf");
          command.add(k + "=" + v);
        });
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /** Runs to the end and returns the exit status. */
  static int run(Map<String, String> overrides, Path log, String haltAt, String... args)
      throws Exception {
    return waitFor(start(overrides, log, haltAt, args), log);
  }

  private static int waitFor(Process p, Path log) throws Exception {
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the speed process did not finish in 5 minutes; see " + log);
    }
    return p.exitValue();
  }

  static String classpathSeparator() {
    return File.pathSeparator;
  }
}
