package org.lambdaref.config;

/**
 * Where secret references are resolved ({@code platform.secrets.*}): the region for references that
 * are not ARNs, and endpoint overrides (a VPC endpoint, a test's stub); empty means AWS's.
 */
public record SecretSettings(
    String region, String secretsManagerEndpoint, String ssmEndpoint, String kmsKeyArn) {

  static SecretSettings read(Settings s, String emrRegion) {
    String region = s.string("region");
    return new SecretSettings(
        region.isBlank() ? emrRegion : region,
        s.string("secretsmanager-endpoint"),
        s.string("ssm-endpoint"),
        s.string("kms-key-arn"));
  }
}
