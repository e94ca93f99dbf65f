package org.lambdaref.config;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.lambdaref.model.PlatformException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * Resolves secret references with the AWS SDK v2 on the driver at start-up: Secrets Manager's
 * {@code GetSecretValue} or Parameter Store's {@code GetParameter} (decrypted), with the default
 * credentials chain (the instance profile on EMR). The secret stays in memory: no error names it,
 * nothing logs it.
 */
public final class AwsSecretResolver implements SecretResolver, AutoCloseable {

  private final SecretSettings settings;
  private final AwsCredentialsProvider credentials;
  private final SdkHttpClient http = UrlConnectionHttpClient.create();
  private final Map<String, SecretsManagerClient> secretsManager = new HashMap<>();
  private final Map<String, SsmClient> ssm = new HashMap<>();

  AwsSecretResolver(SecretSettings settings, AwsCredentialsProvider credentials) {
    this.settings = settings;
    this.credentials = credentials;
  }

  public static AwsSecretResolver create(SecretSettings settings) {
    return new AwsSecretResolver(settings, DefaultCredentialsProvider.builder().build());
  }

  @Override
  public String resolve(String key, String value) {
    SecretReference ref = SecretReference.parse(key, value);
    String region = ref.region().isEmpty() ? settings.region() : ref.region();
    if (region.isBlank()) {
      throw new PlatformException(
          "No region to resolve " + key + " (" + value + ") in",
          "the reference is not an ARN, and platform.secrets.region and platform.emr.region are"
              + " empty",
          "use the secret's ARN, or set platform.secrets.region");
    }
    try {
      return ref.store() == SecretReference.Store.SSM
          ? ssm(region).getParameter(b -> b.name(ref.id()).withDecryption(true)).parameter().value()
          : secretString(key, value, region, ref);
    } catch (ResourceNotFoundException | ParameterNotFoundException e) {
      throw new PlatformException(
          "The secret " + value + " of " + key + " does not exist in " + region,
          (ref.store() == SecretReference.Store.SSM ? "Parameter Store" : "Secrets Manager")
              + " answered "
              + e.awsErrorDetails().errorCode(),
          "create it there, or correct " + key + " (a name, or the secret's full ARN)",
          e);
    } catch (AwsServiceException e) {
      String code =
          e.awsErrorDetails() == null
              ? Integer.toString(e.statusCode())
              : e.awsErrorDetails().errorCode();
      throw new PlatformException(
          "Could not read the secret " + value + " of " + key + ": " + code,
          e.getMessage(),
          "give the job role secretsmanager:GetSecretValue or ssm:GetParameter on it, and"
              + " kms:Decrypt on a customer key",
          e);
    } catch (SdkClientException e) {
      throw new PlatformException(
          "Could not reach the secret store for " + key + " (" + value + ")",
          e.getMessage(),
          "check the network path from the cluster (a VPC endpoint: platform.secrets.*-endpoint)"
              + " and the node's credentials",
          e);
    }
  }

  private String secretString(String key, String value, String region, SecretReference ref) {
    String secret = secretsManager(region).getSecretValue(b -> b.secretId(ref.id())).secretString();
    if (secret == null) {
      throw new PlatformException(
          "The secret " + value + " of " + key + " holds binary data, not a string",
          "a secret reference is read from SecretString",
          "store the value as the secret's string (a password may also be the field \"password\""
              + " of a JSON secret)");
    }
    // a JSON secret (RDS's {"username": ..., "password": ...}) gives its password field
    if (secret.trim().startsWith("{")) {
      try {
        JsonNode password = JsonNode.parser().parse(secret).asObject().get("password");
        if (password != null && password.isString()) {
          return password.asString();
        }
      } catch (RuntimeException e) {
        // not JSON after all: the string is the password
        return secret;
      }
    }
    return secret;
  }

  private SecretsManagerClient secretsManager(String region) {
    return secretsManager.computeIfAbsent(
        region,
        r -> {
          var b =
              SecretsManagerClient.builder()
                  .region(Region.of(r))
                  .credentialsProvider(credentials)
                  .httpClient(http);
          if (!settings.secretsManagerEndpoint().isBlank()) {
            b.endpointOverride(URI.create(settings.secretsManagerEndpoint()));
          }
          return b.build();
        });
  }

  private SsmClient ssm(String region) {
    return ssm.computeIfAbsent(
        region,
        r -> {
          var b =
              SsmClient.builder()
                  .region(Region.of(r))
                  .credentialsProvider(credentials)
                  .httpClient(http);
          if (!settings.ssmEndpoint().isBlank()) {
            b.endpointOverride(URI.create(settings.ssmEndpoint()));
          }
          return b.build();
        });
  }

  @Override
  public void close() {
    secretsManager.values().forEach(SecretsManagerClient::close);
    ssm.values().forEach(SsmClient::close);
    http.close();
  }
}
