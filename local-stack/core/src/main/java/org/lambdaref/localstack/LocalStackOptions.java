package org.lambdaref.localstack;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What to start and where.
 *
 * @param workDir logs, data and the state file of the stack
 * @param servers which servers to start
 * @param ports fixed ports; a missing or zero port means "pick a free one" (tests)
 * @param detached servers outlive this JVM ({@code lambda local up}); otherwise they die with it
 * @param s3AccessKey identity S3Proxy checks (SigV4); a local, loopback-only credential
 * @param s3SecretKey secret S3Proxy checks
 */
public record LocalStackOptions(
    Path workDir,
    Set<ServerKind> servers,
    Map<ServerKind, Integer> ports,
    boolean detached,
    String s3AccessKey,
    String s3SecretKey) {

  // letters and digits only: DynamoDB Local refuses other characters in an access key id
  public static final String S3_ACCESS_KEY_DEFAULT = "lambdalocal";
  public static final String S3_SECRET_KEY_DEFAULT = "lambdalocalsecret";

  public LocalStackOptions {
    Objects.requireNonNull(workDir, "workDir");
    servers = servers.isEmpty() ? EnumSet.noneOf(ServerKind.class) : EnumSet.copyOf(servers);
    ports = ports.isEmpty() ? new EnumMap<>(ServerKind.class) : new EnumMap<>(ports);
  }

  /** Servers on free ports that die with this JVM: what tests use. */
  public static LocalStackOptions forTests(Path workDir, ServerKind first, ServerKind... rest) {
    return new LocalStackOptions(
        workDir,
        EnumSet.of(first, rest),
        Map.of(),
        false,
        S3_ACCESS_KEY_DEFAULT,
        S3_SECRET_KEY_DEFAULT);
  }

  public int portOf(ServerKind kind) {
    return ports.getOrDefault(kind, 0);
  }
}
