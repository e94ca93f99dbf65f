package org.lambdaref.config;

import java.util.List;
import org.lambdaref.model.Errors;

/**
 * Where the daily place-master snapshot comes from: {@code jdbc} reads {@code placeTable} from the
 * source database; {@code dump} reads the day's dump files from the raw area, {@code
 * <datasource>/<dumpSource>/p_ymd=YYYYMMDD/} in {@code dumpFormat} (parquet keeps the column types,
 * which the schema-change check compares; json infers them).
 */
public record SourceDbSettings(
    JdbcSettings connection, String placeTable, String mode, String dumpSource, String dumpFormat) {

  public static final List<String> MODES = List.of("jdbc", "dump");
  public static final List<String> DUMP_FORMATS = List.of("parquet", "json");

  static SourceDbSettings read(Settings s) {
    String mode = s.nonEmpty("mode");
    if (!MODES.contains(mode)) {
      throw Errors.badConfigValue(s.key("mode"), mode, "one of " + MODES, null);
    }
    String format = s.nonEmpty("dump-format");
    if (!DUMP_FORMATS.contains(format)) {
      throw Errors.badConfigValue(s.key("dump-format"), format, "one of " + DUMP_FORMATS, null);
    }
    return new SourceDbSettings(
        JdbcSettings.read(s), s.nonEmpty("place-table"), mode, s.nonEmpty("dump-source"), format);
  }
}
