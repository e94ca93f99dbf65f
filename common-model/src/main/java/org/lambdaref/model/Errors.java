package org.lambdaref.model;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every user-facing error of the platform is built here: problem, cause, fix. Keeping the wording
 * in one place keeps it consistent and makes it reviewable.
 */
public final class Errors {

  private Errors() {}

  public static PlatformException badTableName(String name, String why) {
    return new PlatformException(
        "Table name '" + name + "' breaks the naming rule",
        why,
        "name data tables "
            + TableName.RULE
            + ", for example "
            + TableName.EXAMPLES
            + "; database one of "
            + TableName.DATABASES);
  }

  public static PlatformException badConfigValue(
      String key, Object value, String allowed, Throwable cause) {
    return new PlatformException(
        "Configuration key '" + key + "' has a bad value '" + value + "'",
        "allowed: " + allowed,
        "set "
            + key
            + " in your env overlay, with --conf "
            + key
            + "=<value>, or with the"
            + " environment variable CONFIG_FORCE_"
            + key.replace('.', '_').replace("-", "__"),
        cause);
  }

  public static PlatformException unknownConfigKey(String key, Collection<String> known) {
    return new PlatformException(
        "Unknown configuration key '" + key + "'",
        "it is not one the platform reads, so the value would be silently ignored (a typo?)",
        "use one of the documented keys (README, 'Configuration'); close to it: "
            + Suggest.closest(key, known));
  }

  /**
   * A reader or writer asked a table for a column its declaration ({@link PlatformTables}) lacks.
   */
  public static PlatformException undeclaredColumn(
      TableName table, String column, Collection<String> declared) {
    return new PlatformException(
        "Table " + table.qualified() + " declares no column '" + column + "'",
        "the code asks for it, but the table's columns are declared once, in PlatformTables, and"
            + " that declaration lists "
            + declared,
        "ask for a declared column (close to it: "
            + Suggest.closest(column, declared)
            + "), or declare the new column in PlatformTables");
  }

  public static PlatformException missingConfigKey(String key) {
    return new PlatformException(
        "Configuration key '" + key + "' is missing",
        "it has no default and no value was given",
        "set it in your env overlay or with --conf " + key + "=<value>");
  }

  public static PlatformException unknownEnv(String env, Collection<String> known) {
    return new PlatformException(
        "Unknown environment '" + env + "'",
        "there is no overlay " + env + ".conf on the classpath",
        "use --env with one of " + known + ", or add " + env + ".conf next to reference.conf");
  }

  /**
   * An option (or parameter) given a value it does not take.
   *
   * @param option the option as the user types it, such as {@code --days}
   * @param allowed the form a value must have, such as {@link #wholeNumber(long, long)}
   */
  public static PlatformException badArgument(String option, Object value, String allowed) {
    if (value == null) {
      // no value is not a bad value 'null'
      return missingArgument(option, allowed);
    }
    return new PlatformException(
        "Option " + option + " has a bad value '" + value + "'",
        "allowed: " + allowed,
        "run the command again with a valid " + option + " (see --help)");
  }

  /**
   * An option (or parameter) the command needs and was not given.
   *
   * @param option the option as the user types it, such as {@code --start-date}
   * @param form the form a value has, such as {@code YYYY-MM-DD}
   * @param fix how to give it, such as the environment variable that may stand for it
   */
  public static PlatformException missingArgument(String option, String form, String fix) {
    return new PlatformException(
        "Missing " + option + " (" + form + ")", "the command needs it and has no default", fix);
  }

  /** As {@link #missingArgument(String, String, String)}, given on the command line. */
  public static PlatformException missingArgument(String option, String form) {
    return missingArgument(
        option,
        form,
        "run the command again with "
            + option
            + (option.startsWith("-") ? " <value>" : "")
            + " (see --help)");
  }

  /** An option given without the value it takes, such as {@code --days} as the last argument. */
  public static PlatformException missingValue(String option, String form) {
    return new PlatformException(
        "Option " + option + " has no value (" + form + ")",
        "the option takes a value, and none followed it",
        "run the command again with " + option + " <value> (see --help)");
  }

  /** The allowed form of a whole-number option with both bounds: for {@link #badArgument}. */
  public static String wholeNumber(long min, long max) {
    return "a whole number from " + min + " to " + max;
  }

  /** The allowed form of a whole-number option with a lower bound only. */
  public static String wholeNumberFrom(long min) {
    return "a whole number, " + min + " or more";
  }

  /** The allowed form of a fraction option. */
  public static String fraction() {
    return "a fraction from 0.0 to 1.0, such as 0.05";
  }

  /** The allowed form of a day option. */
  public static String date() {
    return "a date YYYY-MM-DD, such as 2019-06-08";
  }

