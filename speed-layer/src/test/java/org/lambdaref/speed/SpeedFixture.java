package org.lambdaref.speed;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.localstack.StackEndpoints;
import org.lambdaref.model.EventValidator;
import org.lambdaref.model.PlaceEvent;
import org.lambdaref.model.ValidationResult;

/**
 * Shared by the speed-layer tests: configuration on a test stack, topics, and the expected counts.
 */
final class SpeedFixture {

  static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");

  private SpeedFixture() {}

  /** Configuration pointing at the stack, with its own topic, counters table and folders. */
  static Map<String, String> overrides(StackEndpoints stack, Path root, String name) {
    Map<String, String> o = new LinkedHashMap<>(stack.configOverrides());
    o.put("platform.storage.root", root.resolve("lake").toString());
    o.put("platform.work-dir", root.resolve("work").toString());
    o.put("platform.timezone", SEOUL.getId());
    o.put("platform.kafka.topic", name);
    o.put("platform.dynamodb.counters-table", name);
    o.put("platform.speed.checkpoint-dir", root.resolve("checkpoints").toString());
    o.put("platform.speed.starting-offsets", "earliest");
    o.put("platform.speed.trigger-interval", "1s");
    o.put("platform.speed.restart-backoff", "1s");
    // a killed speed JVM's lease expires quickly, so that the next start of a test does not wait
    // long
    o.put("platform.speed.writer-lease-ttl", "3s");
    return o;
  }

  static PlatformConfig config(Map<String, String> overrides, Path root) {
    return ConfigLoader.load("local", overrides, Map.of(), root);
  }

  static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  static void send(PlatformConfig config, List<String> lines) {
    try (EventProducer producer =
        new EventProducer(config.kafka().bootstrapServers(), config.kafka().topic())) {
      lines.forEach(producer::send);
      producer.flush();
    }
  }

  /** One JSON event line. */
  static String event(String id, Instant eventTime, String place, String user, String action) {
    return "{\"event_id\":\""
        + id
        + "\",\"event_time\":\""
        + eventTime
        + "\",\"processing_time\":\""
        + Instant.now()
        + "\",\"table_name\":\"place_event\",\"records\":{\"place_id\":\""
        + place
        + "\",\"user_id\":\""
        + user
        + "\",\"action\":\""
        + action
        + "\"}}";
  }

  /** Expected counters, "place|action|hour" -> events: valid lines, first copy of each event id. */
  static Map<String, Long> truth(PlatformConfig config, List<String> sent) {
    EventValidator validator = new EventValidator(config.eventSource().validationRules());
    Set<String> seen = new HashSet<>();
    Map<String, Long> counts = new TreeMap<>();
    for (String line : sent) {
      if (validator.validate(line) instanceof ValidationResult.Valid v
          && seen.add(v.event().eventId())) {
        PlaceEvent e = v.event();
        counts.merge(
            key(
                e.placeId(),
                e.action().wireName(),
                HotRecordClassifier.hourBucket(e.eventTime(), config.timezone())),
            1L,
            Long::sum);
      }
    }
    return counts;
  }

  static Map<String, Long> asMap(List<CounterStore.Counter> counters) {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach(c -> out.merge(key(c.placeId(), c.action(), c.hour()), c.count(), Long::sum));
    return out;
  }

  static String key(String place, String action, Instant hour) {
    return place + "|" + action + "|" + hour;
  }

  /** Valid, duplicated, late and malformed lines for a few places and two actions. */
  static List<String> mixedTraffic(String prefix, int events, Instant now, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      Instant when =
          random.nextInt(10) == 0
              ? now.minusSeconds(3600L * (2 + random.nextInt(30))) // late: hours or a day behind
              : now.minusMillis(random.nextLong(60_000));
      String line =
          event(
              prefix + "-" + i,
              when,
              "p-" + random.nextInt(7),
              "u-" + random.nextInt(50),
              random.nextInt(4) == 0 ? "click" : "impression");
      lines.add(line);
      if (random.nextInt(20) == 0) {
        lines.add(line); // a producer retry: same event id
      }
      if (random.nextInt(50) == 0) {
        lines.add(line.substring(0, 30)); // truncated
      }
      if (random.nextInt(80) == 0) {
        lines.add(
            line.replace("\"impression\"", "\"purchase\"").replace("\"click\"", "\"purchase\""));
      }
    }
    return lines;
  }
}
