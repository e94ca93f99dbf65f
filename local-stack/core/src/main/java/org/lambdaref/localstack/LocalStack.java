package org.lambdaref.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.lambdaref.model.PlatformException;

/**
 * The embedded real servers of the local stack: a Kafka broker in KRaft mode, DynamoDB Local, an
 * S3-compatible server (S3Proxy on the filesystem) and PostgreSQL, each in a forked JVM bound to
 * 127.0.0.1. Where Docker exists users may point the platform at Testcontainers or real services
 * instead; here there is no Docker engine, so these are the real components.
 */
public final class LocalStack implements StackEndpoints {

  static final String STATE_FILE = "stack.properties";

  private final LocalStackOptions options;
  private final Map<ServerKind, ServerProcess> servers;

  /**
   * Whether the state file names this stack although it dies with this JVM ({@link #advertise}).
   */
  private volatile boolean advertised;

  /** Ports servers had, so a stopped one restarts where its clients expect it. */
  private final Map<ServerKind, Integer> ports = new EnumMap<>(ServerKind.class);

  private LocalStack(LocalStackOptions options, Map<ServerKind, ServerProcess> servers) {
    this.options = options;
    this.servers = servers;
    servers.forEach((kind, process) -> ports.put(kind, process.port()));
  }

  /** Starts the chosen servers in parallel and returns once every one of them serves. */
  public static LocalStack start(LocalStackOptions options) {
    Path workDir = options.workDir().toAbsolutePath();
    createDirectories(workDir);
    // every port first: Trino's catalog names the S3 server's
    Map<ServerKind, Integer> ports = new EnumMap<>(ServerKind.class);
    for (ServerKind kind : options.servers()) {
      boolean chosen = options.portOf(kind) > 0;
      int port = chosen ? options.portOf(kind) : freePort();
      for (int attempt = 0;
          !chosen && attempt < 10 && (ServerProcess.portOpen(port) || ports.containsValue(port));
          attempt++) {
        port = freePort(); // a free port taken by someone else meanwhile: take another
      }
      if (ServerProcess.portOpen(port)) {
        throw new PlatformException(
            "Port " + port + " for the " + kind.id() + " server is already in use",
            "another local stack or program listens on 127.0.0.1:" + port,
            "stop it ('lambda local down') or choose another port in platform.local-stack.ports."
                + kind.id());
      }
      ports.put(kind, port);
    }
    Map<ServerKind, CompletableFuture<ServerProcess>> starting = new EnumMap<>(ServerKind.class);
    ports.forEach(
        (kind, port) ->
            starting.put(kind, startAsync(kind, port, workDir.resolve(kind.id()), options, ports)));
    return collect(options, starting);
  }

  private static CompletableFuture<ServerProcess> startAsync(
      ServerKind kind,
      int port,
      Path serverDir,
      LocalStackOptions options,
      Map<ServerKind, Integer> ports) {
    return CompletableFuture.supplyAsync(
        () -> {
          Launch launch = launchOf(kind, port, serverDir, options, ports);
          ServerProcess process =
              ServerProcess.start(
                  kind, port, launch.jvmArgs(), launch.args(), serverDir, options.detached());
          try {
            process.awaitReady();
          } catch (RuntimeException e) {
            process.close();
            throw e;
          }
          return process;
        });
  }

  /** Waits for every server; if one failed, stops the others and throws its failure. */
  private static LocalStack collect(
      LocalStackOptions options, Map<ServerKind, CompletableFuture<ServerProcess>> starting) {
    Map<ServerKind, ServerProcess> started = new EnumMap<>(ServerKind.class);
    RuntimeException failure = null;
    for (Map.Entry<ServerKind, CompletableFuture<ServerProcess>> entry : starting.entrySet()) {
      try {
        started.put(entry.getKey(), entry.getValue().join());
      } catch (CompletionException e) {
        failure =
            e.getCause() instanceof RuntimeException r
                ? r
                : new IllegalStateException(e.getCause());
      }
    }
    LocalStack stack = new LocalStack(options, started);
    if (failure != null) {
      stack.close();
      throw failure;
    }
    if (options.detached()) {
      stack.writeState();
    }
    return stack;
  }

