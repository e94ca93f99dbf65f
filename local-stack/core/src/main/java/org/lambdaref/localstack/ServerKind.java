package org.lambdaref.localstack;

import java.util.Locale;

/**
 * The real servers of the local stack. Each runs in its own JVM with its own classpath, because in
 * Spark's JVM they break it: Kafka's broker downgrades Spark's Jackson and Scala libraries,
 * DynamoDB Local drags Jetty 12 and SDK v1, S3Proxy fights over servlet and Jackson versions.
 */
public enum ServerKind {
  KAFKA("kafka.Kafka", "Kafka Server started", "-Xmx512m"),
  DYNAMODB("org.lambdaref.localstack.dynamodb.DynamoDbServerMain", "DYNAMODB READY", "-Xmx384m"),
  S3("org.gaul.s3proxy.Main", null, "-Xmx256m"),
  POSTGRES("org.lambdaref.localstack.postgres.PostgresServerMain", "POSTGRES READY", "-Xmx256m");

  private final String mainClass;
  private final String readyLogMarker;
  private final String heap;

  ServerKind(String mainClass, String readyLogMarker, String heap) {
    this.mainClass = mainClass;
    this.readyLogMarker = readyLogMarker;
    this.heap = heap;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  String mainClass() {
    return mainClass;
  }

  /** A line the server logs once it serves; null where an open port is the only sign. */
  String readyLogMarker() {
    return readyLogMarker;
  }

  String heap() {
    return heap;
  }
}
