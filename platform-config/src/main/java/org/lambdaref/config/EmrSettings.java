package org.lambdaref.config;

import java.time.Duration;
import org.lambdaref.model.Errors;

/**
 * An EMR cluster and its steps ({@code platform.emr.*}): what {@code bin/lambda emr} renders for
 * {@code aws emr create-cluster} and the SDK's {@code RunJobFlowRequest}. No secret lives here: the
 * roles carry the permissions.
 */
public record EmrSettings(
    String releaseLabel,
    String region,
    String clusterName,
    String logUri,
    String artifactsUri,
    String serviceRole,
    String instanceProfile,
    String subnetId,
    String keyName,
    String masterInstanceType,
    String coreInstanceType,
    int coreInstanceCount,
    String taskInstanceType,
    int taskInstanceCount,
    boolean taskOnSpot,
    int ebsVolumeGb,
    Duration idleTimeout,
    boolean glueCatalog,
    String kmsKeyArn,
    int parallelSteps,
    String configUri) {

  /**
   * The deployment's overlay file next to the jars when {@code platform.emr.config-uri} is empty.
   */
  public static final String DEFAULT_CONFIG_FILE = "lambda.conf";

  /**
   * Where every step's driver reads the deployment's overlay ({@code --config-uri}): {@code
   * platform.emr.config-uri}, or {@code <artifacts-uri>/lambda.conf}; empty while neither is set.
   */
  public String driverConfigUri() {
    if (!configUri.isEmpty()) {
      return configUri;
    }
    return artifactsUri.isEmpty()
        ? ""
        : artifactsUri.replaceAll("/+$", "") + "/" + DEFAULT_CONFIG_FILE;
  }

  /** The same settings with the steps' overlay file at {@code uri}. */
  public EmrSettings withConfigUri(String uri) {
    return new EmrSettings(
        releaseLabel,
        region,
        clusterName,
        logUri,
        artifactsUri,
        serviceRole,
        instanceProfile,
        subnetId,
        keyName,
        masterInstanceType,
        coreInstanceType,
        coreInstanceCount,
        taskInstanceType,
        taskInstanceCount,
        taskOnSpot,
        ebsVolumeGb,
        idleTimeout,
        glueCatalog,
        kmsKeyArn,
        parallelSteps,
        uri);
  }

  static EmrSettings read(Settings s) {
    BuildLine line = BuildLine.current();
    String release = s.string("release-label");
    if (release.isEmpty()) {
      release = line.defaultReleaseLabel();
    } else if (!line.acceptsReleaseLabel(release)) {
      throw Errors.badConfigValue(s.key("release-label"), release, line.releaseLabelRule(), null);
    }
    for (String key : new String[] {"log-uri", "artifacts-uri"}) {
      String v = s.string(key);
      if (!v.isEmpty() && !v.startsWith("s3://")) {
        throw Errors.badConfigValue(s.key(key), v, "an s3:// URI, or empty until you deploy", null);
      }
    }
    String configUri = s.string("config-uri");
    if (!configUri.isEmpty() && !configUri.matches("s3a?://[^/]+/.+")) {
      throw Errors.badConfigValue(
          s.key("config-uri"),
          configUri,
          "an s3:// or s3a:// URI of an object (the driver runs on the cluster and reads it there),"
              + " or empty for <artifacts-uri>/lambda.conf",
          null);
    }
    return new EmrSettings(
        release,
        s.nonEmpty("region"),
        s.nonEmpty("cluster-name"),
        s.string("log-uri"),
        s.string("artifacts-uri"),
        s.nonEmpty("service-role"),
        s.nonEmpty("instance-profile"),
        s.string("subnet-id"),
        s.string("key-name"),
        s.nonEmpty("master.instance-type"),
        s.nonEmpty("core.instance-type"),
        s.intIn("core.instance-count", 1, 1000),
        s.nonEmpty("task.instance-type"),
        s.intIn("task.instance-count", 0, 1000),
        s.bool("task.spot"),
        s.intIn("ebs-volume-gb", 32, 16384),
        s.positiveDuration("idle-timeout"),
        s.bool("glue-catalog"),
        s.string("kms-key-arn"),
        s.intIn("parallel-steps", 1, 256),
        configUri);
  }
}
