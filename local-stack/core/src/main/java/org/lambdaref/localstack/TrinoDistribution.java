package org.lambdaref.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.lambdaref.localstack.launcher.ParentWatchingMain;
import org.lambdaref.model.PlatformException;

/**
 * The Trino server that {@code lambda local up --with-trino} runs: Maven Central's {@code
 * io.trino:trino-server} tar.gz (every plugin, 821 MB), unpacked once into a cache that every stack
 * on the machine shares, started with only the Delta Lake plugin by a JDK new enough for it.
 */
public final class TrinoDistribution {

  /** The path of the tar.gz, when it is not in the local Maven repository (tests set it). */
  public static final String TARBALL_PROPERTY = "lambda.trino.tarball";

  /** A JDK for Trino when the default one is too old; otherwise one is looked for. */
  public static final String JAVA_HOME_ENV = "TRINO_JAVA_HOME";

  /** Trino 476 is built for Java 24. */
  public static final int MINIMUM_JAVA = 24;

  /** The plugins the server loads: the lake's tables are Delta; the rest would only slow start. */
  static final List<String> PLUGINS = List.of("delta-lake");

  /** Where JDKs are installed on Debian and most Linux distributions. */
  private static final Path JVM_DIR = Path.of("/usr/lib/jvm");

  private TrinoDistribution() {}

  /** The Trino version the build pinned (the parent pom's {@code trino.version}). */
  public static String version() {
    String resource = "META-INF/lambda-stack/trino.properties";
    try (InputStream in = TrinoDistribution.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing: rebuild local-stack");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Maven command that downloads the tar.gz into the local repository. */
  public static String fetchCommand() {
    return "./mvnw -B dependency:get -Dartifact=io.trino:trino-server:"
        + version()
        + ":tar.gz -Dtransitive=false";
  }

  /** Where the tar.gz is: {@value #TARBALL_PROPERTY}, or the local Maven repository. */
  public static Path tarball() {
    String set = System.getProperty(TARBALL_PROPERTY, "");
    if (!set.isBlank()) {
      return Path.of(set);
    }
    Path repository =
        Path.of(
            System.getProperty(
                "maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
    String v = version();
    return repository.resolve(
        Path.of("io", "trino", "trino-server", v, "trino-server-" + v + ".tar.gz"));
  }

  /**
   * The unpacked server, unpacking it first if no stack did yet (about 6 s and 900 MB, once per
   * version); two JVMs starting at once unpack it once between them (a file lock), two threads of
   * one JVM too (this method is synchronized: a file lock is held per JVM).
   */
  public static synchronized Path home() {
    Path tarball = tarball();
    if (!Files.isRegularFile(tarball)) {
      throw new PlatformException(
          "The Trino server " + version() + " is not downloaded",
          "no " + tarball,
          "download it once (821 MB): " + fetchCommand());
    }
    Path cache = cacheDir();
    Path home = cache.resolve("trino-server-" + version());
    if (Files.isDirectory(home.resolve("lib"))) {
      return home;
    }
    try {
      Files.createDirectories(cache);
      try (FileChannel channel =
              FileChannel.open(
                  cache.resolve(".unpack.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        if (Files.isDirectory(home.resolve("lib"))) {
          return home; // another JVM unpacked it while we waited
        }
        Path partial = Files.createTempDirectory(cache, ".unpacking-");
        try {
          // GNU tar: the archive links plugins' shared jars as hard links, which it restores
          run(List.of("tar", "-xzf", tarball.toString(), "-C", partial.toString()));
          Files.move(partial.resolve("trino-server-" + version()), home);
        } finally {
          LocalStack.deleteTree(partial); // a failed unpack leaves no 900 MB behind
        }
      }
      return home;
    } catch (IOException e) {
      throw new PlatformException(
          "Could not unpack the Trino server into " + cache,
          e.toString(),
          "free disk space there (900 MB) or set XDG_CACHE_HOME to a writable folder",
          e);
    }
  }

  /** The shared cache of unpacked servers: {@code $XDG_CACHE_HOME} or {@code ~/.cache}. */
  static Path cacheDir() {
    String xdg = System.getenv().getOrDefault("XDG_CACHE_HOME", "");
    Path base = xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(xdg);
    return base.resolve("lambda-platform");
  }

  /** The server's classpath: our parent-watching launcher, then Trino's own libraries. */
  static String classpath(Path home) {
    String launcher;
    try {
      launcher =
          Path.of(
                  ParentWatchingMain.class
                      .getProtectionDomain()
                      .getCodeSource()
                      .getLocation()
                      .toURI())
              .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return launcher + File.pathSeparator + home.resolve("lib") + "/*";
  }

  /**
   * The {@code java} that runs Trino: from {@value #JAVA_HOME_ENV}, this JVM's own if it is new
   * enough, or the newest JDK of at least {@value #MINIMUM_JAVA} under /usr/lib/jvm.
   */
  public static Path javaExecutable() {
    return javaExecutable(System.getenv(), Path.of(System.getProperty("java.home")), JVM_DIR);
  }

  static Path javaExecutable(Map<String, String> env, Path currentHome, Path jvmDir) {
    String set = env.getOrDefault(JAVA_HOME_ENV, "");
    if (!set.isBlank()) {
      Path home = Path.of(set);
      int major = majorVersion(home).orElse(0);
      if (major < MINIMUM_JAVA) {
        throw new PlatformException(
            JAVA_HOME_ENV + "=" + set + " is not a JDK " + MINIMUM_JAVA + " or newer",
            "its release file says Java " + (major == 0 ? "unknown" : major),
            "point " + JAVA_HOME_ENV + " at a JDK " + MINIMUM_JAVA + "+ (Temurin 25, for example)");
      }
      return home.resolve("bin").resolve("java");
    }
    if (majorVersion(currentHome).orElse(0) >= MINIMUM_JAVA) {
      return currentHome.resolve("bin").resolve("java");
    }
    try (Stream<Path> homes = Files.isDirectory(jvmDir) ? Files.list(jvmDir) : Stream.empty()) {
      return homes
          .filter(h -> majorVersion(h).orElse(0) >= MINIMUM_JAVA)
          .filter(h -> Files.isExecutable(h.resolve("bin").resolve("java")))
          .max(Comparator.comparingInt(h -> majorVersion(h).orElse(0)))
          .map(h -> h.resolve("bin").resolve("java"))
          .orElseThrow(
              () ->
                  new PlatformException(
                      "No JDK " + MINIMUM_JAVA + " or newer for Trino " + version(),
                      "this JVM is Java "
                          + majorVersion(currentHome).map(String::valueOf).orElse("?")
                          + " and "
                          + jvmDir
                          + " holds none newer",
                      "install one (apt-get install temurin-25-jdk, or any JDK "
                          + MINIMUM_JAVA
                          + "+) and set "
                          + JAVA_HOME_ENV
                          + " to it"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The major Java version a JDK's {@code release} file names (JAVA_VERSION="25.0.1"). */
  static Optional<Integer> majorVersion(Path javaHome) {
    Path release = javaHome.resolve("release");
    if (!Files.isRegularFile(release)) {
      return Optional.empty();
    }
    try {
      for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
          String major = v.startsWith("1.") ? v.substring(2) : v;
          int end = 0;
          while (end < major.length() && Character.isDigit(major.charAt(end))) {
            end++;
          }
          return end == 0
              ? Optional.empty()
              : Optional.of(Integer.parseInt(major.substring(0, end)));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unpacking", e);
    }
  }
}
