package org.lambdaref.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.model.PlatformException;

class TrinoDistributionTest {

  @TempDir Path jvms;

  private Path jdk(String name, String version) throws IOException {
    Path home = jvms.resolve(name);
    Files.createDirectories(home.resolve("bin"));
    Path java = Files.writeString(home.resolve("bin").resolve("java"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(
        home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
    return home;
  }

  @Test
  void theNewestJdkOfAtLeast24IsTakenWhenThisOneIsOlder() throws IOException {
    Path current = jdk("java-17", "17.0.13");
    jdk("temurin-24", "24.0.1");
    Path newest = jdk("temurin-25", "25.0.3");
    jdk("java-8", "1.8.0_402");

    assertThat(TrinoDistribution.javaExecutable(Map.of(), current, jvms))
        .isEqualTo(newest.resolve("bin").resolve("java"));
  }

  @Test
  void trinoJavaHomeWinsAndAnOldOneIsRefusedNamingIt() throws IOException {
    Path current = jdk("java-17", "17.0.13");
    Path chosen = jdk("temurin-24", "24.0.1");
    jdk("temurin-25", "25.0.3");

    assertThat(
            TrinoDistribution.javaExecutable(
                Map.of(TrinoDistribution.JAVA_HOME_ENV, chosen.toString()), current, jvms))
        .isEqualTo(chosen.resolve("bin").resolve("java"));
    assertThatThrownBy(
            () ->
                TrinoDistribution.javaExecutable(
                    Map.of(TrinoDistribution.JAVA_HOME_ENV, current.toString()), current, jvms))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining(current.toString())
        .hasMessageContaining("Java 17");
  }

  @Test
  void withNoNewEnoughJdkTheErrorSaysWhatToInstall() throws IOException {
    Path current = jdk("java-17", "17.0.13");

    assertThatThrownBy(() -> TrinoDistribution.javaExecutable(Map.of(), current, jvms))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("No JDK 24 or newer")
        .hasMessageContaining(TrinoDistribution.JAVA_HOME_ENV);
  }

  @Test
  void locationsAreWhatTrinosFileSystemsRead() {
    assertThat(TrinoConfig.location("file:/data/lake/t3/x")).isEqualTo("local:///data/lake/t3/x");
    assertThat(TrinoConfig.location("/data/lake/t3/x")).isEqualTo("local:///data/lake/t3/x");
    assertThat(TrinoConfig.location("s3a://lake/datastore/t3/x"))
        .isEqualTo("s3://lake/datastore/t3/x");
    assertThat(TrinoConfig.location("s3://lake/t3/x")).isEqualTo("s3://lake/t3/x");
  }

  @Test
  void theVersionIsTheParentPomsAndTheTarballIsInTheMavenRepository() {
    assertThat(TrinoDistribution.version()).matches("[0-9]+");
    assertThat(TrinoDistribution.tarball().toString())
        .endsWith(
            "io/trino/trino-server/"
                + TrinoDistribution.version()
                + "/trino-server-"
                + TrinoDistribution.version()
                + ".tar.gz");
  }
}
