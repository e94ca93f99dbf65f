package org.lambdaref.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.lambdaref.model.Errors;

/**
 * A JDBC database: where, who, and how long any wait on it may last ({@code connect-timeout},
 * {@code socket-timeout}, {@code statement-timeout}, {@code lock-timeout}), so that a job fails
 * with a clear error instead of hanging behind a lock or a dead connection. {@link #toString()}
 * hides the password.
 */
public record JdbcSettings(
    String url,
    String user,
    String password,
    Duration connectTimeout,
    Duration socketTimeout,
    Duration statementTimeout,
    Duration lockTimeout,
    String passwordSecret) {

  /**
   * The longest timeout accepted: longer is no bound at all (and PostgreSQL caps at about 24 days).
   */
  public static final Duration MAX_TIMEOUT = Duration.ofHours(24);

  public JdbcSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(passwordSecret, "passwordSecret");
    for (Duration d : List.of(connectTimeout, socketTimeout, statementTimeout, lockTimeout)) {
      if (d.isNegative() || d.isZero() || d.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException(
            "a JDBC timeout must be above zero and at most 24h, got " + d);
      }
    }
  }

  static JdbcSettings read(Settings s) {
    String url = s.nonEmpty("url");
    if (!url.startsWith("jdbc:")) {
      throw Errors.badConfigValue(s.key("url"), url, "a JDBC URL starting with jdbc:", null);
    }
    String secret = s.string("password-secret");
    if (!secret.isBlank()) {
      SecretReference.parse(s.key("password-secret"), secret);
    }
    return new JdbcSettings(
        url,
        s.string("user"),
        s.string("password"),
        timeout(s, "connect-timeout"),
        timeout(s, "socket-timeout"),
        timeout(s, "statement-timeout"),
        timeout(s, "lock-timeout"),
        secret);
  }

  private static Duration timeout(Settings s, String path) {
    Duration value = s.positiveDuration(path);
    if (value.compareTo(MAX_TIMEOUT) > 0) {
      throw Errors.badConfigValue(
          s.key(path), value, "a duration above zero and at most 24h", null);
    }
    return value;
  }

  /** The same database settings at another URL (the development copy of a sample export). */
  public JdbcSettings withUrl(String otherUrl) {
    return new JdbcSettings(
        otherUrl,
        user,
        password,
        connectTimeout,
        socketTimeout,
        statementTimeout,
        lockTimeout,
        passwordSecret);
  }

  /** The same settings with the password its reference resolved to. */
  public JdbcSettings withPassword(String resolved) {
    return new JdbcSettings(
        url,
        user,
        resolved,
        connectTimeout,
        socketTimeout,
        statementTimeout,
        lockTimeout,
        passwordSecret);
  }

  /** Whether the URL is PostgreSQL's, whose driver and server take the timeouts natively. */
  public boolean isPostgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  /** {@code d} in whole seconds, rounded up and at least 1 (0 means "no limit" to JDBC). */
  public static int seconds(Duration d) {
    long ms = d.toMillis();
    return (int) Math.max(1L, Math.min(Integer.MAX_VALUE, (ms + 999) / 1000));
  }

  /**
   * Connection properties for {@link java.sql.DriverManager#getConnection(String,
   * java.util.Properties)} and Spark's JDBC data source: user and password, and for PostgreSQL the
   * driver's connect, login and socket timeouts (seconds) and the server's {@code lock_timeout} and
   * {@code statement_timeout} for the session ({@code options}).
   */
  public Map<String, String> connectionProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("user", user);
    p.put("password", password);
    if (isPostgres()) {
      p.put("connectTimeout", Integer.toString(seconds(connectTimeout)));
      p.put("loginTimeout", Integer.toString(seconds(connectTimeout)));
      p.put("socketTimeout", Integer.toString(seconds(socketTimeout)));
      p.put(
          "options",
          "-c lock_timeout="
              + lockTimeout.toMillis()
              + "ms -c statement_timeout="
              + statementTimeout.toMillis()
              + "ms");
    }
    return p;
  }

  @Override
  public String toString() {
    return "JdbcSettings[url="
        + url
        + ", user="
        + user
        + ", password="
        + (password.isEmpty() ? "" : "****")
        + ", passwordSecret="
        + passwordSecret
        + ", connectTimeout="
        + connectTimeout
        + ", socketTimeout="
        + socketTimeout
        + ", statementTimeout="
        + statementTimeout
        + ", lockTimeout="
        + lockTimeout
        + "]";
  }
}
