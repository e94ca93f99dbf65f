package org.lambdaref.serving;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.FaultProxy;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;

/**
 * The lifecycle of the serving tests that put DynamoDB in trouble, as a JUnit 5 extension: DynamoDB
 * Local started once per class in a folder of its own, a {@link FaultProxy} in front of it, the
 * counters table created, and a configuration whose DynamoDB endpoint is the proxy (an empty lake,
 * a service on a free port that refreshes its batch view hourly and reads DynamoDB on every
 * request). After each test the proxy passes everything through again and a stopped DynamoDB is
 * started again, so no test inherits another's fault; after the class all of it stops and its
 * folder goes.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final CountersBehindProxy dynamo = CountersBehindProxy.named("outage_test").with("platform.timezone", "Asia/Seoul");
 * }</pre>
 */
final class CountersBehindProxy implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  private final String table;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private Path root;
  private LocalStack stack;
  private FaultProxy proxy;
  private Map<String, String> overrides;

  private CountersBehindProxy(String table) {
    this.table = table;
  }

  /** A stack whose counters table is called {@code table}. */
  static CountersBehindProxy named(String table) {
    return new CountersBehindProxy(table);
  }

  /** A setting of this class's configuration (over the shared ones). */
  CountersBehindProxy with(String key, String value) {
    settings.put(key, value);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    root = Files.createTempDirectory(table + "-");
    stack =
        LocalStack.start(LocalStackOptions.forTests(root.resolve("stack"), ServerKind.DYNAMODB));
    URI dynamo = URI.create(stack.dynamoDbEndpoint());
    proxy = FaultProxy.start(dynamo.getHost(), dynamo.getPort());
    Map<String, String> o = new LinkedHashMap<>(stack.configOverrides());
    o.put("platform.storage.root", root.resolve("lake").toString());
    o.put("platform.work-dir", root.resolve("work").toString());
    o.put("platform.dynamodb.counters-table", table);
    o.put("platform.serving.port", "0");
    o.put("platform.serving.refresh-interval", "1h");
    o.put("platform.serving.speed-cache-ttl", "0s"); // every request reads DynamoDB
    o.putAll(settings);
    try (DynamoDbCounterStore counters = new DynamoDbCounterStore(load(o).dynamodb(), 2)) {
      counters.createTableIfMissing();
    }
    o.put("platform.dynamodb.endpoint", proxy.httpEndpoint());
    overrides = o;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    proxy.delayNextRequests(0, Duration.ZERO);
    proxy.resetNextRequests(0);
    if (!stack.runs(ServerKind.DYNAMODB)) {
      stack.restart(ServerKind.DYNAMODB);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    try {
      if (proxy != null) {
        proxy.close();
      }
    } finally {
      if (stack != null) {
        stack.close();
      }
      LocalStack.deleteTree(root);
    }
  }

  /** The configuration through the proxy, with {@code keyValues} (key, value, ...) over it. */
  PlatformConfig config(String... keyValues) {
    Map<String, String> o = new LinkedHashMap<>(overrides);
    for (int i = 0; i < keyValues.length; i += 2) {
      o.put(keyValues[i], keyValues[i + 1]);
    }
    return load(o);
  }

  /** The configuration straight to DynamoDB Local, past the proxy (to write what a test reads). */
  PlatformConfig direct() {
    return config("platform.dynamodb.endpoint", stack.dynamoDbEndpoint());
  }

  FaultProxy proxy() {
    return proxy;
  }

  LocalStack stack() {
    return stack;
  }

  private PlatformConfig load(Map<String, String> o) {
    return ConfigLoader.load("local", o, Map.of(), root);
  }
}
