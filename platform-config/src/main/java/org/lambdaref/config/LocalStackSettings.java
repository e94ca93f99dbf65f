package org.lambdaref.config;

import java.nio.file.Path;
import java.util.List;
import org.lambdaref.model.Errors;

/** Where {@code lambda local up} keeps the stack and which ports it uses. */
public record LocalStackSettings(
    String mode,
    Path dir,
    int kafkaPort,
    int dynamoDbPort,
    int s3Port,
    int postgresPort,
    int trinoPort) {
  public static final List<String> MODES = List.of("auto", "embedded", "containers");

  static LocalStackSettings read(Settings s, Path base) {
    Settings ports = s.child("ports");
    String mode = s.nonEmpty("mode");
    if (!MODES.contains(mode)) {
      throw Errors.badConfigValue(s.key("mode"), mode, "one of " + MODES, null);
    }
    return new LocalStackSettings(
        mode,
        base.resolve(s.nonEmpty("dir")).toAbsolutePath().normalize(),
        ports.intIn("kafka", 1024, 65535),
        ports.intIn("dynamodb", 1024, 65535),
        ports.intIn("s3", 1024, 65535),
        ports.intIn("postgres", 1024, 65535),
        ports.intIn("trino", 1024, 65535));
  }
}
