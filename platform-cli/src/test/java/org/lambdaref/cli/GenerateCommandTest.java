package org.lambdaref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {

  @TempDir Path root;

  private CliRun generate(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "generate",
                "--conf",
                "platform.storage.root=" + root,
                "--start-date",
                "2019-06-08",
                "--days",
                "2",
                "--events-per-day",
                "500",
                "--duplicates",
                "0.1",
                "--late",
                "0.05",
                "--malformed",
                "0.02"));
    args.addAll(List.of(extra));
    return CliRun.run(args.toArray(String[]::new));
  }

  @Test
  void theDemoAndTheRehearsalGenerateWithTheDefaultsAUserGets() {
    GenerateCommand g = GenerateCommand.replacing(LocalDate.of(2019, 6, 8), 2, 500, 10, 20);
    // the defaults --help documents for generate
    assertThat(g.duplicates).isEqualTo(0.02);
    assertThat(g.late).isEqualTo(0.01);
    assertThat(g.malformed).isEqualTo(0.005);
    assertThat(g.seed).isEqualTo(42);
    assertThat(g.replace).isTrue();
    assertThat(g.startDate).isEqualTo(LocalDate.of(2019, 6, 8));
    assertThat(List.of(g.days, g.eventsPerDay, g.places, g.users)).containsExactly(2, 500, 10, 20);
  }

  @Test
  void writesGzippedJsonLinesIntoUtcArrivalHourPartitions() throws IOException {
    CliRun run = generate();

    assertThat(run.exitCode()).as(run.err()).isZero();
    Path source = root.resolve("datasource/place_event");
    List<Path> files = files(source);
    assertThat(files)
        .isNotEmpty()
        .allSatisfy(
            f -> {
              assertThat(source.relativize(f).toString())
                  .matches("p_ymd=\\d{8}/p_hh=\\d{2}/part-s42-\\d{8}\\.json\\.gz");
            });
    long lines = files.stream().mapToLong(f -> read(f).lines().count()).sum();
    assertThat(run.out()).contains("wrote " + lines + " lines in " + files.size() + " files");
    assertThat(lines)
        .as("1000 distinct events plus duplicates and malformed lines")
        .isBetween(1080L, 1200L);
  }

  @Test
  void sameArgumentsWriteTheSameBytes() throws IOException {
    generate();
    Map<String, String> first = contents(root.resolve("datasource/place_event"));
    generate();
    Map<String, String> second = contents(root.resolve("datasource/place_event"));

    assertThat(second).isEqualTo(first);
  }

  @Test
  void plainJsonWhenAsked() throws IOException {
    generate("--no-gzip", "--replace");

    assertThat(files(root.resolve("datasource/place_event")))
        .allSatisfy(f -> assertThat(f.toString()).endsWith(".json"));
  }

  @Test
  void badFractionIsAClearError() {
    CliRun run =
        CliRun.run(
            "generate",
            "--conf",
            "platform.storage.root=" + root,
            "--start-date",
            "2019-06-08",
            "--late",
            "1.5");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--late").contains("'1.5'").contains("0.0 to 1.0");
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths
          .filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    }
  }

  private static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (Path f : files(dir)) {
      out.put(dir.relativize(f).toString(), read(f));
    }
    return out;
  }

  private static String read(Path file) {
    try (InputStream in =
        file.toString().endsWith(".gz")
            ? new GZIPInputStream(Files.newInputStream(file))
            : Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
