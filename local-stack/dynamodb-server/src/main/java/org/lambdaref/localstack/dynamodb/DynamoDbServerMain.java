package org.lambdaref.localstack.dynamodb;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * DynamoDB Local, bound to 127.0.0.1 only, with one database for every key and region.
 *
 * <p>Usage: {@code DynamoDbServerMain <port> [<data-dir>]}. With a data dir the tables survive a
 * restart of the server (as DynamoDB's do when it is briefly unreachable), else they live in
 * memory. DynamoDB Local has no option for the bind address (its Jetty listens on every interface),
 * so we reach into its Jetty server before start and pin the connector to loopback: servers we
 * start must not be reachable from the network.
 */
public final class DynamoDbServerMain {

  private DynamoDbServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: DynamoDbServerMain <port> [<data-dir>]");
      System.exit(2);
    }
    String[] storage;
    if (args.length == 2) {
      Files.createDirectories(Path.of(args[1]));
      storage = new String[] {"-dbPath", args[1]};
    } else {
      storage = new String[] {"-inMemory"};
    }
    String[] common = {"-sharedDb", "-port", args[0], "-disableTelemetry"};
    String[] all =
        Stream.concat(Arrays.stream(storage), Arrays.stream(common)).toArray(String[]::new);
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(all);
    Field serverField = DynamoDBProxyServer.class.getDeclaredField("server");
    serverField.setAccessible(true);
    Server jetty = (Server) serverField.get(proxy);
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector serverConnector) {
        serverConnector.setHost("127.0.0.1");
      }
    }
    proxy.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    proxy.stop();
                  } catch (Exception e) {
                    System.err.println("dynamodb stop failed: " + e);
                  }
                },
                "dynamodb-stop"));
    System.out.println("DYNAMODB READY port=" + args[0]);
    System.out.flush();
    proxy.join();
  }
}
