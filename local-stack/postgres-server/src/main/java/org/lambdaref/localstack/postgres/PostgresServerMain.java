package org.lambdaref.localstack.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server (binaries from Maven Central) for the local stack.
 *
 * <p>Usage: {@code PostgresServerMain <port> <data-dir>}. Prints {@code POSTGRES READY} once it
 * accepts connections, then runs until the JVM exits; the shutdown hook stops the postmaster.
 */
public final class PostgresServerMain {

  private PostgresServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: PostgresServerMain <port> <data-dir>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    Path dataDir = Path.of(args[1]);
    Files.createDirectories(dataDir);
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setPort(port)
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    postgres.close();
                  } catch (Exception e) {
                    System.err.println("postgres stop failed: " + e);
                  }
                },
                "postgres-stop"));
    System.out.println("POSTGRES READY port=" + postgres.getPort());
    System.out.flush();
    Thread.currentThread().join();
  }
}
