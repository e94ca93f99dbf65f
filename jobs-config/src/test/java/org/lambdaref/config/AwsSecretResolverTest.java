package org.lambdaref.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lambdaref.model.PlatformException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The resolution path of secret references, through the real SDK clients, against an in-process
 * stub that speaks the two services' wire protocol as the SDK sends it (no local server speaks
 * Secrets Manager or SSM here: the local stack has Kafka, DynamoDB Local, S3Proxy and PostgreSQL).
 *
 * <p>What the stub holds the SDK to, and answers, is the AWS JSON 1.1 protocol of both services: a
 * POST to {@code /} with {@code Content-Type: application/x-amz-json-1.1}, the operation in {@code
 * X-Amz-Target} ({@code secretsmanager.GetSecretValue}, {@code AmazonSSM.GetParameter}), a SigV4
 * {@code Authorization} scoped to the region and the service, the request members as JSON ({@code
 * SecretId}; {@code Name}, {@code WithDecryption}); success as the response members ({@code
 * SecretString}; {@code Parameter.Value}); an unknown secret as HTTP 400 with {@code {"__type":
 * "ResourceNotFoundException"}} or {@code "ParameterNotFound"} (Secrets Manager API reference,
 * GetSecretValue, "Errors"; Systems Manager API reference, GetParameter, "Errors"; AWS JSON 1.1
 * error shape: the {@code __type} member names the error code). A SecureString read without {@code
 * WithDecryption} comes back encrypted, as the real one returns it.
 *
 * <p>Not tested here: IAM (AccessDenied is only worded), KMS decryption, the real endpoints' TLS,
 * the instance profile's credentials, secret rotation.
 */
class AwsSecretResolverTest {

  private static final String REGION = "ap-northeast-2";
  private static final String PASSWORD = "pw-7f3c-do-not-log";
  private static final String RDS_ARN =
      "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:prod/serving-db-AbCdEf";
  private static final Map<String, String> SECRETS =
      Map.of(
          "prod/db-password",
          PASSWORD,
          RDS_ARN,
          "{\"username\":\"lambda\",\"password\":\""
              + PASSWORD
              + "-rds\",\"engine\":\"postgres\"}");
  private static final Map<String, String> PARAMETERS =
      Map.of("/lambda/prod/jdbc", PASSWORD + "-ssm");

