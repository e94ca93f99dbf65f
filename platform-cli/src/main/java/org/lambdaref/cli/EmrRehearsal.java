package org.lambdaref.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.batch.BatchMain;
import org.lambdaref.batch.BatchPipeline;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.Console;
import org.lambdaref.config.HadoopSettings;
import org.lambdaref.config.JdbcSettings;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.emr.EmrSparkClasspath;
import org.lambdaref.emr.EmrSteps;
import org.lambdaref.emr.RehearsalRewrite;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.localstack.SparkJvm;
import org.lambdaref.localstack.SparkStandaloneCluster;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;
import software.amazon.awssdk.services.emr.model.StepConfig;

/**
 * {@code bin/lambda emr rehearse}: the batch steps {@code emr plan} renders, run on a Spark
 * standalone cluster of this machine (a master and two workers, each a JVM, drivers and executors
 * in JVMs of their own) against the local stack, then compared with a local-mode run of the same
 * generated input. Only what {@link RehearsalRewrite} lists is changed in a step; the submission
 * starts with an empty environment plus {@code PATH} and {@code JAVA_HOME}.
 */
final class EmrRehearsal {

  static final String LAKE_BUCKET = "lake";

  /** Columns that differ between two runs of the same input by nature: when and which run. */
  static final List<String> VOLATILE =
      List.of(
          "run_id",
          "details",
          "started_at",
          "ended_at",
          "detected_at",
          "exported_at",
          "covered_at");

  /** What to rehearse. */
  record Settings(
      PlatformConfig stepConfig,
      RunArguments args,
      EmrSteps.Mode mode,
      boolean withSpeed,
      int eventsPerDay,
      Path runDir,
      Path repoRoot) {}

  /** One table of both runs: its rows, and the rows only one of them has. */
  record TableCheck(
      String table, long clusterRows, long localRows, long onlyCluster, long onlyLocal) {
    boolean same() {
      return clusterRows == localRows && onlyCluster == 0 && onlyLocal == 0;
    }
  }

  /** What one step did on the cluster. */
  record StepRun(
      String name,
      List<String> command,
      int exit,
      Duration took,
      String driverId,
      Path driverDir,
      List<Path> executorDirs,
      List<String> driverEnvironment) {}

  record Result(
      List<String> changes,
      List<StepRun> steps,
      List<TableCheck> tables,
      List<String> ledger,
      Optional<SpeedRehearsal.Run> speed,
      Duration clusterStart,
      Duration localRun,
      Duration total) {
    boolean passed() {
      return steps.stream().allMatch(s -> s.exit() == 0)
          && !tables.isEmpty()
          && tables.stream().allMatch(TableCheck::same)
          && speed.map(SpeedRehearsal.Run::passed).orElse(true);
    }
  }

  private EmrRehearsal() {}

