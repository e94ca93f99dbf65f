package org.lambdaref.model;

import java.util.Collection;

/**
 * Every user-facing error of the platform is built here: problem, cause, fix. Keeping the wording in
 * one place keeps it consistent and makes it reviewable.
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
        "set " + key + " in your env overlay, with --conf " + key + "=<value>, or with the"
            + " environment variable CONFIG_FORCE_" + key.replace('.', '_').replace("-", "__"),
        cause);
  }

  public static PlatformException unknownConfigKey(String key, Collection<String> known) {
    return new PlatformException(
        "Unknown configuration key '" + key + "'",
        "it is not one the platform reads, so the value would be silently ignored (a typo?)",
        "use one of the documented keys (README, 'Configuration'); close to it: "
            + Suggest.closest(key, known));
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

  public static PlatformException badArgument(String option, Object value, String allowed) {
    return new PlatformException(
        "Option " + option + " has a bad value '" + value + "'",
        "allowed: " + allowed,
        "run the command again with a valid " + option + " (see --help)");
  }

  public static PlatformException ioFailure(String what, String where, Throwable cause) {
    return new PlatformException(
        "Could not " + what + " at " + where,
        cause == null ? "unknown I/O failure" : cause.getClass().getSimpleName() + ": " + cause.getMessage(),
        "check that the location exists and is reachable (for s3a:// also the endpoint and credentials)",
        cause);
  }
}
