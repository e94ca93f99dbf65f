package org.lambdaref.emr;

import java.util.List;
import org.lambdaref.config.EmrSettings;
import org.lambdaref.model.PlatformException;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emr.model.RunJobFlowRequest;
import software.amazon.awssdk.services.emr.model.StepConfig;

/** Sends clusters and steps with the SDK's EMR client; checks credentials before anything else. */
public final class EmrSubmitter implements AutoCloseable {

  private final EmrClient client;

  private EmrSubmitter(EmrClient client) {
    this.client = client;
  }

  /** Fails fast, with what to do, when no AWS credentials are found. */
  public static EmrSubmitter connect(EmrSettings emr) {
    DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    try {
      credentials.resolveCredentials();
    } catch (SdkClientException e) {
      throw new PlatformException(
          "No AWS credentials for EMR",
          "none of the default providers (environment, profile, web identity, container, instance metadata) has any",
          "run 'aws configure' or 'aws sso login', or set AWS_PROFILE / AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY;"
              + " 'bin/lambda emr plan' prints the same request without sending it",
          e);
    }
    return new EmrSubmitter(
        EmrClient.builder()
            .region(Region.of(emr.region()))
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .build());
  }

  /** Starts a cluster; returns its id. */
  public String runJobFlow(RunJobFlowRequest request) {
    return client.runJobFlow(request).jobFlowId();
  }

  /**
   * Adds steps to a running cluster; returns their ids. The cluster's own StepConcurrencyLevel is
   * read first (DescribeCluster), so that a step EMR would refuse on it is refused here with what
   * to do instead.
   */
  public List<String> addSteps(String clusterId, List<StepConfig> steps) {
    Integer level =
        client.describeCluster(b -> b.clusterId(clusterId)).cluster().stepConcurrencyLevel();
    EmrSteps.validate(level == null ? 1 : level, steps);
    return client.addJobFlowSteps(b -> b.jobFlowId(clusterId).steps(steps)).stepIds();
  }

  @Override
  public void close() {
    client.close();
  }
}
