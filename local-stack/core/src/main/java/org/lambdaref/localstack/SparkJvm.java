package org.lambdaref.localstack;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM of its own that runs Spark as this JVM does: the same Java 17 {@code
 * --add-opens} and Spark flags (not this JVM's heap size or debug agents). Tests use it to run a
 * layer as an operating system would (to kill it, or to give it a classpath of its own).
 */
public final class SparkJvm {

  private SparkJvm() {}

  /**
   * {@code java <flags> <extraJvmArgs> -cp <classpath> <mainClass>}; append the program's
   * arguments.
   */
  public static List<String> command(String classpath, String mainClass, String... extraJvmArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens")
          || arg.startsWith("-Dspark.")
          || arg.startsWith("-Djdk.reflect")
          || arg.startsWith("-Dio.netty.tryReflectionSetAccessible")
          || arg.startsWith("-XX:TieredStopAtLevel")) {
        command.add(arg);
      }
    }
    command.addAll(List.of(extraJvmArgs));
    command.addAll(List.of("-cp", classpath, mainClass));
    return command;
  }

  /** The classpath this test JVM runs with (Surefire's, not its booter jar's). */
  public static String testClasspath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }
}
