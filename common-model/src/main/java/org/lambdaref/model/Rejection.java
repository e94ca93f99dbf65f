package org.lambdaref.model;

/**
 * Why a raw record was refused. {@code reason} is the stable, machine-readable code stored in the
 * quarantine tables and counted in the ledger ({@code missing_field:records.place_id}); {@code
 * detail} is for the person reading a quarantine row.
 */
public record Rejection(String reason, String detail) {

  public static final String MALFORMED_JSON = "malformed_json";
  public static final String NOT_AN_OBJECT = "not_an_object";
  public static final String MISSING_FIELD = "missing_field";
  public static final String WRONG_TYPE = "wrong_type";
  public static final String BAD_TIMESTAMP = "bad_timestamp";
  public static final String BAD_ID = "bad_id";
  public static final String UNKNOWN_ACTION = "unknown_action";
  public static final String CLOCK_SKEW = "clock_skew";
  public static final String LINE_TOO_LONG = "line_too_long";
  public static final String INVALID_UTF8 = "invalid_utf8";
  public static final String UNREADABLE_FILE = "unreadable_file";

  /** The record's processing time and the collector's arrival partition disagree. */
  public static final String ARRIVAL_MISMATCH = "arrival_mismatch";

  public static Rejection malformedJson(String detail) {
    return new Rejection(MALFORMED_JSON, detail);
  }

  public static Rejection notAnObject(String found) {
    return new Rejection(NOT_AN_OBJECT, "a record is one JSON object per line; found " + found);
  }

  public static Rejection missingField(String field) {
    return new Rejection(
        MISSING_FIELD + ":" + field, "required field " + field + " is absent or null");
  }

  public static Rejection wrongType(String field, String expected, String found) {
    return new Rejection(
        WRONG_TYPE + ":" + field, field + " must be " + expected + ", found " + found);
  }

  public static Rejection badTimestamp(String field, String value) {
    return new Rejection(
        BAD_TIMESTAMP + ":" + field,
        field
            + " '"
            + abbreviate(value)
            + "' is not ISO-8601 with Z or offset, epoch milliseconds, or yyyy-MM-dd HH:mm:ss:SSS,"
            + " within [1970, 2100)");
  }

  public static Rejection badId(String field, String value) {
    return new Rejection(
        BAD_ID + ":" + field,
        field + " '" + abbreviate(escapeInvisible(value)) + "' is not " + EventValidator.ID_RULE);
  }

  public static Rejection unknownAction(String value) {
    return new Rejection(
        UNKNOWN_ACTION,
        "records.action '" + abbreviate(value) + "' is not one of " + Action.wireNames());
  }

  public static Rejection clockSkew(String detail) {
    return new Rejection(CLOCK_SKEW, detail);
  }

  public static Rejection lineTooLong(int bytes, int limit) {
    return new Rejection(
        LINE_TOO_LONG, "the line has " + bytes + " bytes; records above " + limit + " are refused");
  }

  public static Rejection invalidUtf8() {
    return new Rejection(INVALID_UTF8, "the line is not valid UTF-8");
  }

  public static Rejection unreadableFile(String detail) {
    return new Rejection(UNREADABLE_FILE, detail);
  }

  /** The code without its field suffix: {@code missing_field:records.user_id -> missing_field}. */
  public String category() {
    int colon = reason.indexOf(':');
    return colon < 0 ? reason : reason.substring(0, colon);
  }

  static String abbreviate(String value) {
    if (value == null) {
      return "null";
    }
    if (value.length() <= 80) {
      return value;
    }
    // never cut a surrogate pair in two
    int end = Character.isHighSurrogate(value.charAt(76)) ? 76 : 77;
    return value.substring(0, end) + "...";
  }

  /**
   * An id as the person reading the quarantine should see it: every character an id may not have
   * (but the plain space) as a {@code \\uXXXX} escape, so that a bidi override cannot reorder the
   * row, a zero-width space becomes visible and an unpaired surrogate survives the UTF-8 encoding.
   */
  static String escapeInvisible(String value) {
    if (value == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      int units = Character.charCount(cp);
      boolean visible =
          cp == ' ' || (cp < 0x80 ? cp > 0x20 && cp != 0x7F : EventValidator.isIdCodePoint(cp));
      if (!visible && out == null) {
        out = new StringBuilder(value.length() + 16).append(value, 0, i);
      }
      if (out != null) {
        if (visible) {
          out.appendCodePoint(cp);
        } else {
          for (int u = i; u < i + units; u++) {
            out.append(String.format("\\u%04X", (int) value.charAt(u)));
          }
        }
      }
      i += units;
    }
    return out == null ? value : out.toString();
  }
}
