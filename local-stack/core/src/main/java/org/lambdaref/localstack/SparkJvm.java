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

  private static final List<String> INHERITED_FLAG_PREFIXES =
      List.of(
          "--add-opens",
          "--add-exports",
          "-Djdk.reflect",
          "-Dio.netty.tryReflectionSetAccessible",
          "-XX:TieredStopAtLevel",
          "-XX:ReservedCodeCacheSize");

  private SparkJvm() {}

  /**
   * {@code java <flags> <extraJvmArgs> -cp <classpath> <mainClass>}; append the program's
   * arguments.
   */
  public static List<String> command(String classpath, String mainClass, String... extraJvmArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaFlags());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-Dspark.")) {
        command.add(arg);
      }
    }
    command.addAll(List.of(extraJvmArgs));
    command.addAll(List.of("-cp", classpath, mainClass));
    return command;
  }

  /**
   * The JVM flags every Spark JVM started from this one inherits: the Java 17 opens, and the JIT
   * flags as a pair. {@code -XX:TieredStopAtLevel=1} alone shrinks the default code cache to 48 MB,
   * which a JVM running the whole stack fills; a full code cache then fails Spark's lambda
   * deserialization ("ReflectiveOperationException during deserialization").
   */
  public static List<String> javaFlags() {
    List<String> flags = new ArrayList<>();
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (INHERITED_FLAG_PREFIXES.stream().anyMatch(arg::startsWith)) {
        flags.add(arg);
      }
    }
    return flags;
  }

  /** The classpath this test JVM runs with (Surefire's, not its booter jar's). */
  public static String testClasspath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }
}