  /**
   * The stack that {@code lambda local up} left running in {@code workDir}, if any server lives.
   */
  public static Optional<LocalStack> attach(Path workDir) {
    Path stateFile = workDir.resolve(STATE_FILE);
    if (!Files.exists(stateFile)) {
      return Optional.empty();
    }
    Properties state = new Properties();
    try (InputStream in = Files.newInputStream(stateFile)) {
      state.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<ServerKind, ServerProcess> alive = new EnumMap<>(ServerKind.class);
    Map<ServerKind, Integer> ports = new EnumMap<>(ServerKind.class);
    for (ServerKind kind : ServerKind.values()) {
      String pid = state.getProperty(kind.id() + ".pid");
      String port = state.getProperty(kind.id() + ".port");
      if (pid == null || port == null) {
        continue;
      }
      ports.put(kind, Integer.parseInt(port));
      ServerProcess.adopt(
              kind,
              Integer.parseInt(port),
              Long.parseLong(pid),
              workDir.resolve(kind.id()).resolve(kind.id() + ".log"))
          .ifPresent(p -> alive.put(kind, p));
    }
    if (alive.isEmpty()) {
      return Optional.empty();
    }
    LocalStackOptions options =
        new LocalStackOptions(
            workDir,
            alive.keySet(),
            ports,
            true,
            state.getProperty("s3.access-key", LocalStackOptions.S3_ACCESS_KEY_DEFAULT),
            state.getProperty("s3.secret-key", LocalStackOptions.S3_SECRET_KEY_DEFAULT));
    return Optional.of(new LocalStack(options, alive));
  }

  /**
   * Writes the state file for a stack that dies with this JVM, so that commands started from here
   * ({@code bin/lambda sql} finding the stack's Trino) attach to it, as to one of {@code local up};
   * {@link #close} removes it. Tests and benchmarks use it with a folder of their own; a stack in
   * the shared folder does not advertise itself ({@code local up} would take it for its own).
   */
  public LocalStack advertise() {
    advertised = true;
    writeState();
    return this;
  }

  public Map<ServerKind, ServerProcess> servers() {
    return Map.copyOf(servers);
  }

  @Override
  public boolean runs(ServerKind kind) {
    return servers.containsKey(kind) && servers.get(kind).isAlive();
  }

  @Override
  public String kafkaBootstrapServers() {
    return "127.0.0.1:" + require(ServerKind.KAFKA).port();
  }

  @Override
  public String dynamoDbEndpoint() {
    return "http://127.0.0.1:" + require(ServerKind.DYNAMODB).port();
  }

  @Override
  public String s3Endpoint() {
    return "http://127.0.0.1:" + require(ServerKind.S3).port();
  }

  @Override
  public String s3AccessKey() {
    return options.s3AccessKey();
  }

  @Override
  public String s3SecretKey() {
    return options.s3SecretKey();
  }

  /** The S3 server keeps buckets as folders here; creating a folder creates a bucket. */
  public Path s3DataDir() {
    return options.workDir().toAbsolutePath().resolve(ServerKind.S3.id()).resolve("buckets");
  }

  @Override
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + require(ServerKind.POSTGRES).port() + "/postgres";
  }

  @Override
  public Optional<String> trinoJdbcUrl() {
    return runs(ServerKind.TRINO)
        ? Optional.of(TrinoConfig.jdbcUrl(servers.get(ServerKind.TRINO).port()))
        : Optional.empty();
  }

  @Override
  public String jdbcUser() {
    return "postgres";
  }

  /** Stops one server, as a fault test does; {@link #restart} brings it back on the same port. */
  public void stop(ServerKind kind) {
    ServerProcess process = servers.remove(kind);
    if (process != null) {
      process.close();
    }
  }

  public void restart(ServerKind kind) {
    stop(kind);
    int port = ports.getOrDefault(kind, options.portOf(kind));
    if (port == 0) {
      port = freePort();
    }
    Path serverDir = options.workDir().toAbsolutePath().resolve(kind.id());
    Launch launch = launchOf(kind, port, serverDir, options, ports);
    ServerProcess process =
        ServerProcess.start(
            kind, port, launch.jvmArgs(), launch.args(), serverDir, options.detached());
    process.awaitReady();
    servers.put(kind, process);
    ports.put(kind, port);
    if (options.detached() || advertised) {
      writeState();
    }
  }

  @Override
  public String jdbcPassword() {
    return "";
  }

  @Override
  public String kind() {
    return "embedded";
  }

  @Override
  public void close() {
    List<ServerProcess> all = new ArrayList<>(servers.values());
    all.parallelStream().forEach(ServerProcess::close);
    servers.clear();
    try {
      Files.deleteIfExists(options.workDir().resolve(STATE_FILE));
    } catch (IOException ignored) {
      // nothing to clean
    }
  }

