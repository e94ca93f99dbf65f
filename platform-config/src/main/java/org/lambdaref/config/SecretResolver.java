package org.lambdaref.config;

/**
 * Turns a secret reference ({@code platform.jdbc.password-secret}) into the secret, on the driver
 * at start-up. The AWS implementation ({@code jobs-config} {@code AwsSecretResolver}) asks Secrets
 * Manager or SSM Parameter Store; tests give their own.
 */
@FunctionalInterface
public interface SecretResolver {

  /**
   * The secret {@code reference} names; {@code key} is the setting that holds the reference, for
   * errors. Never logs or returns the secret in an exception.
   */
  String resolve(String key, String reference);
}
