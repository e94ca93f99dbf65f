package org.lambdaref.localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.lambdaref.model.PlatformException;

/** One server JVM: started, awaited until it serves, stopped. */
public final class ServerProcess implements AutoCloseable {

  /**
   * How long a server may take to serve; DynamoDB Local and PostgreSQL's initdb are the slow ones.
   */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private static final String LAUNCHER = "org.lambdaref.localstack.launcher.ParentWatchingMain";

  private final ServerKind kind;
  private final int port;
  private final Path logFile;
  private final ProcessHandle handle;
  private final Process process; // null when adopted from a state file

  private ServerProcess(
      ServerKind kind, int port, Path logFile, ProcessHandle handle, Process process) {
    this.kind = kind;
    this.port = port;
    this.logFile = logFile;
    this.handle = handle;
    this.process = process;
  }

  /**
   * Starts a server JVM. With {@code detached=false} the child exits as soon as this JVM does (its
   * stdin is our pipe); with {@code detached=true} it outlives us until stopped by pid.
   */
  static ServerProcess start(
      ServerKind kind,
      int port,
      List<String> jvmArgs,
      List<String> args,
      Path workDir,
      boolean detached) {
    try {
      Files.createDirectories(workDir);
      Path logFile = workDir.resolve(kind.id() + ".log");
      List<String> command = new ArrayList<>();
      if (kind == ServerKind.TRINO) {
        command.add(TrinoDistribution.javaExecutable().toString());
      } else {
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      }
      command.add(kind.heap());
      command.add("-Djava.net.preferIPv4Stack=true");
      command.addAll(jvmArgs);
      command.add("-cp");
      command.add(
          kind == ServerKind.TRINO
              ? TrinoDistribution.classpath(TrinoDistribution.home())
              : ServerClasspath.of(kind));
      command.add(LAUNCHER);
      command.add(detached ? "detached" : "watch-stdin");
      command.add(kind.mainClass());
      command.addAll(args);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
      if (detached) {
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      }
      Process process = builder.start();
      return new ServerProcess(kind, port, logFile, process.toHandle(), process);
    } catch (IOException e) {
      throw new PlatformException(
          "Could not start the " + kind.id() + " server",
          e.toString(),
          "check that " + workDir + " is writable and a JDK 17 is installed",
          e);
    }
  }

  /** A server started earlier by {@code lambda local up}, found through its pid. */
  static Optional<ServerProcess> adopt(ServerKind kind, int port, long pid, Path logFile) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .map(h -> new ServerProcess(kind, port, logFile, h, null));
  }

  void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String marker = kind.readyLogMarker();
    while (System.nanoTime() < deadline) {
      if (!handle.isAlive()) {
        throw notReady("it exited during start-up");
      }
      boolean logged = marker == null || logContains(marker);
      if (logged && portOpen(port)) {
        return;
      }
      sleep(100);
    }
    close();
    throw notReady("it did not serve within " + READY_TIMEOUT.toSeconds() + " s");
  }

  private PlatformException notReady(String why) {
    return new PlatformException(
        "The " + kind.id() + " server on 127.0.0.1:" + port + " did not start",
        why + "; last lines of " + logFile + ":\n" + tail(12),
        "read the log above; a port in use means another stack runs ('lambda local status')");
  }

  public ServerKind kind() {
    return kind;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return handle.pid();
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return handle.isAlive();
  }

  public boolean serves() {
    return isAlive() && portOpen(port);
  }

  /** SIGTERM, so shutdown hooks stop the server cleanly; SIGKILL if it lingers. */
  @Override
  public void close() {
    List<ProcessHandle> descendants = new ArrayList<>(handle.descendants().toList());
    daemonizedChild().ifPresent(descendants::add);
    if (process != null) {
      closeQuietly(process.getOutputStream());
    }
    handle.destroy();
    try {
      handle.onExit().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      handle.destroyForcibly();
    }
    // PostgreSQL's postmaster is a grandchild: make sure nothing is left behind
    for (ProcessHandle descendant : descendants) {
      if (descendant.isAlive()) {
        descendant.destroy();
        try {
          descendant.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          descendant.destroyForcibly();
        }
      }
    }
  }

  /**
   * A server process that daemonized itself away from our JVM: PostgreSQL's pg_ctl detaches the
   * postmaster, which then is no descendant of ours. Its pid is the first line of postmaster.pid.
   */
  public Optional<ProcessHandle> daemonizedChild() {
    if (kind != ServerKind.POSTGRES) {
      return Optional.empty();
    }
    Path pidFile = logFile.getParent().resolve("data").resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim();
      return ProcessHandle.of(Long.parseLong(first));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** For tests: what the child sees when this JVM is SIGKILLed. */
  void closeStdinAsIfTheParentDied() {
    if (process != null) {
      closeQuietly(process.getOutputStream());
    }
  }

  static boolean portOpen(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      // Linux may give the connecting socket that very port as its local one and connect it to
      // itself (TCP simultaneous open): then nobody listens there
      return socket.getLocalPort() != port;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean logContains(String marker) {
    try {
      return Files.exists(logFile)
          && new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).contains(marker);
    } catch (IOException e) {
      return false;
    }
  }

  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException ignored) {
      // the child may already be gone
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a server", e);
    }
  }
}