  private static HttpServer server;
  private static final List<String> REQUESTS = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", AwsSecretResolverTest::handle);
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      REQUESTS.add(target);
      String service = target != null && target.startsWith("AmazonSSM.") ? "ssm" : "secretsmanager";
      if (!exchange.getRequestMethod().equals("POST")
          || !exchange.getRequestURI().getPath().equals("/")
          || !"application/x-amz-json-1.1".equals(type)
          || auth == null
          || !auth.startsWith("AWS4-HMAC-SHA256 Credential=AKIDSTUB/")
          || !auth.contains("/" + REGION + "/" + service + "/aws4_request")) {
        reply(exchange, 400, "{\"__type\":\"InvalidSignatureException\",\"message\":\"stub\"}");
        return;
      }
      Map<String, JsonNode> body =
          JsonNode.parser()
              .parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
              .asObject();
      if ("secretsmanager.GetSecretValue".equals(target)) {
        String id = body.get("SecretId").asString();
        String secret = SECRETS.get(id);
        if (secret == null) {
          reply(
              exchange,
              400,
              "{\"__type\":\"ResourceNotFoundException\",\"Message\":\"Secrets Manager can't find the specified secret.\"}");
          return;
        }
        reply(
            exchange,
            200,
            "{\"ARN\":\"arn:aws:secretsmanager:"
                + REGION
                + ":123456789012:secret:"
                + id
                + "\",\"Name\":\""
                + id
                + "\",\"SecretString\":"
                + quote(secret)
                + ",\"VersionId\":\"v1\",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7E9}");
      } else if ("AmazonSSM.GetParameter".equals(target)) {
        String name = body.get("Name").asString();
        String value = PARAMETERS.get(name);
        if (value == null) {
          reply(exchange, 400, "{\"__type\":\"ParameterNotFound\"}");
          return;
        }
        boolean decrypt =
            body.containsKey("WithDecryption") && body.get("WithDecryption").asBoolean();
        reply(
            exchange,
            200,
            "{\"Parameter\":{\"Name\":\""
                + name
                + "\",\"Type\":\"SecureString\",\"Value\":"
                + quote(decrypt ? value : "AQICAHh-encrypted")
                + ",\"Version\":1}}");
      } else {
        reply(exchange, 400, "{\"__type\":\"UnknownOperationException\"}");
      }
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().set("x-amzn-RequestId", "stub-request");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static AwsSecretResolver resolver() {
    return new AwsSecretResolver(
        new SecretSettings(REGION, endpoint(), endpoint(), ""),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSTUB", "stub-secret")));
  }

  @Test
  void referencesResolveToTheStoredSecret() {
    try (AwsSecretResolver r = resolver()) {
      assertThat(r.resolve("platform.jdbc.password-secret", "secretsmanager:prod/db-password"))
          .isEqualTo(PASSWORD);
      assertThat(r.resolve("platform.jdbc.password-secret", RDS_ARN))
          .as("an RDS-style JSON secret gives its password field")
          .isEqualTo(PASSWORD + "-rds");
      assertThat(r.resolve("platform.jdbc.password-secret", "ssm:/lambda/prod/jdbc"))
          .as("decrypted: the request asks WithDecryption")
          .isEqualTo(PASSWORD + "-ssm");
    }
  }

  @Test
  void anUnknownSecretIsRefusedAsTheServiceRefusesIt() {
    try (AwsSecretResolver r = resolver()) {
      assertThatThrownBy(
              () -> r.resolve("platform.jdbc.password-secret", "secretsmanager:prod/nope"))
          .isInstanceOf(PlatformException.class)
          .hasMessageContaining("platform.jdbc.password-secret")
          .hasMessageContaining("secretsmanager:prod/nope")
          .hasMessageContaining("ResourceNotFoundException");
      assertThatThrownBy(() -> r.resolve("platform.jdbc.password-secret", "ssm:/lambda/nope"))
          .isInstanceOf(PlatformException.class)
          .hasMessageContaining("ParameterNotFound");
      assertThatThrownBy(() -> r.resolve("platform.jdbc.password-secret", "vault:db"))
          .isInstanceOf(PlatformException.class)
          .hasMessageContaining("a secret reference");
    }
  }

  @Command(name = "job")
  static final class Job implements Runnable {
    @Mixin ConfigOptions config;

    @Override
    public void run() {}
  }

  /**
   * The driver's start-up: the reference in the configuration, resolved once for the serving
   * database and the source database that inherits it, and shown nowhere.
   */
  @Test
  void theDriverResolvesTheReferenceAtLoadAndShowsItNowhere() {
    Job job = new Job();
    new CommandLine(job)
        .parseArgs(
            "--conf", "platform.jdbc.password-secret=secretsmanager:prod/db-password",
            "--conf", "platform.secrets.region=" + REGION,
            "--conf", "platform.secrets.secretsmanager-endpoint=" + endpoint());
    System.setProperty("aws.accessKeyId", "AKIDSTUB");
    System.setProperty("aws.secretAccessKey", "stub-secret");
    REQUESTS.clear();
    PlatformConfig config;
    try {
      config = job.config.load();
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
    assertThat(config.jdbc().password()).isEqualTo(PASSWORD);
    assertThat(config.sourceDb().connection().password()).isEqualTo(PASSWORD);
    assertThat(REQUESTS)
        .as("one request for both")
        .containsExactly("secretsmanager.GetSecretValue");
    assertThat(config.toString())
        .doesNotContain(PASSWORD)
        .contains("passwordSecret=secretsmanager:prod/db-password");
    assertThat(config.raw().root().render()).doesNotContain(PASSWORD);
    assertThat(job.config.loadUnresolved().jdbc().password())
        .as("the commands that only render steps ask nothing")
        .isEmpty();
  }
}
