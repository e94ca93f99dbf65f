package org.lambdaref.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code bin/bench speed} and {@code bin/bench serve}: the layer benchmarks live with their layer's
 * command line ({@code bin/lambda bench-speed}, {@code bench-serve}), which starts the servers they
 * need; these run them and publish the result with the machine it was measured on.
 */
final class LayerBenchCommands {

  private static final ObjectMapper JSON = new ObjectMapper();

  private LayerBenchCommands() {}

  @Command(name = "speed", mixinStandardHelpOptions = true,
      description = "Speed layer latency at a fixed rate (bin/lambda bench-speed); publishes results/speed-<rate>.json.")
  static final class Speed implements Callable<Integer> {
    @Option(names = "--rate", defaultValue = "20000", description = "Events per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Unmatched List<String> passThrough = new ArrayList<>();

    @Option(names = "--results", defaultValue = "${sys:lambda.home:-.}/docs/benchmarks/results", description = "Where to publish.")
    Path results;

    @Override
    public Integer call() throws IOException {
      return runAndPublish(new SpeedBenchCommand(), "bench_", rate, passThrough, results.resolve("speed-" + rate + ".json"));
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Serving latency at a fixed request rate (bin/lambda bench-serve); publishes results/serve-<rate>.json.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--rate", defaultValue = "1000", description = "Requests per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Unmatched List<String> passThrough = new ArrayList<>();

    @Option(names = "--results", defaultValue = "${sys:lambda.home:-.}/docs/benchmarks/results", description = "Where to publish.")
    Path results;

    @Option(names = "--label", description = "Suffix of the result file, for a variant of the same rate (serve-<rate>-<label>.json).")
    String label;

    @Override
    public Integer call() throws IOException {
      return runAndPublish(new ServeBenchCommand(), "serve_", rate, passThrough,
          results.resolve("serve-" + rate + (label == null ? "" : "-" + label) + ".json"));
    }
  }

  private static int runAndPublish(Object command, String runPrefix, int rate, List<String> passThrough, Path target)
      throws IOException {
    Path runs = Path.of(System.getProperty("lambda.home", ".")).resolve(".lambda/bench");
    List<String> args = new ArrayList<>(List.of("--rate", Integer.toString(rate)));
    args.addAll(passThrough);
    long before = System.currentTimeMillis();
    Map<String, Object> machine = Machine.describe(); // before the run: its load average is the one at the start
    int code = new CommandLine(command).execute(args.toArray(String[]::new));
    if (code != 0) {
      return code;
    }
    Path run = newest(runs, runPrefix, before)
        .orElseThrow(() -> new IllegalStateException(command.getClass().getSimpleName() + " finished but left no " + runPrefix + "* run under " + runs));
    ObjectNode result = (ObjectNode) JSON.readTree(run.resolve("result.json").toFile());
    result.set("machine", JSON.valueToTree(machine));
    result.set("load_average_at_end", JSON.valueToTree(Machine.loadAverage()));
    result.put("run", run.toString());
    Files.createDirectories(target.getParent());
    Files.writeString(target, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    System.out.println("published " + target);
    return 0;
  }

  private static Optional<Path> newest(Path runs, String prefix, long notBefore) throws IOException {
    try (Stream<Path> list = Files.list(runs)) {
      return list.filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> Files.exists(p.resolve("result.json")))
          .filter(p -> p.toFile().lastModified() >= notBefore - 1000)
          .max(Comparator.comparingLong(p -> p.toFile().lastModified()));
    }
  }
}
