package org.lambdaref.counters;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.lambdaref.config.DynamoDbSettings;
import org.lambdaref.model.PlatformException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Counters in a DynamoDB table with key {@code pk = place_id}, {@code sk = action#hour} (the hour
 * as an ISO instant, so that one action's hours sort by time and a range is one Query).
 *
 * <p>Each delta is one additive {@code UpdateItem}: {@code ADD cnt :d SET last_batch_id = :b,
 * query_id = :q}, on the condition that the item has not seen this batch of this query ({@code
 * attribute_not_exists(last_batch_id) OR query_id <> :q OR last_batch_id < :b}). A retried
 * micro-batch therefore changes only the keys its first attempt did not reach. A new query (a
 * replay from a fresh checkpoint) starts its batch ids at 0 again; the query id tells them apart.
 *
 * <p>Writes retry with backoff while DynamoDB is unreachable or throttling, or cancels a
 * transaction for throttling or a conflict, up to {@code platform.dynamodb.retry-deadline} per
 * write; then the micro-batch fails with a {@link PlatformException} and the query restarts from
 * its checkpoint.
 */
public final class DynamoDbCounterStore implements CounterStore {

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbCounterStore.class);

  static final String PK = "pk";
  static final String SK = "sk";
  static final String COUNT = "cnt";
  static final String LAST_BATCH = "last_batch_id";
  static final String QUERY = "query_id";

  /**
   * A partition key no place has (ids are printable without spaces): the warm-up read finds
   * nothing.
   */
  static final String WARM_UP_KEY = "warm up";

  // kept short: the key already says place, action and hour, and every extra attribute costs
  // request size and (on DynamoDB Local) parse time
  private static final String ADD_EXPRESSION =
      "ADD " + COUNT + " :d SET " + LAST_BATCH + " = :b, " + QUERY + " = :q";
  private static final String ADD_CONDITION =
      "attribute_not_exists(" + LAST_BATCH + ") OR " + QUERY + " <> :q OR " + LAST_BATCH + " < :b";

  private final DynamoDbClient client;
  private final DynamoDbSettings settings;
  private final ExecutorService writers;
  private final BatchFault fault;
  private volatile WriterLease lease;

  /** Called after each counter write; the crash tests use it to stop between two writes. */
  @FunctionalInterface
  public interface BatchFault {
    void afterWrite(long batchId, int writesSoFar);

    BatchFault NONE = (batchId, writes) -> {};
  }

  public DynamoDbCounterStore(DynamoDbSettings settings, int writers) {
    this(settings, writers, BatchFault.NONE);
  }

  public DynamoDbCounterStore(DynamoDbSettings settings, int writers, BatchFault fault) {
    this(settings, client(settings), writers, fault);
  }

  private DynamoDbCounterStore(
      DynamoDbSettings settings, DynamoDbClient client, int writers, BatchFault fault) {
    this.settings = settings;
    this.client = client;
    this.writers = Executors.newFixedThreadPool(writers, daemon("dynamodb-counter-writer"));
    this.fault = fault;
  }

  /**
   * A store for a request path (the serving layer): every read, retries included, ends within
   * {@code readTimeout}, so that an outage costs a request that long and no more. The connection
   * itself may take up to {@code warmUpTimeout}: {@link #warmUp} opens it once at start (DNS, TLS,
   * credentials), and a later read that has to open a new one is still cut at {@code readTimeout}
   * by the SDK's own call timeouts.
   */
  public static DynamoDbCounterStore forReads(
      DynamoDbSettings settings, Duration readTimeout, Duration warmUpTimeout) {
    Duration backoff = readTimeout.dividedBy(5);
    DynamoDbSettings bounded =
        new DynamoDbSettings(
            settings.endpoint(),
            settings.region(),
            settings.countersTable(),
            settings.accessKey(),
            settings.secretKey(),
            backoff,
            backoff,
            readTimeout,
            settings.counterBatchSize());
    // two attempts fit in one read: a single reset connection is retried, not reported
    return new DynamoDbCounterStore(
        bounded,
        client(bounded, warmUpTimeout, readTimeout.dividedBy(2), readTimeout),
        1,
        BatchFault.NONE);
  }

  static DynamoDbClient client(DynamoDbSettings settings) {
    Duration attempt = Duration.ofSeconds(10);
    return client(settings, Duration.ofSeconds(2), attempt, attempt.multipliedBy(3));
  }

  private static DynamoDbClient client(
      DynamoDbSettings settings,
      Duration connectionTimeout,
      Duration attemptTimeout,
      Duration callTimeout) {
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            .region(Region.of(settings.region()))
            // the connection's own bounds; the call timeouts below cut a request sooner
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(connectionTimeout)
                    .socketTimeout(
                        connectionTimeout.compareTo(attemptTimeout) > 0
                            ? connectionTimeout
                            : attemptTimeout)
                    .build())
            // the SDK's own retries stay within the same bound: a request path waits no longer
            .overrideConfiguration(
                c ->
                    c.retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(attemptTimeout)
                        .apiCallTimeout(callTimeout));
    if (!settings.endpoint().isBlank()) {
      builder.endpointOverride(URI.create(settings.endpoint()));
    }
    builder.credentialsProvider(
        settings.hasStaticCredentials()
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
            : DefaultCredentialsProvider.builder().build());
    return builder.build();
  }

  /**
   * One read of the counters table within {@code within} instead of the per-read bound: the first
   * request of a process pays for the connection, DNS, TLS and (on AWS) fetching credentials.
   */
  @Override
  public void warmUp(Duration within) {
    client.query(
        QueryRequest.builder()
            .tableName(settings.countersTable())
            .keyConditionExpression(PK + " = :p")
            .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(WARM_UP_KEY)))
            .limit(1)
            .overrideConfiguration(o -> o.apiCallTimeout(within).apiCallAttemptTimeout(within))
            .build());
  }

  /** Creates the counters table (on-demand capacity) unless it exists. */
  public void createTableIfMissing() {
    try {
      client.createTable(
          b ->
              b.tableName(settings.countersTable())
                  .keySchema(
                      KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build(),
                      KeySchemaElement.builder().attributeName(SK).keyType(KeyType.RANGE).build())
                  .attributeDefinitions(
                      AttributeDefinition.builder()
                          .attributeName(PK)
                          .attributeType(ScalarAttributeType.S)
                          .build(),
                      AttributeDefinition.builder()
                          .attributeName(SK)
                          .attributeType(ScalarAttributeType.S)
                          .build())
                  .billingMode(BillingMode.PAY_PER_REQUEST));
    } catch (ResourceInUseException e) {
      // exists already
    }
  }

  /** Fails with a clear message when the table is missing or DynamoDB cannot be reached. */
  public void describeTable() {
    withRetry(
        "describe table " + settings.countersTable(),
        () -> client.describeTable(b -> b.tableName(settings.countersTable())));
  }

  static String sortKey(String action, Instant hour) {
    return action + "#" + hour;
  }

  @Override
  public AddResult add(List<Delta> deltas, String queryId, long batchId) {
    CounterArguments.checkAdd(deltas, queryId, batchId);
    AtomicInteger applied = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    AtomicInteger writes = new AtomicInteger();
    List<Future<?>> pending = new ArrayList<>();
    WriterLease lease = this.lease;
    checkWriter();
    // fenced: every write is a transaction that also checks the lease item (100 items at most)
    int chunkSize =
        lease == null ? settings.counterBatchSize() : Math.min(settings.counterBatchSize(), 99);
    for (int start = 0; start < deltas.size(); start += chunkSize) {
      List<Delta> chunk = deltas.subList(start, Math.min(deltas.size(), start + chunkSize));
      pending.add(
          writers.submit(
              () -> {
                int done =
                    chunk.size() == 1 && lease == null
                        ? (withRetry(
                                "add to counter " + describe(chunk.get(0)) + " of batch " + batchId,
                                () -> addOne(chunk.get(0), queryId, batchId))
                            ? 1
                            : 0)
                        : addChunk(chunk, queryId, batchId);
                applied.addAndGet(done);
                skipped.addAndGet(chunk.size() - done);
                fault.afterWrite(batchId, writes.addAndGet(chunk.size()));
                return null;
              }));
    }
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        pending.forEach(p -> p.cancel(true));
        throw new IllegalStateException(
            "interrupted while writing counters of batch " + batchId, e);
      } catch (ExecutionException e) {
        pending.forEach(p -> p.cancel(true));
        throw e.getCause() instanceof RuntimeException r
            ? r
            : new IllegalStateException(e.getCause());
      }
    }
    return new AddResult(applied.get(), skipped.get());
  }

  /**
   * Ties every later {@link #add} to {@code lease}: each counter transaction also checks that this
   * writer still holds it, so a writer that lost it (paused past its expiry, taken over) cannot add
   * to counters another writer now owns. Null removes the fence.
   */
  public void fenceWith(WriterLease lease) {
    this.lease = lease;
  }

  @Override
  public void checkWriter() {
    WriterLease l = lease;
    if (l != null && !l.held()) {
      throw lostLease(l, -1, null);
    }
  }

  private static PlatformException lostLease(WriterLease lease, long batchId, Exception cause) {
    return new PlatformException(
        "This speed writer no longer holds the writer lease of "
            + lease.resource()
            + (batchId < 0 ? "" : "; the counter writes of batch " + batchId + " were refused"),
        "another writer took it over, or it could not be renewed in time (a long pause, DynamoDB unreachable):"
            + " writing now could count what the new holder counts",
        "nothing to do for the counts, they stay exact; find out why this writer lost it (its log, GC pauses) and"
            + " make sure only one speed query runs on the counters table",
        cause);
  }

  private static String describe(Delta d) {
    return d.placeId() + "/" + sortKey(d.action(), d.hour());
  }

  private UpdateItemRequest update(Delta delta, String queryId, long batchId) {
    return UpdateItemRequest.builder()
        .tableName(settings.countersTable())
        .key(
            Map.of(
                PK,
                AttributeValue.fromS(delta.placeId()),
                SK,
                AttributeValue.fromS(sortKey(delta.action(), delta.hour()))))
        .updateExpression(ADD_EXPRESSION)
        .conditionExpression(ADD_CONDITION)
        .expressionAttributeValues(
            Map.of(
                ":d", AttributeValue.fromN(Long.toString(delta.count())),
                ":b", AttributeValue.fromN(Long.toString(batchId)),
                ":q", AttributeValue.fromS(queryId)))
        .build();
  }

  /**
   * @return true if applied, false if this batch had reached the key already
   */
  private boolean addOne(Delta delta, String queryId, long batchId) {
    try {
      client.updateItem(update(delta, queryId, batchId));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Up to 100 updates in one {@code TransactWriteItems}: all or none. A transaction cancelled
   * because some keys already carry this batch (per-item reason {@code ConditionalCheckFailed}: a
   * retried micro-batch) is sent again without them; one cancelled by a conflict with another
   * transaction or by throttling is sent again after a backoff. All of it, the SDK-level retries of
   * {@link #withRetry} included, within one {@code platform.dynamodb.retry-deadline} from the first
   * attempt: after that the batch fails (and the query restarts from its checkpoint) instead of
   * hanging on a table that stays throttled.
   *
   * @return how many deltas this call applied
   */
  private int addChunk(List<Delta> chunk, String queryId, long batchId) {
    long deadline = System.nanoTime() + settings.retryDeadline().toNanos();
    String what = "add to " + chunk.size() + " counters of batch " + batchId;
    List<Delta> remaining = new ArrayList<>(chunk);
    Map<String, Integer> cancelledFor = new TreeMap<>();
    for (int attempt = 1; ; attempt++) {
      List<Delta> sending = remaining;
      try {
        WriterLease fence = lease;
        withRetry(
            what,
            deadline,
            () ->
                client.transactWriteItems(
                    b -> {
                      List<TransactWriteItem> items = new ArrayList<>(sending.size() + 1);
                      for (Delta d : sending) {
                        UpdateItemRequest u = update(d, queryId, batchId);
                        items.add(
                            TransactWriteItem.builder()
                                .update(
                                    Update.builder()
                                        .tableName(u.tableName())
                                        .key(u.key())
                                        .updateExpression(u.updateExpression())
                                        .conditionExpression(u.conditionExpression())
                                        .expressionAttributeValues(u.expressionAttributeValues())
                                        .build())
                                .build());
                      }
                      if (fence != null) {
                        items.add(
                            TransactWriteItem.builder().conditionCheck(fence.fence()).build());
                      }
                      b.transactItems(items);
                    }));
        return sending.size(); // the keys dropped on the way had this batch already
      } catch (TransactionCanceledException e) {
        List<CancellationReason> reasons =
            e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        if (lease != null
            && reasons.size() > sending.size()
            && "ConditionalCheckFailed".equals(reasons.get(sending.size()).code())) {
          throw lostLease(lease, batchId, e);
        }
        List<Delta> next = new ArrayList<>();
        String lastReason = null;
        for (int i = 0; i < sending.size(); i++) {
          CancellationReason reason = i < reasons.size() ? reasons.get(i) : null;
          String code = reason == null || reason.code() == null ? "None" : reason.code();
          if ("ConditionalCheckFailed".equals(code)) {
            continue; // this batch already reached the key
          }
          if (!"None".equals(code)
              && !"TransactionConflict".equals(code)
              && !code.contains("Throttl")
              && !"ProvisionedThroughputExceeded".equals(code)) {
            throw new PlatformException(
                "DynamoDB refused to add to counter " + describe(sending.get(i)),
                code + ": " + reason.message(),
                "check platform.dynamodb.* and the table's key schema (pk S, sk S)",
                e);
          }
          if (!"None".equals(code)) {
            cancelledFor.merge(code, 1, Integer::sum);
            lastReason = code + ": " + reason.message();
          }
          next.add(sending.get(i));
        }
        if (next.isEmpty()) {
          return 0;
        }
        remaining = next;
        long backoffMs =
            Math.min(
                settings.retryMaxBackoff().toMillis(),
                settings.retryInitialBackoff().toMillis() * attempt);
        if (System.nanoTime() + backoffMs * 1_000_000 > deadline) {
          throw new PlatformException(
              "Could not "
                  + what
                  + " (query "
                  + queryId
                  + "): DynamoDB cancelled the transaction "
                  + attempt
                  + " times in a row within platform.dynamodb.retry-deadline = "
                  + settings.retryDeadline(),
              "cancellation reasons per item over all attempts "
                  + (cancelledFor.isEmpty() ? "{none given}" : cancelledFor)
                  + (lastReason == null ? "" : ", last: " + lastReason)
                  + "; "
                  + next.size()
                  + " of the counters were still not written. The table at "
                  + endpointName()
                  + " is throttling these writes or other writers keep conflicting on the same keys",
              "the micro-batch fails and the query restarts from its checkpoint; counts stay exact."
                  + " Check the table's capacity and throttling (on-demand/provisioned limits, ThrottledRequests,"
                  + " hot keys), or raise platform.dynamodb.retry-deadline to wait longer",
              e);
        }
        if (attempt == 1 || attempt % 10 == 0) {
          LOG.warn(
              "counter transaction of batch {} cancelled {} times in a row ({}); retrying in {} ms until the"
                  + " retry deadline of {}",
              batchId,
              attempt,
              cancelledFor,
              backoffMs,
              settings.retryDeadline());
        }
        sleep(backoffMs);
      }
    }
  }

  /**
   * Retries what a person would call an outage (no connection, 5xx, throttling) with exponential
   * backoff until the deadline; anything else (a missing table, a bad request) fails at once.
   */
  <T> T withRetry(String what, Supplier<T> call) {
    return withRetry(what, System.nanoTime() + settings.retryDeadline().toNanos(), call);
  }

  /**
   * {@link #withRetry(String, Supplier)} until a deadline of {@link System#nanoTime()} shared with
   * the caller.
   */
  private <T> T withRetry(String what, long deadline, Supplier<T> call) {
    long backoffMs = settings.retryInitialBackoff().toMillis();
    int attempt = 0;
    while (true) {
      attempt++;
      try {
        return call.get();
      } catch (TransactionCanceledException e) {
        throw e; // the caller reads the per-item reasons
      } catch (ResourceNotFoundException e) {
        throw new PlatformException(
            "DynamoDB table '" + settings.countersTable() + "' does not exist at " + endpointName(),
            "the speed layer adds to counters in that table and never creates it while running",
            "create it with 'bin/lambda local up' locally, or deploy it (deploy-emr) with key pk (S) + sk (S)",
            e);
      } catch (SdkClientException | DynamoDbException e) {
        if (Thread.currentThread().isInterrupted() || e instanceof AbortedException) {
          throw new IllegalStateException(
              "interrupted while trying to " + what + " (the query is stopping)", e);
        }
        if (e instanceof DynamoDbException d && !retryable(d)) {
          throw new PlatformException(
              "DynamoDB refused to " + what,
              String.valueOf(e.getMessage()),
              "check platform.dynamodb.* and the table's key schema (pk S, sk S)",
              e);
        }
        if (System.nanoTime() + backoffMs * 1_000_000 > deadline) {
          throw new PlatformException(
              "Could not "
                  + what
                  + " after "
                  + attempt
                  + " attempts within platform.dynamodb.retry-deadline = "
                  + settings.retryDeadline(),
              "DynamoDB at "
                  + endpointName()
                  + " stayed unreachable or throttled: "
                  + e.getMessage(),
              "the micro-batch fails and the query restarts from its checkpoint; counts stay exact."
                  + " Check the table's capacity and throttling, or raise platform.dynamodb.retry-deadline to wait longer",
              e);
        }
        if (attempt == 1 || attempt % 10 == 0) {
          LOG.warn(
              "DynamoDB unavailable ({}), retrying in {} ms: {}", what, backoffMs, e.getMessage());
        }
        sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, settings.retryMaxBackoff().toMillis());
      }
    }
  }

  private static boolean retryable(DynamoDbException e) {
    int status = e.statusCode();
    String code =
        e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
    return status >= 500
        || status == 0
        || code.contains("Throttl")
        || code.equals("ProvisionedThroughputExceededException")
        || code.equals("RequestLimitExceeded");
  }

  private String endpointName() {
    return settings.endpoint().isBlank()
        ? "the AWS endpoint of " + settings.region()
        : settings.endpoint();
  }

  @Override
  public List<Counter> read(String placeId, String action, Instant fromHour, Instant toHour) {
    CounterArguments.checkRead(placeId, action, fromHour, toHour);
    QueryRequest request =
        QueryRequest.builder()
            .tableName(settings.countersTable())
            .keyConditionExpression(PK + " = :p AND " + SK + " BETWEEN :from AND :to")
            .expressionAttributeValues(
                Map.of(
                    ":p", AttributeValue.fromS(placeId),
                    ":from", AttributeValue.fromS(sortKey(action, fromHour)),
                    // '#' + instant: every hour before toHour sorts below this bound
                    ":to", AttributeValue.fromS(sortKey(action, toHour))))
            .consistentRead(true)
            .build();
    return withRetry(
        "read counters of " + placeId,
        () -> {
          List<Counter> out = new ArrayList<>();
          client
              .queryPaginator(request)
              .items()
              .forEach(
                  item -> {
                    Counter c = counter(item);
                    if (c.hour().isBefore(toHour)) {
                      out.add(c);
                    }
                  });
          return out;
        });
  }

  /** Every counter in the table; for tests and small local tables only (a full Scan). */
  public List<Counter> scanAll() {
    List<Counter> out = new ArrayList<>();
    withRetry(
        "scan counters",
        () -> {
          client
              .scanPaginator(
                  ScanRequest.builder()
                      .tableName(settings.countersTable())
                      .consistentRead(true)
                      .build())
              .items()
              .forEach(
                  item -> {
                    if (!WriterLease.LEASE_PK.equals(
                        item.get(PK).s())) { // lease items live beside the counters
                      out.add(counter(item));
                    }
                  });
          return null;
        });
    return out;
  }

  @Override
  public long deleteFrom(Instant fromHour) {
    CounterArguments.checkDeleteFrom(fromHour);
    long deleted = 0;
    for (Counter c : scanAll()) {
      if (!c.hour().isBefore(fromHour)) {
        withRetry(
            "delete counter " + c.placeId(),
            () ->
                client.deleteItem(
                    b ->
                        b.tableName(settings.countersTable())
                            .key(
                                Map.of(
                                    PK,
                                    AttributeValue.fromS(c.placeId()),
                                    SK,
                                    AttributeValue.fromS(sortKey(c.action(), c.hour()))))));
        deleted++;
      }
    }
    return deleted;
  }

  private static Counter counter(Map<String, AttributeValue> item) {
    String sk = item.get(SK).s();
    int hash = sk.indexOf('#');
    return new Counter(
        item.get(PK).s(),
        sk.substring(0, hash),
        Instant.parse(sk.substring(hash + 1)),
        Long.parseLong(item.get(COUNT).n()),
        item.get(QUERY).s(),
        Long.parseLong(item.get(LAST_BATCH).n()));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for DynamoDB", e);
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    writers.shutdownNow();
    client.close();
  }
}
