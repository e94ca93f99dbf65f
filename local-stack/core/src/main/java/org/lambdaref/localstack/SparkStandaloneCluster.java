package org.lambdaref.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.lambdaref.localstack.launcher.ParentWatchingMain;
import org.lambdaref.model.PlatformException;

/**
 * A multi-process Spark standalone cluster on loopback, made of Maven artifacts: a master and
 * {@code workers} workers, each in its own JVM under {@link ParentWatchingMain} (they exit when
 * this JVM does, even by SIGKILL). A worker launches the drivers of {@code --deploy-mode cluster}
 * submissions and the executors of every application in JVMs of their own.
 *
 * <p>A worker builds those JVMs' command the way a Spark distribution does ({@code
 * WorkerCommandBuilder}): {@code java -cp $SPARK_HOME/conf/:$SPARK_HOME/jars/*}. So the cluster
 * gets a {@code SPARK_HOME} of its own under the run folder: {@code jars/} holds a symbolic link to
 * every jar of the classpath it is given, {@code RELEASE} marks it as a distribution, {@code
 * conf/spark-defaults.conf} carries the cluster's defaults (as {@code /usr/lib/spark/conf} does on
 * an EMR node) and {@code bin/spark-submit} runs {@code SparkSubmit} from that classpath. Every JVM
 * of the cluster starts with an empty environment plus {@code PATH}, {@code JAVA_HOME}, {@code
 * SPARK_HOME}, {@code SPARK_SCALA_VERSION} and {@code SPARK_LOCAL_IP=127.0.0.1}.
 */
public final class SparkStandaloneCluster implements AutoCloseable {

  static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path root;
  private final Path sparkHome;
  private final int masterPort;
  private final List<Node> nodes;

  /** One JVM of the cluster: the master or a worker. */
  public record Node(String name, Process process, Path log, Path workDir) {
    public long pid() {
      return process.pid();
    }
  }

  /** What a cluster is made of. */
  public record Options(
      Path root,
      String sparkClasspath,
      int workers,
      int workerCores,
      String workerMemory,
      Map<String, String> sparkDefaults) {}

  private SparkStandaloneCluster(Path root, Path sparkHome, int masterPort, List<Node> nodes) {
    this.root = root;
    this.sparkHome = sparkHome;
    this.masterPort = masterPort;
    this.nodes = nodes;
  }

