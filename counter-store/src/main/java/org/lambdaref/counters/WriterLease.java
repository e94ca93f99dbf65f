package org.lambdaref.counters;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.lambdaref.config.DynamoDbSettings;
import org.lambdaref.model.PlatformException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * One writer at a time for a role on a resource (the speed query on a counters table, batch
 * applications on a lake): a lease item in the counters table, taken with a conditional write,
 * renewed while the holder runs and deleted when it stops.
 *
 * <p>A second writer is refused at start with a message naming the holder. A holder that crashed
 * stops renewing: once its lease has expired the next start takes it over. A start that finds a
 * lease still valid watches it for one renewal interval first, so that a crashed holder's restart
 * waits out the lease instead of failing, while a live holder is recognised by its renewal and
 * refused at once. Lease items use a partition key that no place id can have (it holds a space), so
 * they never mix with counters.
 *
 * <p>Expiry is judged by the clocks of the machines involved (as every lease is): keep the TTL well
 * above any clock skew between them and any pause of the holder (a long GC), and see {@link
 * #fence()} for how counter writes are tied to the lease so that a paused holder that lost it
 * cannot write after a takeover.
 */
public final class WriterLease implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WriterLease.class);

  /** The partition key of every lease item: not a valid place id (ids have no spaces). */
  static final String LEASE_PK = "writer lease";

  static final String TOKEN = "lease_token";
  static final String HOLDER = "holder";
  static final String EXPIRES = "expires_at";
  static final String RENEWED = "renewed_at";

  /** What a lease item says about its holder. */
  public record Holder(String description, Instant expiresAt, Instant renewedAt) {}

  private final DynamoDbClient client;
  private final boolean ownsClient;
  private final String table;
  private final String resource;
  private final String token = UUID.randomUUID().toString();
  private final String description;
  private final Duration ttl;
  private final Clock clock;
  private final AtomicBoolean lost = new AtomicBoolean();
  private final AtomicLong validUntilMillis = new AtomicLong();
  private final ScheduledExecutorService renewer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "writer-lease-renewer");
            t.setDaemon(true);
            return t;
          });
  private volatile Runnable onLost = () -> {};

  private WriterLease(
      DynamoDbClient client,
      boolean ownsClient,
      String table,
      String resource,
      String description,
      Duration ttl,
      Clock clock) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.table = table;
    this.resource = resource;
    this.description = description;
    this.ttl = ttl;
    this.clock = clock;
  }

  /**
   * Takes the lease of {@code role} on {@code resource} in the counters table of {@code settings},
   * or fails naming the writer that holds it. Renews it every third of {@code ttl} until closed.
   */
  public static WriterLease acquire(
      DynamoDbSettings settings, String role, String resource, Duration ttl) {
    WriterLease lease =
        new WriterLease(
            DynamoDbCounterStore.client(settings),
            true,
            settings.countersTable(),
            role + "#" + resource,
            role + " writer " + whoAmI(),
            ttl,
            Clock.systemUTC());
    try {
      lease.take();
    } catch (ResourceNotFoundException e) {
      lease.closeClient();
      throw new PlatformException(
          "The writer lease of "
              + role
              + " on "
              + resource
              + " cannot be taken: DynamoDB table '"
              + settings.countersTable()
              + "' does not exist"
              + at(settings),
          "the lease that keeps one " + role + " writer at a time lives in the counters table",
          "create it: 'bin/lambda local up' does locally, deploy-emr on AWS (key pk S + sk S)",
          e);
    } catch (SdkClientException e) {
      lease.closeClient();
      throw new PlatformException(
          "The writer lease of "
              + role
              + " on "
              + resource
              + " cannot be taken: DynamoDB is not reachable"
              + at(settings),
          String.valueOf(e.getMessage())
              + "; the lease that keeps one "
              + role
              + " writer at a time lives there",
          "start it ('bin/lambda local up' locally) or check platform.dynamodb.endpoint / region and credentials",
          e);
    } catch (RuntimeException e) {
      lease.closeClient();
      throw e;
    }
    return lease;
  }

  private static String at(DynamoDbSettings settings) {
    return settings.endpoint().isBlank()
        ? " (AWS, " + settings.region() + ")"
        : " at " + settings.endpoint();
  }

  /** "host pid N, started at ..." of this JVM, for the message a refused writer reads. */
  static String whoAmI() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "unknown-host";
    }
    return "on "
        + host
        + " (pid "
        + ProcessHandle.current().pid()
        + ", started "
        + Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime())
        + ")";
  }

  private Map<String, AttributeValue> key() {
    return Map.of(
        DynamoDbCounterStore.PK,
        AttributeValue.fromS(LEASE_PK),
        DynamoDbCounterStore.SK,
        AttributeValue.fromS(resource));
  }

  private void take() {
    Duration interval = renewInterval();
    long watchUntil = System.nanoTime() + ttl.plus(interval).toNanos();
    Optional<Holder> first = Optional.empty();
    while (true) {
      if (tryPut()) {
        break;
      }
      Optional<Holder> now = holder();
      if (now.isEmpty()) {
        continue; // released between the two calls
      }
      if (first.isEmpty()) {
        first = now;
        LOG.info(
            "{} is held by {} until {}; waiting up to {} to see whether it is still renewed",
            resource,
            now.get().description(),
            now.get().expiresAt(),
            ttl.plus(interval));
      } else if (!now.get().renewedAt().equals(first.get().renewedAt())
          || System.nanoTime() > watchUntil) {
        throw refused(now.get());
      }
      sleep(Duration.ofMillis(Math.max(100, interval.toMillis() / 4)));
    }
    validUntilMillis.set(System.currentTimeMillis() + ttl.toMillis());
    LOG.info("took the writer lease of {} ({}, ttl {})", resource, description, ttl);
    renewer.scheduleWithFixedDelay(
        this::renew, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private PlatformException refused(Holder h) {
    String[] parts = resource.split("#", 2);
    return new PlatformException(
        "Another "
            + parts[0]
            + " writer holds "
            + parts[1]
            + ": "
            + h.description()
            + ", renewed at "
            + h.renewedAt()
            + ", valid until "
            + h.expiresAt(),
        "one writer at a time: a second "
            + parts[0]
            + " writer on the same "
            + (parts[0].equals("speed")
                ? "counters table would count a retried micro-batch twice"
                : "lake would commit to the same Delta tables concurrently, which Delta's default S3 log store does not make safe"),
        "stop the other writer first (it releases the lease when it ends); if it crashed, its lease expires by "
            + h.expiresAt()
            + " (platform.leases.ttl) and a new start takes it over; run periods in parallel inside one"
            + " application with --parallelism");
  }

  private boolean tryPut() {
    long now = clock.millis();
    try {
      client.putItem(
          b ->
              b.tableName(table)
                  .item(
                      Map.of(
                          DynamoDbCounterStore.PK,
                          AttributeValue.fromS(LEASE_PK),
                          DynamoDbCounterStore.SK,
                          AttributeValue.fromS(resource),
                          TOKEN,
                          AttributeValue.fromS(token),
                          HOLDER,
                          AttributeValue.fromS(description),
                          EXPIRES,
                          AttributeValue.fromN(Long.toString(now + ttl.toMillis())),
                          RENEWED,
                          AttributeValue.fromN(Long.toString(now))))
                  .conditionExpression(
                      "attribute_not_exists("
                          + DynamoDbCounterStore.PK
                          + ") OR "
                          + EXPIRES
                          + " < :now")
                  .expressionAttributeValues(
                      Map.of(":now", AttributeValue.fromN(Long.toString(now)))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** The current holder of this lease's item, if any. */
  public Optional<Holder> holder() {
    GetItemResponse r = client.getItem(b -> b.tableName(table).key(key()).consistentRead(true));
    if (!r.hasItem() || r.item().isEmpty()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> item = r.item();
    return Optional.of(
        new Holder(
            item.get(HOLDER).s(),
            Instant.ofEpochMilli(Long.parseLong(item.get(EXPIRES).n())),
            Instant.ofEpochMilli(Long.parseLong(item.get(RENEWED).n()))));
  }

  private Duration renewInterval() {
    return ttl.dividedBy(3);
  }

  private void renew() {
    if (lost.get()) {
      return;
    }
    long now = clock.millis();
    try {
      client.updateItem(
          b ->
              b.tableName(table)
                  .key(key())
                  .updateExpression("SET " + EXPIRES + " = :exp, " + RENEWED + " = :now")
                  .conditionExpression(TOKEN + " = :me")
                  .expressionAttributeValues(
                      Map.of(
                          ":exp", AttributeValue.fromN(Long.toString(now + ttl.toMillis())),
                          ":now", AttributeValue.fromN(Long.toString(now)),
                          ":me", AttributeValue.fromS(token))));
      validUntilMillis.set(System.currentTimeMillis() + ttl.toMillis());
    } catch (ConditionalCheckFailedException e) {
      markLost("another writer took it over");
    } catch (RuntimeException e) {
      // DynamoDB unreachable: not lost, only unconfirmed. Past its expiry by our clock, held() is
      // false and this writer's own writes wait (the counter writes fail anyway); once DynamoDB
      // answers again, the next renewal tells whether another writer took it over meanwhile
      LOG.warn(
          "could not renew the writer lease of {} ({}); {}",
          resource,
          e.getMessage(),
          held()
              ? "retrying"
              : "it has expired by this clock: writes wait until a renewal confirms it");
    }
  }

  private void markLost(String why) {
    if (lost.compareAndSet(false, true)) {
      LOG.error("lost the writer lease of {}: {}; this writer stops", resource, why);
      onLost.run();
    }
  }

  /**
   * Called once, on the renewer thread, if the lease is lost (taken over, or not renewed in time).
   */
  public void onLost(Runnable action) {
    this.onLost = action;
  }

  /** True once another writer took the lease over: this writer must stop for good. */
  public boolean lost() {
    return lost.get();
  }

  /** True while the lease is ours and not expired by this JVM's clock. */
  public boolean held() {
    return !lost.get() && System.currentTimeMillis() < validUntilMillis.get();
  }

  /**
   * A condition on the lease item that a counter transaction includes: the whole transaction is
   * cancelled unless this writer still holds the lease, so a holder that paused past its expiry and
   * lost the lease cannot add to counters another writer now owns.
   */
  public ConditionCheck fence() {
    return ConditionCheck.builder()
        .tableName(table)
        .key(key())
        .conditionExpression(TOKEN + " = :lease_token")
        .expressionAttributeValues(Map.of(":lease_token", AttributeValue.fromS(token)))
        .build();
  }

  /** A readable name of the lease, for errors. */
  public String resource() {
    return resource;
  }

  /** Stops renewing and deletes the lease item if it is still ours. */
  @Override
  public void close() {
    renewer.shutdownNow();
    if (!lost.get()) {
      try {
        client.deleteItem(
            b ->
                b.tableName(table)
                    .key(key())
                    .conditionExpression(TOKEN + " = :me")
                    .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(token))));
        LOG.info("released the writer lease of {}", resource);
      } catch (ConditionalCheckFailedException e) {
        // taken over already
      } catch (RuntimeException e) {
        LOG.warn(
            "could not release the writer lease of {} (it expires by itself): {}",
            resource,
            e.getMessage());
      }
    }
    closeClient();
  }

  private void closeClient() {
    if (ownsClient) {
      client.close();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a writer lease", e);
    }
  }
}
