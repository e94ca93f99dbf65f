package org.lambdaref.config;

/**
 * S3 access. Empty credentials mean the default AWS provider chain (instance profile on EMR).
 * {@link #toString()} hides the secret so that it never lands in a log.
 */
public record S3Settings(
    String endpoint, String region, boolean pathStyleAccess, String accessKey, String secretKey) {
  static S3Settings read(Settings s) {
    return new S3Settings(
        s.string("endpoint"),
        s.nonEmpty("region"),
        s.bool("path-style-access"),
        s.string("access-key"),
        s.string("secret-key"));
  }

  public boolean hasStaticCredentials() {
    return !accessKey.isBlank() && !secretKey.isBlank();
  }

  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint
        + ", region="
        + region
        + ", pathStyleAccess="
        + pathStyleAccess
        + ", accessKey="
        + accessKey
        + ", secretKey="
        + (secretKey.isEmpty() ? "" : "****")
        + "]";
  }
}
