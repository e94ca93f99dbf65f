package org.lambdaref.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lambdaref.model.PlatformException;

/**
 * Finds the classpath a server's JVM runs with. Each {@code local-stack/*-server} module writes its
 * resolved runtime classpath into its own jar at build time; here we read it back and add that jar
 * itself, which holds the server's small main class.
 */
final class ServerClasspath {

  private ServerClasspath() {}

  static String of(ServerKind kind) {
    String resource = "META-INF/lambda-stack/" + kind.id() + ".classpath";
    URL url = ServerClasspath.class.getClassLoader().getResource(resource);
    if (url == null) {
      throw new PlatformException(
          "The classpath of the " + kind.id() + " server is not on the classpath",
          "local-stack-" + kind.id() + "-server was not built (its jar carries " + resource + ")",
          "build the project once: ./mvnw -q install -DskipTests");
    }
    List<String> entries = new ArrayList<>();
    entries.add(moduleRoot(url, resource).toString());
    try (InputStream in = url.openStream()) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      for (String entry : text.split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          entries.add(entry);
        }
      }
    } catch (IOException e) {
      throw new PlatformException(
          "Could not read " + resource, e.toString(), "rebuild: ./mvnw -q install -DskipTests", e);
    }
    for (String entry : entries) {
      if (!Files.exists(Path.of(entry))) {
        throw new PlatformException(
            "The " + kind.id() + " server's classpath names a missing file: " + entry,
            "the build that wrote it was cleaned or the local Maven repository changed",
            "rebuild: ./mvnw -q install -DskipTests");
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static Path moduleRoot(URL url, String resource) {
    try {
      if ("jar".equals(url.getProtocol())) {
        JarURLConnection connection = (JarURLConnection) url.openConnection();
        connection.setUseCaches(false);
        return Path.of(connection.getJarFileURL().toURI());
      }
      Path file = Path.of(url.toURI());
      Path root = file;
      for (int i = 0; i < resource.split("/").length; i++) {
        root = root.getParent();
      }
      return root;
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot locate the jar of " + url, e);
    }
  }
}
