package org.lambdaref.speed;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The speed layer in a JVM of its own, so that a test can kill it as an operating system would. */
final class SpeedProcess {

  private SpeedProcess() {}

  static Process start(Map<String, String> overrides, Path log, String haltAt, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // the test JVM's --add-opens and Spark flags; not its heap size or debug agents
      if (arg.startsWith("--add-opens") || arg.startsWith("-Dspark.") || arg.startsWith("-Djdk.reflect")
          || arg.startsWith("-XX:TieredStopAtLevel")) {
        command.add(arg);
      }
    }
    command.add("-Xmx1500m");
    if (haltAt != null) {
      command.add("-D" + FaultInjection.PROPERTY + "=" + haltAt);
    }
    command.add("-cp");
    command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(SpeedMain.class.getName());
    command.add("--env");
    command.add("local");
    overrides.forEach((k, v) -> {
      command.add("--conf");
      command.add(k + "=" + v);
    });
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(
        ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /** Runs to the end and returns the exit status. */
  static int run(Map<String, String> overrides, Path log, String haltAt, String... args) throws Exception {
    Process p = start(overrides, log, haltAt, args);
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
