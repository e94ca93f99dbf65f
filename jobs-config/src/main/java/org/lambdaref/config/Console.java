package org.lambdaref.config;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/** Progress and result lines for a person at a terminal: steps with their elapsed time. */
public final class Console {

  private final PrintStream out;
  private final long started = System.nanoTime();

  public Console(PrintStream out) {
    this.out = out;
  }

  public static Console stdout() {
    return new Console(System.out);
  }

  /** Runs one step, printing "==> what ... done in 1.2 s". */
  public <T> T step(String what, Supplier<T> action) {
    out.printf(Locale.ROOT, "==> %s ...%n", what);
    out.flush();
    long start = System.nanoTime();
    T result = action.get();
    out.printf(Locale.ROOT, "    done in %s%n", seconds(System.nanoTime() - start));
    return result;
  }

  public void step(String what, Runnable action) {
    step(
        what,
        () -> {
          action.run();
          return null;
        });
  }

  public void line(String format, Object... args) {
    out.printf(Locale.ROOT, format + "%n", args);
  }

  /** "days 3/30, elapsed 12.0 s, left ~108.0 s", measured from {@code since} (System.nanoTime). */
  public void progress(String label, long done, long total, long since) {
    long elapsed = System.nanoTime() - since;
    String eta = done == 0 ? "?" : seconds(elapsed * (total - done) / done);
    out.printf(
        Locale.ROOT,
        "    %s %d/%d, elapsed %s, left ~%s%n",
        label,
        done,
        total,
        seconds(elapsed),
        eta);
    out.flush();
  }

  public String elapsed() {
    return seconds(System.nanoTime() - started);
  }

  public static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", Duration.ofNanos(nanos).toMillis() / 1000.0);
  }
}
