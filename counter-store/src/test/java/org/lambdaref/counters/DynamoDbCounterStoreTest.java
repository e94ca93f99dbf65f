package org.lambdaref.counters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.DynamoDbSettings;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;

/**
 * {@link DynamoDbCounterStore} against DynamoDB Local holds to the contract, on both of its write
 * paths: transactions of up to 100 keys (the default {@code platform.dynamodb.counter-batch-size})
 * and one {@code UpdateItem} per key (a batch size of 1). Every case gets a table of its own.
 */
class DynamoDbCounterStoreTest {

  @TempDir static Path root;
  private static LocalStack stack;
  private static DynamoDbSettings settings;
  private static final AtomicInteger TABLES = new AtomicInteger();

  @BeforeAll
  static void startDynamoDb() {
    stack =
        LocalStack.start(LocalStackOptions.forTests(root.resolve("stack"), ServerKind.DYNAMODB));
    Map<String, String> overrides = new LinkedHashMap<>(stack.configOverrides());
    overrides.put("platform.storage.root", root.resolve("lake").toString());
    overrides.put("platform.work-dir", root.resolve("work").toString());
    settings = ConfigLoader.load("local", overrides, Map.of(), root).dynamodb();
  }

  @AfterAll
  static void stopDynamoDb() {
    if (stack != null) {
      stack.close();
    }
  }

  private static CounterStore storeOnANewTable(int counterBatchSize) {
    DynamoDbSettings s = settings;
    DynamoDbCounterStore store =
        new DynamoDbCounterStore(
            new DynamoDbSettings(
                s.endpoint(),
                s.region(),
                "contract_" + TABLES.incrementAndGet(),
                s.accessKey(),
                s.secretKey(),
                s.retryInitialBackoff(),
                s.retryMaxBackoff(),
                s.retryDeadline(),
                counterBatchSize),
            4);
    store.createTableIfMissing();
    return store;
  }

  @Nested
  class Transactions extends CounterStoreContract {
    @Override
    protected CounterStore newStore() {
      return storeOnANewTable(settings.counterBatchSize());
    }
  }

  @Nested
  class OneUpdateItemPerKey extends CounterStoreContract {
    @Override
    protected CounterStore newStore() {
      return storeOnANewTable(1);
    }
  }
}
