package org.lambdaref.cli;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.Console;
import org.lambdaref.config.LocalStackSettings;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.localstack.ServerProcess;
import org.lambdaref.localstack.StackEndpoints;
import org.lambdaref.localstack.StackMode;
import org.lambdaref.localstack.Stacks;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      "Start, stop or inspect the local stack of servers.",
      "The stack: Kafka (KRaft), DynamoDB Local, an S3 server and PostgreSQL."
    },
    subcommands = {LocalCommand.Up.class, LocalCommand.Down.class, LocalCommand.Status.class})
final class LocalCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** The stack's options from configuration: fixed ports, so every command finds it. */
  static LocalStackOptions options(PlatformConfig config, boolean detached) {
    return options(config, detached, false);
  }

  /** The same, with Trino as well when {@code withTrino}. */
  static LocalStackOptions options(PlatformConfig config, boolean detached, boolean withTrino) {
    LocalStackSettings s = config.localStack();
    EnumSet<ServerKind> servers = EnumSet.copyOf(ServerKind.CORE);
    if (withTrino) {
      servers.add(ServerKind.TRINO);
    }
    return new LocalStackOptions(
        s.dir(),
        servers,
        Map.of(
            ServerKind.KAFKA, s.kafkaPort(),
            ServerKind.DYNAMODB, s.dynamoDbPort(),
            ServerKind.S3, s.s3Port(),
            ServerKind.POSTGRES, s.postgresPort(),
            ServerKind.TRINO, s.trinoPort()),
        detached,
        LocalStackOptions.S3_ACCESS_KEY_DEFAULT,
        LocalStackOptions.S3_SECRET_KEY_DEFAULT);
  }

  /**
   * A running stack if 'local up' left one, else a new one that lives as long as this JVM:
   * containers where Docker answers (platform.local-stack.mode=auto), embedded servers otherwise.
   */
  static StackLease attachOrStart(PlatformConfig config, Console console) {
    Optional<LocalStack> running = LocalStack.attach(config.localStack().dir());
    if (running.isPresent() && running.get().servers().keySet().containsAll(ServerKind.CORE)) {
      console.line("==> using the local stack started by 'bin/lambda local up'");
      return new StackLease(running.get(), false);
    }
    StackMode mode =
        Stacks.resolve(StackMode.valueOf(config.localStack().mode().toUpperCase(Locale.ROOT)));
    StackEndpoints stack =
        console.step(
            "starting the local stack ("
                + mode.name().toLowerCase(Locale.ROOT)
                + "): Kafka, DynamoDB, S3, PostgreSQL",
            () -> Stacks.start(options(config, false), mode));
    return new StackLease(stack, true);
  }

  /** The stack 'local up' left running, if any. */
  static Optional<LocalStack> running(ConfigOptions configOptions) {
    return LocalStack.attach(configOptions.load().localStack().dir());
  }

  /** A stack and whether we own it (and so stop it when done). */
  record StackLease(StackEndpoints stack, boolean owned) implements AutoCloseable {
    @Override
    public void close() {
      if (owned) {
        stack.close();
      }
    }
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = "Start the stack in the background with its topic, table and bucket.")
  static final class Up implements Callable<Integer> {
    @Mixin ConfigOptions configOptions;

    @Option(
        names = "--with-trino",
        description =
            "Also start Trino with the lake's tables (SQL in seconds from 'sql' and any JDBC"
                + " client); needs a JDK 24+ and downloads its server once (821 MB).")
    boolean withTrino;

    @Override
    public Integer call() {
      PlatformConfig config = configOptions.load();
      Console console = Console.stdout();
      if (LocalStack.attach(config.localStack().dir()).isPresent()) {
        console.line("the local stack already runs; 'bin/lambda local status' shows it");
        return 0;
      }
      if (withTrino) {
        TrinoSql.ensureDownloaded(console);
      }
      // embedded always: containers would die with this command
      LocalStack stack =
          console.step(
              "starting the local stack (embedded servers" + (withTrino ? ", Trino" : "") + ")",
              () -> LocalStack.start(options(config, true, withTrino)));
      PlatformConfig pointed = configOptions.load(stack.configOverrides());
      console.step(
          "creating topic, counters table, bucket",
          () -> LocalProvisioning.provision(pointed, stack));
      LocalProvisioning.describe(config, stack)
          .forEach((k, v) -> console.line("    %-9s %s", k, v));
      console.line("stop it with: bin/lambda local down");
      return 0;
    }
  }

  @Command(
      name = "down",
      mixinStandardHelpOptions = true,
      description = "Stop the stack that 'local up' started.")
  static final class Down implements Callable<Integer> {
    @Mixin ConfigOptions configOptions;

    @Override
    public Integer call() {
      Optional<LocalStack> stack = running(configOptions);
      if (stack.isEmpty()) {
        System.out.println("no local stack runs");
        return 0;
      }
      Console.stdout().step("stopping the local stack", stack.get()::close);
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {"Show each server: pid, port, serving or not.", "Exit code 1 if none runs."})
  static final class Status implements Callable<Integer> {
    @Mixin ConfigOptions configOptions;

    @Override
    public Integer call() {
      Optional<LocalStack> stack = running(configOptions);
      if (stack.isEmpty()) {
        System.out.println("no local stack runs (start it with: bin/lambda local up)");
        return 1;
      }
      for (ServerKind kind : ServerKind.values()) {
        ServerProcess server = stack.get().servers().get(kind);
        if (server == null && !ServerKind.CORE.contains(kind)) {
          System.out.printf("%-9s not started (bin/lambda local up --with-trino)%n", kind.id());
        } else if (server == null) {
          System.out.printf("%-9s stopped%n", kind.id());
        } else {
          System.out.printf(
              "%-9s pid %-7d 127.0.0.1:%-6d %s  log %s%n",
              kind.id(),
              server.pid(),
              server.port(),
              server.serves() ? "serving" : "NOT SERVING",
              server.logFile());
        }
      }
      return 0;
    }
  }
}
