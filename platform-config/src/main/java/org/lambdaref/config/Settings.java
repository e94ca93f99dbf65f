package org.lambdaref.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import org.lambdaref.model.Errors;

/**
 * Reads typed values and turns every Typesafe failure into an error that names the key, the bad
 * value and what is allowed.
 */
final class Settings {

  private final Config config;
  private final String prefix;

  Settings(Config config, String prefix) {
    this.config = config;
    this.prefix = prefix;
  }

  Settings child(String path) {
    return new Settings(config.getConfig(path), key(path));
  }

  String key(String path) {
    return prefix.isEmpty() ? path : prefix + "." + path;
  }

  String string(String path) {
    return read(path, "a string", config::getString);
  }

  String nonEmpty(String path) {
    String value = string(path);
    if (value.isBlank()) {
      throw Errors.badConfigValue(key(path), value, "a non-empty string", null);
    }
    return value;
  }

  boolean bool(String path) {
    return read(path, "true or false", config::getBoolean);
  }

  int intIn(String path, int min, int max) {
    int value = read(path, "an integer from " + min + " to " + max, config::getInt);
    if (value < min || value > max) {
      throw Errors.badConfigValue(key(path), value, "an integer from " + min + " to " + max, null);
    }
    return value;
  }

  Duration duration(String path) {
    Duration value = read(path, "a duration such as 10m, 6h or 500ms", config::getDuration);
    if (value.isNegative()) {
      throw Errors.badConfigValue(key(path), value, "a duration that is not negative", null);
    }
    return value;
  }

  Duration positiveDuration(String path) {
    Duration value = duration(path);
    if (value.isZero()) {
      throw Errors.badConfigValue(
          key(path), value, "a duration above zero, such as 5s or 10m", null);
    }
    return value;
  }

  long longIn(String path, long min, long max) {
    long value = read(path, "an integer from " + min + " to " + max, config::getLong);
    if (value < min || value > max) {
      throw Errors.badConfigValue(key(path), value, "an integer from " + min + " to " + max, null);
    }
    return value;
  }

  /** A size in bytes, written as HOCON sizes (64m, 1g, 65536); at least {@code min}. */
  long bytesAtLeast(String path, long min) {
    long value = read(path, "a size such as 64m, 1g or 65536 (bytes)", config::getBytes);
    if (value < min) {
      throw Errors.badConfigValue(key(path), value, "a size of at least " + min + " bytes", null);
    }
    return value;
  }

  ZoneId zone(String path) {
    String value = string(path);
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw Errors.badConfigValue(
          key(path), value, "a time zone id such as UTC or Asia/Seoul (java.time.ZoneId)", e);
    }
  }

  <E extends Enum<E>> E enumValue(String path, Class<E> type) {
    String value = string(path);
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw Errors.badConfigValue(
          key(path),
          value,
          "one of "
              + Arrays.stream(type.getEnumConstants())
                  .map(c -> c.name().toLowerCase(Locale.ROOT))
                  .toList(),
          e);
    }
  }

  private <T> T read(String path, String allowed, Function<String, T> getter) {
    try {
      return getter.apply(path);
    } catch (ConfigException.Missing e) {
      throw Errors.missingConfigKey(key(path));
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      Object raw = config.hasPathOrNull(path) ? config.getValue(path).unwrapped() : null;
      throw Errors.badConfigValue(key(path), raw, allowed, e);
    }
  }
}