  static Result run(Settings s, Console console) {
    long started = System.nanoTime();
    Path runDir = s.runDir().toAbsolutePath();
    createDirectories(runDir);
    closeCachedFileSystems(); // an s3a file system of an earlier run knows an earlier endpoint
    try (LocalStack stack =
        console.step(
            "starting the local stack (DynamoDB, S3, PostgreSQL) under " + runDir.resolve("stack"),
            () ->
                LocalStack.start(
                    LocalStackOptions.forTests(
                        runDir.resolve("stack"), ServerKind.DYNAMODB, servers(s))))) {
      Map<String, String> clusterConf = clusterConf(stack.configOverrides(), runDir);
      Map<String, String> localConf = localConf(stack.configOverrides(), runDir);
      PlatformConfig clusterView = ConfigLoader.load("local-s3", clusterConf, Map.of(), runDir);
      PlatformConfig local = ConfigLoader.load("local-s3", localConf, Map.of(), runDir);
      console.step(
          "creating the bucket, the counters tables and the place master",
          () -> {
            LocalProvisioning.createBucket(stack, LAKE_BUCKET);
            LocalProvisioning.createCountersTable(clusterView);
            LocalProvisioning.createCountersTable(local);
            LocalProvisioning.seedPlaces(local, 200, 20);
            if (s.withSpeed()) {
              LocalProvisioning.createTopic(
                  stack.kafkaBootstrapServers(), clusterView.kafka().topic());
            }
          });
      for (PlatformConfig lake : List.of(clusterView, local)) {
        console.step(
            "generating " + s.args().iterationCount() + " days of raw events into " + root(lake),
            () -> generator(s).run(lake, console));
      }
      long clusterStarting = System.nanoTime();
      try (SparkStandaloneCluster cluster =
          console.step(
              "starting a Spark standalone cluster (a master, two workers) under "
                  + runDir.resolve("cluster"),
              () -> SparkStandaloneCluster.start(clusterOptions(runDir, clusterView)))) {
        Duration clusterStart = Duration.ofNanos(System.nanoTime() - clusterStarting);
        List<StepConfig> steps = EmrSteps.batch(s.stepConfig().emr(), s.args(), s.mode());
        uploadOverlay(stack, steps, clusterConf);
        uploadJars(stack, s.stepConfig().emr().artifactsUri(), builtJars(s.repoRoot()));
        RehearsalRewrite.Target target =
            new RehearsalRewrite.Target(
                cluster.masterUrl(), builtJars(s.repoRoot()), stepConf(clusterConf), false);
        List<StepRun> runs = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        for (StepConfig step : steps) {
          RehearsalRewrite.Rewritten rewritten =
              RehearsalRewrite.rewrite(step.hadoopJarStep().args(), target);
          changes.addAll(rewritten.changes());
          StepRun run =
              console.step(
                  "step " + step.name() + " on " + cluster.masterUrl() + ", --deploy-mode cluster",
                  () -> submit(cluster, step.name(), rewritten.command(), runDir));
          runs.add(run);
        }
        long localStarting = System.nanoTime();
        RunArguments localArgs =
            new RunArguments(s.args().start(), s.args().iterationCount(), 1, "local-s3");
        console.step(
            "the same range in local mode (BatchMain in this JVM) into " + root(local),
            () -> new BatchMain().run(local, localArgs, BatchPipeline.Job.parse("all"), console));
        Duration localRun = Duration.ofNanos(System.nanoTime() - localStarting);
        Optional<SpeedRehearsal.Run> speed = Optional.empty();
        // after both batch runs, as on the cluster: a batch run that finds hot tables also runs
        // the hot retention, one more ledger row
        if (s.withSpeed()) {
          StepConfig speedStep = EmrSteps.speed(s.stepConfig().emr(), s.args().env());
          speed =
              Optional.of(
                  SpeedRehearsal.run(
                      cluster,
                      speedStep,
                      target,
                      clusterView,
                      local,
                      SparkSessions.getOrCreate(local, "EmrRehearsal"),
                      runDir,
                      changes,
                      console));
        }
        SparkSession spark = SparkSessions.getOrCreate(local, "EmrRehearsal");
        List<TableCheck> tables =
            console.step(
                "comparing every table of both lakes", () -> compare(spark, clusterView, local));
        List<String> ledger = ledger(spark, clusterView);
        return new Result(
            List.copyOf(new TreeSet<>(changes)),
            runs,
            tables,
            ledger,
            speed,
            clusterStart,
            localRun,
            Duration.ofNanos(System.nanoTime() - started));
      }
    }
  }

  /** The local stack's servers besides DynamoDB: Kafka too when the speed step is rehearsed. */
  private static ServerKind[] servers(Settings s) {
    List<ServerKind> kinds = new ArrayList<>(List.of(ServerKind.S3, ServerKind.POSTGRES));
    if (s.withSpeed()) {
      kinds.add(ServerKind.KAFKA);
    }
    return kinds.toArray(ServerKind[]::new);
  }

  /** What the cluster's step reads from EMR's environment there, given explicitly here. */
  static Map<String, String> clusterConf(Map<String, String> endpoints, Path runDir) {
    Map<String, String> conf = new LinkedHashMap<>(endpoints);
    speedConf(conf);
    conf.put("platform.storage.root", lakeRoot(runDir, "cluster"));
    conf.put("platform.work-dir", runDir.resolve("work-cluster").toString());
    conf.put("platform.dynamodb.counters-table", "rehearsal_counters");
    // EMR's 200 are sized for a cluster of nodes; the results do not depend on it
    conf.put("platform.spark.shuffle-partitions", "4");
    return conf;
  }