  /** Lays out the Spark home, starts the master, then the workers; returns once all registered. */
  public static SparkStandaloneCluster start(Options options) {
    Path root = options.root().toAbsolutePath();
    Path sparkHome = root.resolve("spark-home");
    layOut(sparkHome, options);
    int masterPort = LocalStack.freePort();
    List<Node> nodes = new ArrayList<>();
    SparkStandaloneCluster cluster = new SparkStandaloneCluster(root, sparkHome, masterPort, nodes);
    try {
      Node master =
          cluster.startNode(
              "master",
              "org.apache.spark.deploy.master.Master",
              List.of(
                  "--host",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(masterPort),
                  "--webui-port",
                  Integer.toString(LocalStack.freePort())));
      nodes.add(master);
      awaitLog(master, "I have been elected leader");
      for (int i = 1; i <= options.workers(); i++) {
        Path workDir = root.resolve("worker-" + i);
        Node worker =
            cluster.startNode(
                "worker-" + i,
                "org.apache.spark.deploy.worker.Worker",
                List.of(
                    "--host",
                    "127.0.0.1",
                    "--webui-port",
                    Integer.toString(LocalStack.freePort()),
                    "--cores",
                    Integer.toString(options.workerCores()),
                    "--memory",
                    options.workerMemory(),
                    "--work-dir",
                    workDir.toString(),
                    cluster.masterUrl()));
        nodes.add(worker);
      }
      for (Node worker : nodes.subList(1, nodes.size())) {
        awaitLog(worker, "Successfully registered with master");
      }
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  public Path sparkHome() {
    return sparkHome;
  }

  /** {@code $SPARK_HOME/bin}: put it first on {@code PATH} and {@code spark-submit} is ours. */
  public Path binDir() {
    return sparkHome.resolve("bin");
  }

  public Path root() {
    return root;
  }

  public Node master() {
    return nodes.get(0);
  }

  public List<Node> workers() {
    return List.copyOf(nodes.subList(1, nodes.size()));
  }

  /**
   * The environment every process of the cluster starts with, and all a submission gets: {@code
   * PATH} (with our {@code bin} first) and {@code JAVA_HOME}, nothing of the caller's own.
   */
  public Map<String, String> cleanEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    String javaHome = System.getProperty("java.home");
    env.put("PATH", binDir() + File.pathSeparator + javaHome + "/bin:/usr/bin:/bin");
    env.put("JAVA_HOME", javaHome);
    return env;
  }

  /** The driver and executor JVMs the workers launched and that still run. */
  public List<ProcessHandle> launched(String mainClass) {
    List<ProcessHandle> found = new ArrayList<>();
    for (Node worker : workers()) {
      worker
          .process()
          .descendants()
          .filter(h -> h.info().commandLine().map(c -> c.contains(mainClass)).orElse(false))
          .forEach(found::add);
    }
    return found;
  }

  /** The worker whose work dir holds {@code driverId}'s folder, if any. */
  public Optional<Path> driverDir(String driverId) {
    return workers().stream()
        .map(w -> w.workDir().resolve(driverId))
        .filter(Files::isDirectory)
        .findFirst();
  }

  /** Driver folders ({@code driver-*}) of every worker, in the order the workers were started. */
  public List<Path> driverDirs() {
    return childrenOfWorkDirs("driver-");
  }

  /** Application folders ({@code app-*}, one subfolder per executor) of every worker. */
  public List<Path> applicationDirs() {
    return childrenOfWorkDirs("app-");
  }

  private List<Path> childrenOfWorkDirs(String prefix) {
    List<Path> dirs = new ArrayList<>();
    for (Node worker : workers()) {
      if (!Files.isDirectory(worker.workDir())) {
        continue;
      }
      try (Stream<Path> children = Files.list(worker.workDir())) {
        children
            .filter(p -> p.getFileName().toString().startsWith(prefix))
            .sorted()
            .forEach(dirs::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dirs;
  }

  /**
   * Asks the master to kill a driver ({@code org.apache.spark.deploy.Client kill}, standalone's own
   * client: Spark 4's {@code spark-submit --kill} needs the REST server, off by default). A
   * supervised driver killed this way is not relaunched. Returns the client's exit status.
   */
  public int killDriver(String driverId, Path log) {
    ProcessBuilder builder =
        sparkJvm(
            List.of("-Xmx256m"),
            "",
            List.of("org.apache.spark.deploy.Client", "kill", masterUrl(), driverId),
            ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      Process p = builder.start();
      if (!p.waitFor(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Stops the workers (which kill their drivers and executors), then the master. */
  @Override
  public void close() {
    List<Node> reversed = new ArrayList<>(nodes);
    Collections.reverse(reversed);
    for (Node node : reversed) {
      List<ProcessHandle> children = node.process().descendants().toList();
      try {
        node.process().getOutputStream().close(); // the parent watch exits: hooks run
      } catch (IOException ignored) {
        // already gone
      }
      node.process().destroy();
      try {
        if (!node.process().waitFor(20, TimeUnit.SECONDS)) {
          node.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        node.process().destroyForcibly();
      }
      for (ProcessHandle child : children) {
        child.destroyForcibly();
      }
    }
    // the links only: what they point at is the caller's classpath
    try (Stream<Path> links = Files.list(sparkHome.resolve("jars"))) {
      for (Path link : links.filter(Files::isSymbolicLink).toList()) {
        Files.deleteIfExists(link);
      }
    } catch (IOException ignored) {
      // nothing laid out yet
    }
  }

  private Node startNode(String name, String mainClass, List<String> args) {
    try {
      Path log = root.resolve(name + ".log");
      List<String> main = new ArrayList<>();
      main.add(ParentWatchingMain.class.getName());
      main.add("watch-stdin");
      main.add(mainClass);
      main.addAll(args);
      ProcessBuilder builder =
          sparkJvm(
              List.of("-Xmx384m", "-Djava.net.preferIPv4Stack=true"),
              launcherJar() + File.pathSeparator,
              main,
              ProcessBuilder.Redirect.to(log.toFile()));
      Path workDir = root.resolve(name);
      return new Node(name, builder.start(), log, workDir);
    } catch (IOException e) {
      throw new PlatformException(
          "Could not start the Spark " + name,
          e.toString(),
          "check that " + root + " is writable and a JDK 17 is installed",
          e);
    }
  }

  /**
   * A JVM of this cluster's Spark: this JVM's Java 17 flags, {@code jvmArgs}, the Spark home's
   * {@code conf/} and {@code jars/} on the classpath (after {@code classpathPrefix}), the node
   * environment, output to {@code out}.
   */
  private ProcessBuilder sparkJvm(
      List<String> jvmArgs,
      String classpathPrefix,
      List<String> main,
      ProcessBuilder.Redirect out) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaFlags());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(
        classpathPrefix
            + sparkHome.resolve("conf")
            + File.separator
            + File.pathSeparator
            + sparkHome.resolve("jars").resolve("*"));
    command.addAll(main);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out);
    builder.environment().clear();
    builder.environment().putAll(nodeEnvironment());
    return builder;
  }

  /** A cluster node's environment: what an EMR node's Spark has, nothing of the caller's. */
  private Map<String, String> nodeEnvironment() {
    Map<String, String> env = cleanEnvironment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    // the host name may resolve to a non-loopback address: every JVM binds 127.0.0.1
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return env;
  }

  /** The flags every Spark JVM of the cluster starts with: this JVM's Java 17 opens. */
  public static List<String> javaFlags() {
    return SparkJvm.javaFlags();
  }

  private static String launcherJar() {
    try {
      return Path.of(
              ParentWatchingMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void layOut(Path sparkHome, Options options) {
    try {
      Files.createDirectories(sparkHome.resolve("jars"));
      Files.createDirectories(sparkHome.resolve("conf"));
      Files.createDirectories(sparkHome.resolve("bin"));
      // a distribution, not a source tree: the launcher then looks for jars/ only
      Files.writeString(
          sparkHome.resolve("RELEASE"), "Spark from Maven artifacts (lambda rehearsal)\n");
      Set<String> names = new HashSet<>();
      int linked = 0;
      for (String entry : options.sparkClasspath().split(File.pathSeparator)) {
        Path jar = Path.of(entry);
        if (entry.isBlank() || !entry.endsWith(".jar") || !Files.isRegularFile(jar)) {
          continue;
        }
        String name = jar.getFileName().toString();
        if (!names.add(name)) {
          name = (linked++) + "-" + name;
          names.add(name);
        }
        Path link = sparkHome.resolve("jars").resolve(name);
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, jar.toAbsolutePath());
      }
      StringBuilder defaults = new StringBuilder();
      options
          .sparkDefaults()
          .forEach((k, v) -> defaults.append(k).append(' ').append(v).append('\n'));
      Files.writeString(
          sparkHome.resolve("conf").resolve("spark-defaults.conf"), defaults.toString());
      Files.writeString(
          sparkHome.resolve("conf").resolve("log4j2.properties"),
          String.join(
              "\n",
              "rootLogger.level = info",
              "rootLogger.appenderRef.stdout.ref = console",
              "appender.console.type = Console",
              "appender.console.name = console",
              "appender.console.target = SYSTEM_ERR",
              "appender.console.layout.type = PatternLayout",
              "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex",
              "logger.parquet.name = org.apache.parquet",
              "logger.parquet.level = warn",
              "logger.hadoop.name = org.apache.hadoop",
              "logger.hadoop.level = warn",
              "logger.jetty.name = org.sparkproject.jetty",
              "logger.jetty.level = warn",
              ""));
      Path submit = sparkHome.resolve("bin").resolve("spark-submit");
      Files.writeString(
          submit,
          String.join(
              "\n",
              "#!/usr/bin/env bash",
              "# spark-submit of this Maven-made Spark: SparkSubmit from $SPARK_HOME/jars, as the",
              "# distribution's script runs it (its launcher adds the same Java 17 flags)",
              "export SPARK_HOME=" + quote(sparkHome.toString()),
              "export SPARK_SCALA_VERSION=2.13",
              "export SPARK_LOCAL_IP=127.0.0.1",
              "exec \"$JAVA_HOME/bin/java\" "
                  + String.join(
                      " ", javaFlags().stream().map(SparkStandaloneCluster::quote).toList())
                  + " -Xmx384m -cp \"$SPARK_HOME/conf/:$SPARK_HOME/jars/*\""
                  + " org.apache.spark.deploy.SparkSubmit \"$@\"",
              ""),
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new PlatformException(
          "Could not lay out the Spark home " + sparkHome,
          e.toString(),
          "check that the run folder is writable and supports symbolic links",
          e);
    }
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static void awaitLog(Node node, String marker) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!node.process().isAlive()) {
        throw notReady(node, "it exited during start-up");
      }
      try {
        if (Files.exists(node.log()) && Files.readString(node.log()).contains(marker)) {
          return;
        }
        Thread.sleep(100);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw notReady(node, "no '" + marker + "' within " + READY_TIMEOUT.toSeconds() + " s");
  }

  private static PlatformException notReady(Node node, String why) {
    String tail;
    try {
      List<String> lines = Files.readAllLines(node.log());
      tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      tail = "(no log)";
    }
    return new PlatformException(
        "The Spark " + node.name() + " did not start",
        why + "; last lines of " + node.log() + ":\n" + tail,
        "read the log above");
  }
}
