package org.lambdaref.emr;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * What an EMR node's Spark classpath has, cut out of a full one (a test's or {@code bin/lambda}'s):
 * Spark, Delta, Hadoop, Scala and what they bring, without the project's modules and without what a
 * layer's EMR jar must carry itself. With {@code s3a}, the AWS SDK v2 stays: S3A links against it,
 * and EMR ships its own bundle next to Spark.
 */
public final class EmrSparkClasspath {

  /** What the jar must bring itself: kept off the classpath to prove it does. */
  static final List<String> NOT_ON_EMR =
      List.of(
          "/org/lambdaref/",
          // the reactor's module jars and class folders (a build's, not ~/.m2's)
          "/target/",
          "/com/typesafe/config/",
          "/info/picocli/",
          "/org/postgresql/",
          "/org/apache/kafka/",
          "spark-sql-kafka",
          "spark-token-provider-kafka",
          "/org/apache/commons/commons-pool2/",
          "/io/digdag/",
          "/com/amazonaws/",
          // the CLI's own tooling, not Spark's
          "/org/testcontainers/",
          "/com/github/docker-java/",
          "/io/zonky/",
          "/org/junit/",
          "/org/assertj/");

  /** The AWS SDK v2 and what only it brings: EMR has its bundle, S3A needs it. */
  static final List<String> AWS_SDK = List.of("/software/amazon/", "/org/reactivestreams/");

  private EmrSparkClasspath() {}

  /** The entries of {@code classpath} an EMR node's Spark would have. */
  public static String of(String classpath, boolean s3a) {
    List<String> kept = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      String normalized = entry.replace('\\', '/');
      if (entry.isBlank() || NOT_ON_EMR.stream().anyMatch(normalized::contains)) {
        continue;
      }
      if (!s3a && AWS_SDK.stream().anyMatch(normalized::contains)) {
        continue;
      }
      kept.add(entry);
    }
    return String.join(File.pathSeparator, kept);
  }
}
