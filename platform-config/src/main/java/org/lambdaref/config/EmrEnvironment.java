package org.lambdaref.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.lambdaref.model.Errors;

/**
 * What {@code --env emr} refuses at load time: a storage location not on S3 and a setting still
 * pointing at loopback. Either would not fail on the cluster: a local path is some node's disk, and
 * 127.0.0.1 is the node itself. Both are the local defaults of {@code reference.conf} showing
 * through where the deployment's overlay file did not set the key.
 */
final class EmrEnvironment {

  static final String ENV = "emr";

  /** The EMR overlay on the rehearsal's local cluster: every check but the loopback one. */
  static final String REHEARSAL = "rehearsal";

  /** Whether {@code env} is held to these checks. */
  static boolean appliesTo(String env) {
    return env.equals(ENV) || env.equals(REHEARSAL);
  }

  private EmrEnvironment() {}

  /** Before binding: the region every client of the deployment uses. */
  static void checkBeforeBind(Settings platform) {
    if (platform.child("emr").string("region").isBlank()) {
      throw Errors.notSetForEnv(
          ENV,
          "platform.emr.region",
          "every AWS client of the jobs (DynamoDB, S3, Secrets Manager) takes it, and on the"
              + " cluster the driver has no AWS_REGION to fall back on");
    }
  }

  static void check(PlatformConfig config) {
    Map<String, String> areas =
        Map.of(
            ConfigKeys.STORAGE_DATASOURCE,
            config.storage().datasource(),
            ConfigKeys.STORAGE_DATASTAGING,
            config.storage().datastaging(),
            ConfigKeys.STORAGE_DATASTORE,
            config.storage().datastore(),
            "platform.speed.checkpoint-dir",
            config.speed().checkpointDir());
    for (String key :
        new String[] {
          ConfigKeys.STORAGE_DATASOURCE,
          ConfigKeys.STORAGE_DATASTAGING,
          ConfigKeys.STORAGE_DATASTORE,
          "platform.speed.checkpoint-dir"
        }) {
      String value = areas.get(key);
      if (!value.startsWith("s3://") && !value.startsWith("s3a://")) {
        throw Errors.notOnS3(ENV, key, value);
      }
    }
    if (!config.env().equals(REHEARSAL)) {
      checkNoLoopback(config);
    }
    if (!config.jdbc().password().isEmpty()) {
      throw Errors.plainSecretOnCluster(ENV, ConfigKeys.JDBC + ".password");
    }
    if (!config.sourceDb().connection().password().isEmpty()) {
      throw Errors.plainSecretOnCluster(ENV, "platform.source-db.password");
    }
  }

  private static void checkNoLoopback(PlatformConfig config) {
    String servers = config.kafka().bootstrapServers();
    for (String server : servers.split(",")) {
      loopbackHost(server.trim())
          .ifPresent(
              h -> {
                throw Errors.loopbackOnCluster(ENV, "platform.kafka.bootstrap-servers", servers, h);
              });
    }
    checkJdbc("platform.jdbc.url", config.jdbc().url());
    if (config.sourceDb().mode().equals("jdbc")) {
      checkJdbc("platform.source-db.url", config.sourceDb().connection().url());
    }
    checkJdbc("platform.export.sample-url", config.export().sampleUrl());
    checkEndpoint("platform.dynamodb.endpoint", config.dynamodb().endpoint());
    checkEndpoint("platform.s3.endpoint", config.s3().endpoint());
    checkEndpoint(
        "platform.secrets.secretsmanager-endpoint", config.secrets().secretsManagerEndpoint());
    checkEndpoint("platform.secrets.ssm-endpoint", config.secrets().ssmEndpoint());
  }

  private static void checkJdbc(String key, String url) {
    // jdbc:postgresql://host:port/db, jdbc:mysql://..., jdbc:sqlserver://host;...
    String rest = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
    int slashes = rest.indexOf("//");
    if (slashes < 0) {
      return;
    }
    String authority = rest.substring(slashes + 2).split("[/;?]", 2)[0];
    if (authority.contains("@")) {
      authority = authority.substring(authority.lastIndexOf('@') + 1);
    }
    for (String hostPort : authority.split(",")) {
      loopbackHost(hostPort)
          .ifPresent(
              h -> {
                throw Errors.loopbackOnCluster(ENV, key, url, h);
              });
    }
  }

  private static void checkEndpoint(String key, String endpoint) {
    if (endpoint.isBlank()) {
      return;
    }
    String host;
    try {
      URI uri = new URI(endpoint.contains("://") ? endpoint : "https://" + endpoint);
      host = uri.getHost() == null ? endpoint : uri.getHost();
    } catch (URISyntaxException e) {
      host = endpoint;
    }
    loopbackHost(host)
        .ifPresent(
            h -> {
              throw Errors.loopbackOnCluster(ENV, key, endpoint, h);
            });
  }

  /** The host of {@code hostPort} when it is a loopback name or literal (no DNS lookup). */
  static Optional<String> loopbackHost(String hostPort) {
    String host = hostPort.trim();
    if (host.startsWith("[")) {
      host = host.substring(1, Math.max(1, host.indexOf(']')));
    } else if (host.indexOf(':') == host.lastIndexOf(':') && host.contains(":")) {
      host = host.substring(0, host.indexOf(':'));
    }
    String h = host.toLowerCase(Locale.ROOT);
    boolean loopback =
        h.isEmpty()
            || h.equals("localhost")
            || h.endsWith(".localhost")
            || h.matches("127(\\.\\d{1,3}){3}")
            || h.equals("0.0.0.0")
            || h.equals("::1")
            || h.matches("(0{1,4}:){7}0{0,3}1")
            || h.equals("::ffff:127.0.0.1");
    return loopback ? Optional.of(host.isEmpty() ? "(no host)" : host) : Optional.empty();
  }
}
