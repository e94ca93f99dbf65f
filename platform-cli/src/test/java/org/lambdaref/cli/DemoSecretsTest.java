package org.lambdaref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.SparkJvm;

/**
 * The first command of the README, end to end in a JVM of its own (small sizes): the demo runs the
 * whole lambda stack and ends with a merged answer, and no configured secret appears in its output
 * or in any file it leaves behind (logs, metrics, server logs, tables' logs).
 */
class DemoSecretsTest {

  @TempDir Path root;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void theDemoRunsTheWholeStackAndWritesNoSecretAnywhere() throws Exception {
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("platform.jdbc.password", "pg-S3cr3t-5521");
    secrets.put("platform.serving.auth-token", "tok-S3cr3t-9904");
    secrets.put("platform.dynamodb.secret-key", "dyn-S3cr3t-7731");
    Map<String, String> conf = new LinkedHashMap<>(secrets);
    conf.put("platform.work-dir", root.resolve("work").toString());
    conf.put("platform.local-stack.mode", "embedded");
    for (String server : List.of("kafka", "dynamodb", "s3", "postgres")) {
      conf.put("platform.local-stack.ports." + server, Integer.toString(freePort()));
    }
    List<String> command =
        new ArrayList<>(
            SparkJvm.command(SparkJvm.testClasspath(), LambdaCli.class.getName(), "-Xmx2g"));
    command.addAll(
        List.of(
            "demo",
            "--days",
            "1",
            "--events-per-day",
            "300",
            "--live-events",
            "300",
            "--live-rate",
            "300"));
    conf.forEach((k, v) -> command.addAll(List.of("--conf", k + "=" + v)));
    Path output = root.resolve("demo-output.txt");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process demo = pb.start();
    if (!demo.waitFor(8, TimeUnit.MINUTES)) {
      demo.destroyForcibly();
      throw new AssertionError("the demo did not finish in 8 minutes; see " + output);
    }
    String out = Files.readString(output);
    assertThat(demo.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("Serving layer: GET /v1/places/")
        .contains("| speed")
        .contains("counted exactly once");

    List<String> all = new ArrayList<>(secrets.values());
    all.add(LocalStackOptions.S3_SECRET_KEY_DEFAULT);
    List<String> leaks = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (Files.size(f) > 50_000_000
            || f.toString().endsWith(".parquet")
            || f.toString().endsWith(".gz")) {
          continue; // data files hold generated events, not configuration
        }
        if (f.getFileName().toString().equals("s3proxy.properties")) {
          // the S3 server's own key store must hold its key; it may be read by its owner only
          assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
              .as(f + " permissions")
              .isEqualTo("rw-------");
          continue;
        }
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String secret : all) {
          if (text.contains(secret)) {
            leaks.add(root.relativize(f) + " contains " + secret.substring(0, 4) + "...");
          }
        }
      }
    }
    assertThat(leaks).as("files holding a configured secret").isEmpty();
  }
}
