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

  /**
   * The settings that reach the deployment's overlay file, before the file has set the region: an
   * unset region is the S3 default's (an S3-compatible server takes any; on EMR, EMRFS reads {@code
   * s3://} and no endpoint is set, so the region is not used).
   */
  static S3Settings readToReachOverlay(Settings s) {
    String region = s.string("region");
    return new S3Settings(
        s.string("endpoint"),
        region.isBlank() ? REGION_TO_REACH_OVERLAY : region,
        s.bool("path-style-access"),
        s.string("access-key"),
        s.string("secret-key"));
  }

  static final String REGION_TO_REACH_OVERLAY = "us-east-1";

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