  private ServerProcess require(ServerKind kind) {
    ServerProcess process = servers.get(kind);
    if (process == null) {
      throw new PlatformException(
          "The " + kind.id() + " server is not running",
          "this stack was started without it, or it was stopped",
          "start it: 'lambda local up' (or include " + kind + " in LocalStackOptions)");
    }
    return process;
  }

  private void writeState() {
    Properties state = new Properties();
    servers.forEach(
        (kind, process) -> {
          state.setProperty(kind.id() + ".pid", Long.toString(process.pid()));
          state.setProperty(kind.id() + ".port", Integer.toString(process.port()));
        });
    state.setProperty("s3.access-key", options.s3AccessKey());
    state.setProperty("s3.secret-key", options.s3SecretKey());
    // written aside and moved into place: a reader never sees half a file
    Path target = options.workDir().resolve(STATE_FILE);
    Path partial = options.workDir().resolve(STATE_FILE + ".partial");
    try {
      try (OutputStream out = Files.newOutputStream(partial)) {
        state.store(out, "lambda local stack: servers started by 'lambda local up'");
      }
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a server's JVM starts with besides its heap: JVM flags, then its main's arguments. */
  private record Launch(List<String> jvmArgs, List<String> args) {
    static Launch of(String... args) {
      return new Launch(List.of(), List.of(args));
    }
  }

  private static Launch launchOf(
      ServerKind kind,
      int port,
      Path serverDir,
      LocalStackOptions options,
      Map<ServerKind, Integer> ports) {
    createDirectories(serverDir);
    return switch (kind) {
      case KAFKA -> Launch.of(writeKafkaConfig(port, serverDir).toString());
      case DYNAMODB -> Launch.of(Integer.toString(port), serverDir.resolve("data").toString());
      case S3 -> Launch.of("--properties", writeS3Config(port, serverDir, options).toString());
      case POSTGRES -> Launch.of(Integer.toString(port), serverDir.resolve("data").toString());
      case TRINO ->
          new Launch(
              TrinoConfig.write(
                  serverDir,
                  port,
                  TrinoDistribution.home(),
                  Optional.ofNullable(ports.get(ServerKind.S3))
                      .map(
                          s3 ->
                              new TrinoConfig.S3(
                                  "http://127.0.0.1:" + s3,
                                  options.s3AccessKey(),
                                  options.s3SecretKey()))),
              List.of());
    };
  }

  /**
   * A single-node KRaft broker. We write {@code meta.properties} ourselves instead of running
   * {@code kafka-storage format}, which would need a second JVM start.
   */
  private static Path writeKafkaConfig(int port, Path dir) {
    int controllerPort = freePort();
    Path logDir = dir.resolve("data");
    createDirectories(logDir);
    Path meta = logDir.resolve("meta.properties");
    if (!Files.exists(meta)) {
      writeLines(
          meta,
          "version=1",
          "cluster.id=" + kafkaUuid(),
          "node.id=1",
          "directory.id=" + kafkaUuid());
    }
    Path config = dir.resolve("server.properties");
    writeLines(
        config,
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + logDir,
        "num.partitions=3",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=3",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        // Spark never creates topics; a typo must fail rather than create an empty topic
        "auto.create.topics.enable=false",
        "log.retention.hours=168");
    return config;
  }

  private static Path writeS3Config(int port, Path dir, LocalStackOptions options) {
    Path buckets = dir.resolve("buckets");
    createDirectories(buckets);
    Path config = dir.resolve("s3proxy.properties");
    writeLines(
        config,
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + options.s3AccessKey(),
        "s3proxy.credential=" + options.s3SecretKey(),
        // Trino's S3 client asks every listing for x-amz-optional-object-attributes (S3 accepts it;
        // S3Proxy answers 501 to a header it does not know): ignored, nothing here is archived
        "s3proxy.ignore-unknown-headers=true",
        "jclouds.provider=filesystem-nio2",
        "jclouds.filesystem.basedir=" + buckets);
    // the server's own key store: readable by this user only, like any credentials file
    try {
      Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: nothing to tighten
    }
    return config;
  }

  private static String kafkaUuid() {
    UUID uuid = UUID.randomUUID();
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeLines(Path file, String... lines) {
    try {
      Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes {@code root} and all below it, if it exists (a stack's folder, a test's folder). */
  public static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
