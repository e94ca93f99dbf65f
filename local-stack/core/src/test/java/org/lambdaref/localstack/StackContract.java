package org.lambdaref.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What every way of providing the services must do: each one answers a real client. Run against the
 * embedded servers here and against containers where Docker exists.
 */
abstract class StackContract {

  abstract StackEndpoints stack();

  @Test
  void kafkaBrokerRoundTripsARecord() throws Exception {
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack().kafkaBootstrapServers());
    try (Admin client = Admin.create(admin)) {
      client
          .createTopics(List.of(new NewTopic("smoke", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack().kafkaBootstrapServers());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("smoke", "p-1", "hello")).get(30, TimeUnit.SECONDS);
    }
    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack().kafkaBootstrapServers());
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "smoke");
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("smoke"));
      String value = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (value == null && System.nanoTime() < deadline) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
          value = records.iterator().next().value();
        }
      }
      assertThat(value).isEqualTo("hello");
    }
  }

  @Test
  void kafkaRefusesUnknownTopicsInsteadOfCreatingThem() throws Exception {
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack().kafkaBootstrapServers());
    try (Admin client = Admin.create(admin)) {
      assertThat(client.listTopics().names().get(30, TimeUnit.SECONDS))
          .doesNotContain("never_created");
    }
  }

  @Test
  void dynamoDbLocalCreatesATableAndCountsAdditively() {
    try (DynamoDbClient dynamo =
        DynamoDbClient.builder()
            .endpointOverride(URI.create(stack().dynamoDbEndpoint()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      dynamo.createTable(
          b ->
              b.tableName("smoke")
                  .keySchema(
                      KeySchemaElement.builder().attributeName("k").keyType(KeyType.HASH).build())
                  .attributeDefinitions(
                      AttributeDefinition.builder()
                          .attributeName("k")
                          .attributeType(ScalarAttributeType.S)
                          .build())
                  .billingMode(BillingMode.PAY_PER_REQUEST));
      for (int i = 0; i < 3; i++) {
        dynamo.updateItem(
            b ->
                b.tableName("smoke")
                    .key(Map.of("k", AttributeValue.fromS("p-1")))
                    .updateExpression("ADD cnt :d")
                    .expressionAttributeValues(Map.of(":d", AttributeValue.fromN("2"))));
      }
      String count =
          dynamo
              .getItem(b -> b.tableName("smoke").key(Map.of("k", AttributeValue.fromS("p-1"))))
              .item()
              .get("cnt")
              .n();
      assertThat(count).isEqualTo("6");
    }
  }

  @Test
  void s3ServerStoresObjectsAndChecksCredentials() {
    try (S3Client s3 = s3Client(stack().s3SecretKey())) {
      s3.createBucket(b -> b.bucket("lake"));
      s3.putObject(
          b -> b.bucket("lake").key("datasource/a.json"), RequestBody.fromString("{\"a\":1}"));
      String body =
          s3.getObjectAsBytes(b -> b.bucket("lake").key("datasource/a.json")).asUtf8String();
      assertThat(body).isEqualTo("{\"a\":1}");
    }
    try (S3Client wrongSecret = s3Client("not-the-secret")) {
      assertThatThrownBy(() -> wrongSecret.listBuckets())
          .as("the server checks SigV4 signatures")
          .isInstanceOf(S3Exception.class)
          .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
    }
  }

  @Test
  void postgresAnswersSql() throws Exception {
    try (Connection connection =
            DriverManager.getConnection(
                stack().jdbcUrl(), stack().jdbcUser(), stack().jdbcPassword());
        Statement statement = connection.createStatement()) {
      statement.execute("create table smoke (id int primary key, name text)");
      statement.execute("insert into smoke values (1, 'place')");
      try (ResultSet rs = statement.executeQuery("select name, version() from smoke")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("place");
        assertThat(rs.getString(2)).startsWith("PostgreSQL");
      }
    }
  }

  private S3Client s3Client(String secret) {
    return S3Client.builder()
        .endpointOverride(URI.create(stack().s3Endpoint()))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(stack().s3AccessKey(), secret)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}
