package org.lambdaref.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Checks answers of the service against {@code /openapi.json} with tools other clients use, run by
 * the machine's Node.js: ajv (with ajv-formats) validates each answer's status, media type and body
 * ({@code src/test/node/validate-responses.mjs}), and redocly lints the description with its
 * recommended rules ({@code src/test/node/redocly.yaml}). The npm packages are pinned in {@code
 * src/test/node/package-lock.json} and installed once per build into {@code target/api-conformance}
 * with {@code npm ci}.
 */
final class NodeChecks {

  /** The route of an answer to a path that matches no route (validate-responses.mjs). */
  static final String UNROUTED = "(no route)";

  /** One answer as a client saw it. */
  record Exchange(String target, String route, int status, String contentType, String body) {

    static Exchange of(String target, HttpResponse<String> r) {
      String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
      String route = RequestTarget.parse(path, null).route();
      return new Exchange(
          target,
          route.equals(RequestTarget.UNKNOWN) ? UNROUTED : route,
          r.statusCode(),
          r.headers().firstValue("Content-Type").orElse(""),
          r.body());
    }
  }

  /** What a tool printed, and whether it passed. */
  record Outcome(int exitCode, String output) {
    boolean passed() {
      return exitCode == 0;
    }
  }

  private static final Path SOURCES = Path.of("src/test/node");
  private static final Path TOOLS = Path.of("target/api-conformance");
  private static final Path SPEC = Path.of("src/main/resources/openapi.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeChecks() {}

  /** ajv's verdict on {@code exchanges}; a path the description has no route for is its own. */
  static Outcome validate(List<Exchange> exchanges) {
    Path tools = installed();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Exchange x : exchanges) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("target", x.target());
      row.put("route", x.route());
      row.put("method", "get");
      row.put("status", x.status());
      row.put("contentType", x.contentType());
      row.put("body", x.body());
      rows.add(row);
    }
    try {
      Path file = Files.createTempFile(tools, "exchanges-", ".json");
      JSON.writeValue(file.toFile(), rows);
      return run(
          tools,
          "node",
          "validate-responses.mjs",
          SPEC.toAbsolutePath().toString(),
          file.toAbsolutePath().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** redocly's lint of the description, with the rules of {@code redocly.yaml}. */
  static Outcome lint() {
    Path tools = installed();
    return run(
        tools,
        "node",
        "node_modules/@redocly/cli/bin/cli.js",
        "lint",
        "--config",
        "redocly.yaml",
        "--format",
        "stylish",
        SPEC.toAbsolutePath().toString());
  }

  /** Where Debian's Chromium is ({@code apt-get install chromium}); CHROMIUM overrides it. */
  static Path chromium() {
    String configured = System.getenv("CHROMIUM");
    return Path.of(configured != null ? configured : "/usr/bin/chromium");
  }

  /**
   * The page at {@code base + "/" + pageQuery} in headless Chromium, its bars, cut, watermark and
   * total checked against the API's answer at {@code base + apiPath}; a screenshot at {@code
   * screenshot}.
   */
  static Outcome pageCheck(String base, String pageQuery, String apiPath, Path screenshot) {
    Path tools = installed();
    return run(
        tools,
        "node",
        "page-check.mjs",
        base,
        pageQuery,
        apiPath,
        screenshot.toAbsolutePath().toString());
  }

  /**
   * The same check, then {@code change} (the caller changes the data the page shows) while the page
   * stays open, then the page checked again after it read the data again on its own, without a
   * reload ({@code pageQuery} sets its refresh).
   */
  static Outcome pageCheckAcrossAChange(
      String base, String pageQuery, String apiPath, Path screenshot, Runnable change) {
    Path tools = installed();
    ProcessBuilder pb =
        new ProcessBuilder(
                "node",
                "page-check.mjs",
                base,
                pageQuery,
                apiPath,
                screenshot.toAbsolutePath().toString(),
                "wait-for-change")
            .directory(tools.toFile())
            .redirectErrorStream(true);
    pb.environment().put("NO_COLOR", "1");
    try {
      Process p = pb.start();
      StringBuilder out = new StringBuilder();
      try (BufferedReader lines =
              new BufferedReader(
                  new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          Writer stdin = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
        String line;
        boolean changed = false;
        while ((line = lines.readLine()) != null) {
          if (!changed && line.equals("READY")) {
            change.run();
            stdin.write("changed\n");
            stdin.flush();
            changed = true;
          } else {
            out.append(line).append('\n');
          }
        }
      }
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("page-check.mjs did not finish in 2 minutes: " + out);
      }
      return new Outcome(p.exitValue(), out.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static synchronized Path installed() {
    try {
      Files.createDirectories(TOOLS);
      boolean lockChanged = !sameContent(SOURCES.resolve("package-lock.json"));
      try (var files = Files.list(SOURCES)) {
        for (Path f : files.toList()) {
          Files.copy(f, TOOLS.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      if (lockChanged || !Files.isDirectory(TOOLS.resolve("node_modules/ajv"))) {
        Outcome npm = run(TOOLS, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        if (!npm.passed()) {
          throw new AssertionError(
              "npm ci of the API conformance tools failed (needs the npm registry once per build): "
                  + npm.output());
        }
      }
      return TOOLS;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean sameContent(Path source) throws IOException {
    Path copy = TOOLS.resolve(source.getFileName());
    return Files.exists(copy) && Files.mismatch(source, copy) == -1;
  }

  private static Outcome run(Path dir, String... command) {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("REDOCLY_TELEMETRY", "off");
    pb.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    pb.environment().put("NO_COLOR", "1");
    try {
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 5 minutes");
      }
      return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run "
              + command[0]
              + ": the API conformance check needs Node.js 20.19+ with npm on the PATH"
              + " (Debian: apt-get install nodejs npm): "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