  /**
   * The allowed form of an option of this Java type when the type alone says it (numbers, dates,
   * enums), for a command line parser's own errors; empty for other types.
   */
  public static Optional<String> formOf(Class<?> type) {
    if (type == int.class
        || type == Integer.class
        || type == long.class
        || type == Long.class
        || type == short.class
        || type == Short.class) {
      return Optional.of("a whole number");
    }
    if (type == double.class
        || type == Double.class
        || type == float.class
        || type == Float.class) {
      return Optional.of("a number, such as 0.5");
    }
    if (type == LocalDate.class) {
      return Optional.of(date());
    }
    if (type.isEnum()) {
      return Optional.of(
          "one of "
              + Arrays.stream(type.getEnumConstants())
                  .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                  .collect(Collectors.joining(", ")));
    }
    return Optional.empty();
  }

  /** Jobs that build the event tables, asked to run for a source that is not the event source. */
  public static PlatformException jobsNeedTheEventSource(
      Collection<String> jobs, String source, String eventSource) {
    return new PlatformException(
        "The jobs " + jobs + " cannot run for source '" + source + "'",
        "they build the event tables, which come from the event source '"
            + eventSource
            + "' (platform.event-source); another source's raw files can only be collected",
        "run --source "
            + source
            + " --jobs collect, or set platform.event-source = "
            + source
            + " to build the event tables from it");
  }

  public static PlatformException ioFailure(String what, String where, Throwable cause) {
    return new PlatformException(
        "Could not " + what + " at " + where,
        cause == null
            ? "unknown I/O failure"
            : cause.getClass().getSimpleName() + ": " + cause.getMessage(),
        "check that the location exists and is reachable (for s3a:// also the endpoint and credentials)",
        cause);
  }

  /**
   * A job of a period failed because the lake's storage (the S3 endpoint, or any Hadoop file
   * system) stopped answering. Delta commits last, so the tables still show their previous version.
   */
  public static PlatformException storageUnreachable(
      String job, String period, String root, Throwable cause) {
    return new PlatformException(
        job + " for " + period + " failed: the lake storage at " + root + " stopped answering",
        rootCause(cause),
        "bring the storage (the S3 endpoint, platform.s3.endpoint) back and run the period again"
            + " (bin/lambda batch --start-date <day> --iteration-count 1); the failed job committed nothing, so readers"
            + " still see its tables as they were before this run",
        cause);
  }

  /**
   * The innermost cause, as {@code Type: message}: the part of a long chain a person can act on.
   */
  public static String rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /**
   * A storage location of a deployed environment that is not on S3: on a cluster a local path is
   * one node's disk.
   */
  public static PlatformException notOnS3(String env, String key, String value) {
    return new PlatformException(
        "Configuration key '" + key + "' is '" + value + "', not an s3:// or s3a:// location",
        "with --env "
            + env
            + " the jobs run on cluster nodes: a local path is the disk of whichever node the driver"
            + " or a task landed on, so tables would be written there, split over nodes and lost"
            + " with them, and nothing would fail",
        "set platform.storage.root = \"s3://<lake-bucket>/<prefix>\" (or "
            + key
            + " itself) in the deployment's overlay file (--config-uri; docs/deploy-emr.md, step 2)");
  }

  /** A setting of a deployed environment that still points at this machine. */
  public static PlatformException loopbackOnCluster(
      String env, String key, String value, String host) {
    return new PlatformException(
        "Configuration key '"
            + key
            + "' points at "
            + host
            + " ('"
            + value
            + "'), a loopback address",
        "with --env "
            + env
            + " it is read on a cluster node, where "
            + host
            + " is that node itself: the local default of a setting the deployment did not set,"
            + " or a value copied from a laptop",
        "set "
            + key
            + " to the service's address in the deployment's overlay file (--config-uri;"
            + " docs/deploy-emr.md, step 2), or leave an endpoint empty for AWS's own");
  }

  /** A setting a deployed environment needs and has no value for. */
  public static PlatformException notSetForEnv(String env, String key, String why) {
    return new PlatformException(
        "Configuration key '" + key + "' is not set for --env " + env,
        why,
        "set "
            + key
            + " in the deployment's overlay file (--config-uri; docs/deploy-emr.md, step 2)");
  }

  /** A plain secret in the configuration of a deployed environment. */
  public static PlatformException plainSecretOnCluster(String env, String key) {
    return new PlatformException(
        "Configuration key '" + key + "' holds a plain secret for --env " + env,
        "there it could only have come from the deployment's overlay file or a step's --conf:"
            + " a file on S3 and the cluster, or step arguments that the EMR console, DescribeStep"
            + " and the driver's logs show",
        "store it in AWS Secrets Manager or SSM Parameter Store, set "
            + key
            + "-secret = \"arn:aws:secretsmanager:<region>:<account>:secret:<name>\" (or"
            + " \"ssm:<parameter>\") in the overlay file, leave "
            + key
            + " unset, and let the job role read it (secretsmanager:GetSecretValue or ssm:GetParameter on"
            + " it)");
  }
}
