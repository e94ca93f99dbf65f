package org.lambdaref.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * {@code endpoint} empty means the AWS endpoint of {@code region}; empty credentials mean the
 * default AWS provider chain. Writes retry with exponential backoff until {@code retryDeadline}.
 * Serializable: Spark tasks build their client from it. {@link #toString()} hides the secret.
 */
public record DynamoDbSettings(
    String endpoint,
    String region,
    String countersTable,
    String accessKey,
    String secretKey,
    Duration retryInitialBackoff,
    Duration retryMaxBackoff,
    Duration retryDeadline,
    int counterBatchSize)
    implements Serializable {
  static DynamoDbSettings read(Settings s) {
    return new DynamoDbSettings(
        s.string("endpoint"),
        s.nonEmpty("region"),
        s.nonEmpty("counters-table"),
        s.string("access-key"),
        s.string("secret-key"),
        s.positiveDuration("retry-initial-backoff"),
        s.positiveDuration("retry-max-backoff"),
        s.positiveDuration("retry-deadline"),
        s.intIn("counter-batch-size", 1, 100));
  }

  public boolean hasStaticCredentials() {
    return !accessKey.isBlank() && !secretKey.isBlank();
  }

  @Override
  public String toString() {
    return "DynamoDbSettings[endpoint="
        + endpoint
        + ", region="
        + region
        + ", countersTable="
        + countersTable
        + ", accessKey="
        + accessKey
        + ", secretKey="
        + (secretKey.isEmpty() ? "" : "****")
        + ", retry="
        + retryInitialBackoff
        + ".."
        + retryMaxBackoff
        + " within "
        + retryDeadline
        + ", counterBatchSize="
        + counterBatchSize
        + "]";
  }
}