  static Map<String, String> localConf(Map<String, String> endpoints, Path runDir) {
    Map<String, String> conf = new LinkedHashMap<>(endpoints);
    speedConf(conf);
    conf.put("platform.storage.root", lakeRoot(runDir, "local"));
    conf.put("platform.work-dir", runDir.resolve("work-local").toString());
    conf.put("platform.dynamodb.counters-table", "rehearsal_counters_local");
    conf.put("platform.export.seller-table", "t3_seller_exported_jdbc_local");
    conf.put("platform.spark.shuffle-partitions", "4");
    return conf;
  }

  /**
   * The speed layer's settings of both sides: the local broker (plain text, where MSK takes IAM
   * over TLS), the topic read from its start by either side's new checkpoint, and a lease and
   * trigger short enough for a relaunch within the rehearsal's minutes.
   */
  private static void speedConf(Map<String, String> conf) {
    conf.put("platform.kafka.security-protocol", "PLAINTEXT");
    conf.put("platform.kafka.sasl-mechanism", "");
    conf.put("platform.speed.starting-offsets", "earliest");
    conf.put("platform.speed.trigger-interval", "2s");
    conf.put("platform.speed.writer-lease-ttl", "6s");
  }

  /**
   * A lake of its own per run and side: no cache of this JVM (Delta's, Hadoop's) spans two runs.
   */
  static String lakeRoot(Path runDir, String side) {
    return "s3a://"
        + LAKE_BUCKET
        + "/"
        + runDir.getFileName().toString().replaceAll("[^A-Za-z0-9_-]", "_")
        + "/"
        + side;
  }

  /**
   * What the driver needs before it can read the deployment's overlay file: how to reach the S3
   * server (on EMR, EMRFS and the instance profile need nothing), as program arguments.
   */
  private static Map<String, String> stepConf(Map<String, String> clusterConf) {
    Map<String, String> conf = new LinkedHashMap<>();
    clusterConf.forEach(
        (k, v) -> {
          if (k.startsWith("platform.s3.")) {
            conf.put(k, v);
          }
        });
    return conf;
  }

  /**
   * The deployment's overlay file, as the operator uploads it next to the jars: the cluster's
   * configuration (the local stack's endpoints, the lake on the S3 server), at the URI the steps
   * name with {@code --config-uri}.
   */
  private static void uploadOverlay(
      LocalStack stack, List<StepConfig> steps, Map<String, String> clusterConf) {
    List<String> args = steps.get(0).hadoopJarStep().args();
    int at = args.indexOf("--config-uri");
    if (at < 0) {
      return;
    }
    URI uri = URI.create(args.get(at + 1));
    Map<String, String> overlay = new LinkedHashMap<>(clusterConf);
    overlay.put("platform.emr.region", "us-east-1");
    String text =
        ConfigFactory.parseMap(overlay)
            .root()
            .render(ConfigRenderOptions.defaults().setOriginComments(false));
    LocalProvisioning.createBucket(stack, uri.getHost());
    LocalProvisioning.putObject(stack, uri.getHost(), uri.getPath().substring(1), text);
  }

  /**
   * The EMR jars the build made, uploaded to the artifacts prefix the steps name, as the operator
   * uploads them ({@code aws s3 cp}, docs/deploy-emr.md): the workers fetch a step's jar from there
   * as EMR's nodes do.
   */
  private static void uploadJars(LocalStack stack, String artifactsUri, Map<String, Path> jars) {
    URI prefix = URI.create(artifactsUri.replaceAll("/+$", "") + "/");
    LocalProvisioning.createBucket(stack, prefix.getHost());
    jars.forEach(
        (name, jar) ->
            LocalProvisioning.putFile(
                stack, prefix.getHost(), prefix.getPath().substring(1) + name, jar));
  }

