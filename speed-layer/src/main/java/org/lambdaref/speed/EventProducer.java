package org.lambdaref.speed;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.lambdaref.model.PlatformException;

/**
 * Sends raw event lines to the place event topic, keyed by {@code place_id} so that one place's
 * events stay in order on one partition. Idempotent producer with {@code acks=all}: a retried send
 * is not written twice by the broker, and an acknowledged record survives a broker failure.
 */
public final class EventProducer implements AutoCloseable {

  private static final Pattern PLACE_ID =
      Pattern.compile("\"place_id\"\\s*:\\s*\"([^\"]{1,128})\"");

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public EventProducer(String bootstrapServers, String topic) {
    this(bootstrapServers, topic, Map.of());
  }

  /** With the client settings of {@code KafkaSettings.clientProperties()} (TLS, MSK IAM). */
  public EventProducer(
      String bootstrapServers, String topic, Map<String, String> clientProperties) {
    this.topic = topic;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // small batches for latency, compressed for the broker's disk and the network
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.putAll(clientProperties);
    this.producer = new KafkaProducer<>(p);
  }

  /** Sends asynchronously; a failed send is reported by {@link #flush}. */
  public void send(String line) {
    throwIfFailed();
    producer.send(
        new ProducerRecord<>(topic, placeIdOf(line), line),
        (metadata, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          } else {
            acknowledged.incrementAndGet();
          }
        });
  }

  /** Waits until every record sent so far is acknowledged, or fails with the first error. */
  public long flush() {
    producer.flush();
    throwIfFailed();
    return acknowledged.get();
  }

  static String placeIdOf(String line) {
    Matcher m = PLACE_ID.matcher(line);
    return m.find() ? m.group(1) : null;
  }

  private void throwIfFailed() {
    Exception e = failure.get();
    if (e != null) {
      throw new PlatformException(
          "Sending to Kafka topic '" + topic + "' failed",
          String.valueOf(e),
          "check that the broker is up ('bin/lambda local status') and the topic exists",
          e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }

  /** Unused records in flight when the producer is closed early are not acknowledged. */
  public long acknowledged() {
    return acknowledged.get();
  }

  static void pause(long nanos) {
    if (nanos > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(nanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
