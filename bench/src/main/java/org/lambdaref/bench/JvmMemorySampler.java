package org.lambdaref.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Samples another JVM's memory while a benchmark runs: resident set (from /proc) and the old
 * generation in use (from {@code jstat -gc}), the part of the heap a leak grows. Young-generation
 * churn is left out on purpose: it saws up and down with every minor GC and says nothing of a leak.
 */
final class JvmMemorySampler implements AutoCloseable {

  /** One sample: seconds since the start, resident set and old generation in use, in MB. */
  record Sample(double atSeconds, double rssMb, double oldGenMb) {}

  private final long pid;
  private final long startNanos = System.nanoTime();
  private final List<Sample> samples = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  JvmMemorySampler(long pid, long everyMillis) {
    this.pid = pid;
    this.thread =
        new Thread(
            () -> {
              while (running) {
                sample();
                try {
                  Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "memory-sampler-" + pid);
    thread.setDaemon(true);
    thread.start();
  }

  private void sample() {
    try {
      double rss =
          Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                  .filter(l -> l.startsWith("VmRSS:"))
                  .map(l -> l.replaceAll("[^0-9]", ""))
                  .mapToDouble(Double::parseDouble)
                  .findFirst()
                  .orElse(-1)
              / 1024;
      double old = gcColumnsKb(pid).getOrDefault("OU", -1024.0) / 1024;
      samples.add(new Sample((System.nanoTime() - startNanos) / 1e9, round(rss), round(old)));
    } catch (IOException | RuntimeException e) {
      // the process is gone or jstat is missing: no sample this round
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  List<Sample> samples() {
    return new ArrayList<>(samples);
  }

  /**
   * The series a reader needs: first-third and last-third medians of the resident set and of the
   * old generation in use, and their peaks. Neither says "leak" alone: the old generation of a
   * ParallelGC heap climbs until its next full GC, and the resident set follows the heap as it
   * grows to its limit. {@link #heapAfterFullGcMb} gives the figure that does.
   */
  static Map<String, Object> summary(List<Sample> samples) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("memory_samples", samples.size());
    if (samples.size() < 6) {
      return out;
    }
    int third = samples.size() / 3;
    List<Sample> first = samples.subList(0, third);
    List<Sample> last = samples.subList(samples.size() - third, samples.size());
    out.put("old_gen_mb_first_third_p50", median(first.stream().map(Sample::oldGenMb).toList()));
    out.put("old_gen_mb_last_third_p50", median(last.stream().map(Sample::oldGenMb).toList()));
    out.put("old_gen_mb_max", samples.stream().mapToDouble(Sample::oldGenMb).max().orElse(-1));
    out.put("rss_mb_first_third_p50", median(first.stream().map(Sample::rssMb).toList()));
    out.put("rss_mb_last_third_p50", median(last.stream().map(Sample::rssMb).toList()));
    out.put("rss_mb_max", samples.stream().mapToDouble(Sample::rssMb).max().orElse(-1));
    return out;
  }

  /**
   * The heap in use right after a full GC of {@code pid} ({@code jcmd GC.run}, then {@code jstat}):
   * what the application really holds. -1 when the JVM cannot be reached.
   */
  static double heapAfterFullGcMb(long pid) {
    try {
      Process gc =
          new ProcessBuilder("jcmd", Long.toString(pid), "GC.run")
              .redirectErrorStream(true)
              .start();
      gc.getInputStream().readAllBytes();
      gc.waitFor(60, TimeUnit.SECONDS);
      Map<String, Double> kb = gcColumnsKb(pid);
      if (!kb.keySet().containsAll(List.of("S0U", "S1U", "EU", "OU"))) {
        return -1;
      }
      return round((kb.get("S0U") + kb.get("S1U") + kb.get("EU") + kb.get("OU")) / 1024);
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * {@code jstat -gc}'s columns (capacities and usage in KB) by name; empty when the JVM cannot be
   * read.
   */
  private static Map<String, Double> gcColumnsKb(long pid)
      throws IOException, InterruptedException {
    Process jstat =
        new ProcessBuilder("jstat", "-gc", Long.toString(pid)).redirectErrorStream(true).start();
    List<String> out = new String(jstat.getInputStream().readAllBytes()).lines().toList();
    jstat.waitFor(10, TimeUnit.SECONDS);
    return gcColumns(out);
  }

  /** {@code jstat -gc}'s output (a header line and a line of values) as column → value. */
  static Map<String, Double> gcColumns(List<String> out) {
    Map<String, Double> columns = new LinkedHashMap<>();
    if (out.size() >= 2) {
      String[] names = out.get(0).trim().split("\\s+");
      String[] values = out.get(1).trim().split("\\s+");
      for (int i = 0; i < Math.min(names.length, values.length); i++) {
        // a collector without a concurrent phase (ParallelGC) prints "-" under CGC and CGCT
        if (!values[i].equals("-")) {
          columns.put(names[i], Double.parseDouble(values[i]));
        }
      }
    }
    return columns;
  }

  /**
   * Flat: the heap held after a full GC at the end of the run is within 25% (or 64 MB, whichever is
   * more) of the same figure at its start.
   */
  static boolean flat(double heapAtStartMb, double heapAtEndMb) {
    return heapAtStartMb > 0
        && heapAtEndMb > 0
        && heapAtEndMb <= Math.max(heapAtStartMb * 1.25, heapAtStartMb + 64);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static double round(double mb) {
    return Math.round(mb * 10) / 10.0;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
