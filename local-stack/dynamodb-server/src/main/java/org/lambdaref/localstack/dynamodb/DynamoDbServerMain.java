package org.lambdaref.localstack.dynamodb;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * DynamoDB Local, in memory, bound to 127.0.0.1 only.
 *
 * <p>Usage: {@code DynamoDbServerMain <port>}. DynamoDB Local has no option for the bind address
 * (its Jetty listens on every interface), so we reach into its Jetty server before start and pin
 * the connector to loopback: servers we start must not be reachable from the network.
 */
public final class DynamoDbServerMain {

  private DynamoDbServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: DynamoDbServerMain <port>");
      System.exit(2);
    }
    DynamoDBProxyServer proxy =
        ServerRunner.createServerFromCommandLineArgs(
            new String[] {"-inMemory", "-port", args[0], "-disableTelemetry"});
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