  static SparkStandaloneCluster.Options clusterOptions(Path runDir, PlatformConfig clusterView) {
    String flags = String.join(" ", SparkStandaloneCluster.javaFlags());
    Map<String, String> defaults = new LinkedHashMap<>();
    // every node reads S3 as EMR's nodes do through EMRFS, configured cluster-wide: the worker
    // fetches a step's s3a:// jar with it
    HadoopSettings.of(clusterView.s3()).forEach((k, v) -> defaults.put("spark.hadoop." + k, v));
    // as spark-submit of an EMR step: it returns when the application ended, with its outcome
    defaults.put("spark.standalone.submit.waitAppCompletion", "true");
    defaults.put("spark.driver.memory", "1g");
    defaults.put("spark.executor.memory", "1g");
    // EMR's spark-defaults carry the JVM flags of its Java 17 line the same way
    defaults.put("spark.driver.defaultJavaOptions", flags);
    defaults.put("spark.executor.defaultJavaOptions", flags);
    return new SparkStandaloneCluster.Options(
        runDir.resolve("cluster"),
        EmrSparkClasspath.of(SparkJvm.testClasspath(), true),
        2,
        2,
        "3g",
        defaults);
  }

  private static GenerateCommand generator(Settings s) {
    return GenerateCommand.replacing(
        s.args().startDate(), s.args().iterationCount(), s.eventsPerDay(), 200, 1000);
  }

  /** The EMR jars the build made, by the names the steps give them. */
  static Map<String, Path> builtJars(Path repoRoot) {
    Map<String, Path> jars = new LinkedHashMap<>();
    jars.put(EmrSteps.BATCH_JAR, emrJar(repoRoot, "batch-layer"));
    jars.put(EmrSteps.SPEED_JAR, emrJar(repoRoot, "speed-layer"));
    return jars;
  }

