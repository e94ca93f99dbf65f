package org.lambdaref.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The Spark line the platform's jars were compiled for, and the Amazon EMR releases that ship it.
 * The jars carry no Spark, Delta or Scala of their own, so they run only on a release of their
 * line: a Spark 3.5 jar on Spark 4 (or the reverse) fails at the first Scala or Delta call, far
 * from the cause. The build writes the versions into {@code build-line.properties}; the EMR
 * settings refuse a release label of another line and default to the line's release.
 */
public enum BuildLine {
  /**
   * Spark 3.5, Scala 2.12, Delta 3.3: Amazon EMR 7.x. Built by the git tag {@code spark-3.5-last},
   * the last commit of that line; known here so that a label of it is refused with where to go.
   */
  SPARK_3_5(
      "3.5",
      "EMR 7.x",
      Pattern.compile("emr-7\\.\\d+\\.\\d+"),
      "emr-7.12.0",
      List.of("Spark", "Hadoop")),
  /**
   * Spark 4.0, Scala 2.13, Delta 4.0: Amazon EMR's Spark runtime {@code emr-spark-8.x}, whose
   * applications are Spark, Delta, Hudi, Iceberg, Livy and the CloudWatch agent (no Hadoop entry).
   */
  SPARK_4_0(
      "4.0",
      "emr-spark-8.x",
      Pattern.compile("emr-spark-8\\.\\d+\\.\\d+"),
      "emr-spark-8.0.0",
      List.of("Spark", "Delta"));

  private static final String RESOURCE = "build-line.properties";

  private final String sparkMinor;
  private final String emrLine;
  private final Pattern releaseLabels;
  private final String defaultReleaseLabel;
  private final List<String> emrApplications;

  BuildLine(
      String sparkMinor,
      String emrLine,
      Pattern releaseLabels,
      String defaultReleaseLabel,
      List<String> emrApplications) {
    this.sparkMinor = sparkMinor;
    this.emrLine = emrLine;
    this.releaseLabels = releaseLabels;
    this.defaultReleaseLabel = defaultReleaseLabel;
    this.emrApplications = emrApplications;
  }

  /** The line of this build, from the versions the build wrote. */
  public static BuildLine current() {
    return ofSparkVersion(builtVersions().getProperty("spark.version"));
  }

  /** The line of a Spark version such as {@code 3.5.7} or {@code 4.0.0}. */
  public static BuildLine ofSparkVersion(String sparkVersion) {
    return Arrays.stream(values())
        .filter(
            l ->
                sparkVersion != null
                    && (sparkVersion.equals(l.sparkMinor)
                        || sparkVersion.startsWith(l.sparkMinor + ".")))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the build says Spark '"
                        + sparkVersion
                        + "', which is not a line the platform knows ("
                        + Arrays.toString(values())
                        + "); add it to BuildLine with the EMR releases that ship it"));
  }

  /** Spark, Delta and Scala versions the jars were compiled against, for messages. */
  public static String builtWith() {
    Properties p = builtVersions();
    return "Spark "
        + p.getProperty("spark.version")
        + ", Delta "
        + p.getProperty("delta.version")
        + ", Scala "
        + p.getProperty("scala.binary.version");
  }

  public boolean acceptsReleaseLabel(String label) {
    return releaseLabels.matcher(label).matches();
  }

  /** Words for an error message: which releases the jars run on. */
  public String releaseLabelRule() {
    return "an "
        + emrLine
        + " release label such as "
        + defaultReleaseLabel
        + ": these jars were built for "
        + builtWith()
        + " ("
        + emrLine
        + "). For another EMR line, build the jars of that line"
        + " (main builds emr-spark-8.x; for EMR 7.x build the git tag spark-3.5-last; docs/deploy-emr.md)";
  }

  public String sparkMinor() {
    return sparkMinor;
  }

  public String emrLine() {
    return emrLine;
  }

  public String defaultReleaseLabel() {
    return defaultReleaseLabel;
  }

  /** The applications a cluster of this line installs for the platform. */
  public List<String> emrApplications() {
    return emrApplications;
  }

  private static Properties builtVersions() {
    try (InputStream in = BuildLine.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE
                + " is missing beside "
                + BuildLine.class.getName()
                + ": the jar was not built by the project's Maven build (it writes that file)");
      }
      Properties p = new Properties();
      p.load(in);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
