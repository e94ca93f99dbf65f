package org.lambdaref.localstack;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The real servers of the local stack. Each runs in its own JVM with its own classpath, because in
 * Spark's JVM they break it: Kafka's broker downgrades Spark's Jackson and Scala libraries,
 * DynamoDB Local drags Jetty 12 and SDK v1, S3Proxy fights over servlet and Jackson versions.
 */
public enum ServerKind {
  KAFKA("kafka.Kafka", "Kafka Server started", "-Xmx512m"),
  DYNAMODB("org.lambdaref.localstack.dynamodb.DynamoDbServerMain", "DYNAMODB READY", "-Xmx384m"),
  S3("org.gaul.s3proxy.Main", null, "-Xmx256m"),
  POSTGRES("org.lambdaref.localstack.postgres.PostgresServerMain", "POSTGRES READY", "-Xmx256m"),
  /**
   * Trino with its Delta Lake connector over the lake, started only when asked for ({@code lambda
   * local up --with-trino}): a JDK 24+ and an 821 MB download ({@link TrinoDistribution}).
   */
  TRINO("io.trino.server.TrinoServer", "======== SERVER STARTED ========", "-Xmx2g");

  /** The four services every command needs; Trino is an addition. */
  public static final Set<ServerKind> CORE = EnumSet.of(KAFKA, DYNAMODB, S3, POSTGRES);

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