  private static Path emrJar(Path repoRoot, String module) {
    Path target = repoRoot.resolve(module).resolve("target");
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("-emr.jar"))
          .findFirst()
          .orElseThrow();
    } catch (IOException | RuntimeException e) {
      throw new PlatformException(
          "No EMR jar of " + module + " in " + target,
          "the rehearsal submits the jars the build made",
          "build them: ./mvnw -B -ntp package -DskipTests");
    }
  }

  /** Runs one step's spark-submit with a clean environment and watches its driver. */
  static StepRun submit(
      SparkStandaloneCluster cluster, String name, List<String> command, Path runDir) {
    Path log = runDir.resolve(name + ".submit.log");
    long started = System.nanoTime();
    List<String> driverEnv = new ArrayList<>();
    try {
      Process p = start(cluster, command, runDir, log);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(60);
      while (!p.waitFor(500, TimeUnit.MILLISECONDS)) {
        if (driverEnv.isEmpty()) {
          cluster.launched("DriverWrapper").stream()
              .findFirst()
              .ifPresent(h -> driverEnv.addAll(environmentKeys(h.pid())));
        }
        if (System.nanoTime() > deadline) {
          p.destroyForcibly();
          break;
        }
      }
      String output = Files.readString(log);
      Matcher id = Pattern.compile("(driver-\\d+-\\d+)").matcher(output);
      String driverId = id.find() ? id.group(1) : "";
      Optional<Path> driverDir =
          driverId.isEmpty() ? Optional.empty() : cluster.driverDir(driverId);
      List<Path> executors = new ArrayList<>();
      for (Path app : cluster.applicationDirs()) {
        try (Stream<Path> dirs = Files.list(app)) {
          dirs.filter(Files::isDirectory).forEach(executors::add);
        }
      }
      // standalone's spark-submit exits 0 whatever the driver's end (Spark 4.0): the step's
      // outcome is the driver's final state, as an EMR step's is the YARN application's
      boolean finished = output.contains("State of driver " + driverId + " is FINISHED");
      int exit = p.isAlive() ? -1 : p.exitValue();
      return new StepRun(
          name,
          command,
          exit == 0 && !finished ? 1 : exit,
          Duration.ofNanos(System.nanoTime() - started),
          driverId,
          driverDir.orElse(null),
          executors,
          driverEnv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts a step's spark-submit as a shell with the cluster's clean environment would. */
  static Process start(
      SparkStandaloneCluster cluster, List<String> command, Path runDir, Path log) {
    // as a shell would: the program is looked up on the clean PATH, ours first
    List<String> resolved = new ArrayList<>(command);
    resolved.set(0, onPath(cluster.cleanEnvironment().get("PATH"), command.get(0)));
    ProcessBuilder pb =
        new ProcessBuilder(resolved)
            .directory(runDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().clear();
    pb.environment().putAll(cluster.cleanEnvironment());
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String onPath(String path, String program) {
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new PlatformException(
        program + " is not on the PATH " + path,
        "the rehearsal runs the step's program as a shell with that PATH would",
        "check the Spark home of the cluster");
  }

  /** The names of a process's environment variables (Linux), to show what reached the driver. */
  static List<String> environmentKeys(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
      List<String> keys = new ArrayList<>();
      for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
          keys.add(entry.substring(0, eq));
        }
      }
      return List.copyOf(new TreeSet<>(keys));
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * Every table of the platform in both lakes, row by row, less the columns of when and which run.
   */
  static List<TableCheck> compare(
      SparkSession spark, PlatformConfig cluster, PlatformConfig local) {
    List<TableCheck> checks = new ArrayList<>();
    for (TableSpec spec : PlatformTables.ALL) {
      String c = cluster.storage().tableLocation(spec.name());
      String l = local.storage().tableLocation(spec.name());
      boolean inCluster = LakeTables.exists(spark, c);
      boolean inLocal = LakeTables.exists(spark, l);
      if (!inCluster && !inLocal) {
        continue;
      }
      if (!inCluster || !inLocal) {
        checks.add(
            new TableCheck(spec.name().qualified(), inCluster ? -1 : 0, inLocal ? -1 : 0, 0, 0));
        continue;
      }
      Dataset<Row> a = rows(spark, c, root(cluster));
      Dataset<Row> b = rows(spark, l, root(local));
      checks.add(
          new TableCheck(
              spec.name().qualified(),
              a.count(),
              b.count(),
              a.exceptAll(b).count(),
              b.exceptAll(a).count()));
    }
    exportCheck(cluster, local).ifPresent(checks::add);
    return checks;
  }

  /**
   * The seller export of both runs in PostgreSQL (each its own table in one database), row by row
   * less the columns of when and which run; empty when neither run exported.
   */
  static Optional<TableCheck> exportCheck(PlatformConfig cluster, PlatformConfig local) {
    List<String> a = exportedRows(cluster);
    List<String> b = exportedRows(local);
    if (a.isEmpty() && b.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new TableCheck(
            "postgres " + cluster.export().sellerTable() + " / " + local.export().sellerTable(),
            a.size(),
            b.size(),
            minus(a, b).size(),
            minus(b, a).size()));
  }

  private static List<String> minus(List<String> a, List<String> b) {
    List<String> left = new ArrayList<>(a);
    b.forEach(left::remove);
    return left;
  }

  /** The export table's rows, each as its columns in name order, the volatile ones left out. */
  private static List<String> exportedRows(PlatformConfig config) {
    JdbcSettings db = config.jdbc();
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement()) {
      if (!c.getMetaData().getTables(null, null, config.export().sellerTable(), null).next()) {
        return rows;
      }
      try (ResultSet rs = st.executeQuery("SELECT * FROM " + config.export().sellerTable())) {
        ResultSetMetaData meta = rs.getMetaData();
        while (rs.next()) {
          Map<String, String> row = new TreeMap<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (!VOLATILE.contains(meta.getColumnName(i))) {
              row.put(meta.getColumnName(i), rs.getString(i));
            }
          }
          rows.add(row.toString());
        }
      }
    } catch (SQLException e) {
      throw new PlatformException(
          "Could not read the export table " + config.export().sellerTable() + " at " + db.url(),
          e.getMessage(),
          "check the local stack's PostgreSQL in the run folder's stack logs",
          e);
    }
    return rows;
  }

  /** A table's rows as JSON, without the volatile columns and with the lake's root as "ROOT". */
  private static Dataset<Row> rows(SparkSession spark, String location, String root) {
    Dataset<Row> table = spark.read().format("delta").load(location);
    Column[] kept =
        Arrays.stream(table.columns())
            .filter(name -> !VOLATILE.contains(name))
            .map(name -> col("`" + name + "`"))
            .toArray(Column[]::new);
    return table
        .select(to_json(struct(kept)).as("row"))
        .select(regexp_replace(col("row"), lit(Pattern.quote(root)), lit("ROOT")).as("row"));
  }

  /** The cluster run's ledger, one line per job and period. */
  static List<String> ledger(SparkSession spark, PlatformConfig cluster) {
    String location = cluster.storage().tableLocation(PlatformTables.BATCH_LEDGER.name());
    if (!LakeTables.exists(spark, location)) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    for (Row r :
        spark
            .read()
            .format("delta")
            .load(location)
            .selectExpr(
                "period",
                "job",
                "status",
                "accepted",
                "duplicates",
                "late",
                "rejected",
                "rows_written")
            .orderBy("period", "job")
            .collectAsList()) {
      lines.add(r.mkString(" "));
    }
    return lines;
  }

  static void print(Result r, Console console) {
    console.line("");
    console.line("What the rehearsal changed in the rendered steps (nothing else):");
    r.changes().forEach(c -> console.line("  - %s", c));
    for (StepRun s : r.steps()) {
      console.line("");
      console.line(
          "step %s: exit %d in %s", s.name(), s.exit(), Console.seconds(s.took().toNanos()));
      console.line(
          "  %s",
          String.join(" ", s.command()).replaceAll("(password|secret-key)=\\S+", "$1=****"));
      console.line("  driver %s ran on %s", s.driverId(), s.driverDir());
      console.line("  executors (own JVMs): %s", s.executorDirs());
      console.line("  the driver's environment (names only): %s", s.driverEnvironment());
    }
    r.speed().ifPresent(sp -> printSpeed(sp, console));
    console.line("");
    console.line("Tables, cluster run vs local-mode run (rows; rows only in one of them):");
    for (TableCheck t : r.tables()) {
      console.line(
          "  %-48s %7d %7d  only-cluster %d only-local %d  %s",
          t.table(),
          t.clusterRows(),
          t.localRows(),
          t.onlyCluster(),
          t.onlyLocal(),
          t.same() ? "same" : "DIFFERENT");
    }
    console.line("");
    console.line(
        "Ledger of the cluster run (period job status accepted duplicates late rejected rows):");
    r.ledger().forEach(l -> console.line("  %s", l));
    console.line("");
    console.line(
        "cluster start %s, local-mode run %s, total %s: %s",
        Console.seconds(r.clusterStart().toNanos()),
        Console.seconds(r.localRun().toNanos()),
        Console.seconds(r.total().toNanos()),
        r.passed() ? "the cluster run equals the local-mode run" : "REHEARSAL FAILED");
  }

  private static void printSpeed(SpeedRehearsal.Run sp, Console console) {
    console.line("");
    console.line("step %s (long-running, --supervise):", sp.name());
    console.line(
        "  %s", String.join(" ", sp.command()).replaceAll("(password|secret-key)=\\S+", "$1=****"));
    console.line("  driver %s ran on %s", sp.driverId(), sp.driverDir());
    console.line("  the driver's environment (names only): %s", sp.driverEnvironment());
    console.line(
        "  driver killed (SIGKILL, pid %d) with %d events counted; relaunched as pid %d in %s",
        sp.killedPid(),
        sp.countedAtKill(),
        sp.relaunchedPid(),
        Console.seconds(sp.relaunch().toNanos()));
    SpeedRehearsal.CounterCheck c = sp.counters();
    console.line(
        "  %d events sent; counters, cluster vs local-mode: %d vs %d keys, %d vs %d events,"
            + " %d keys differ: %s (%s after the kill)",
        sp.eventsSent(),
        c.clusterKeys(),
        c.localKeys(),
        c.clusterTotal(),
        c.localTotal(),
        c.differing(),
        c.same() ? "same" : "DIFFERENT",
        Console.seconds(sp.converged().toNanos()));
    console.line("  driver stopped by the master (Client kill): exit %d", sp.killStatus());
  }

  private static void closeCachedFileSystems() {
    try {
      FileSystem.closeAll();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lake's root: the folder its raw area is in. */
  static String root(PlatformConfig config) {
    String raw = config.storage().datasource().replaceAll("/+$", "");
    return raw.substring(0, raw.lastIndexOf('/'));
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
