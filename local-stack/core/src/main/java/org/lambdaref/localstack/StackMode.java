package org.lambdaref.localstack;

/** How the four services are provided on this machine. */
public enum StackMode {
  /** Containers where a Docker engine answers, embedded servers otherwise. */
  AUTO,
  /** Real servers from Maven Central in forked JVMs: no Docker needed. */
  EMBEDDED,
  /** Testcontainers: Kafka (apache/kafka), LocalStack (DynamoDB, S3), PostgreSQL images. */
  CONTAINERS
}
