package org.lambdaref.model.generator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Every kind of bad input a collector produces, each line with the outcome the rules promise: the
 * reason code it must be quarantined with, or that it must be accepted (or counted as a duplicate).
 * The batch and the speed layer are both tested on it, so they cannot drift apart. Every line
 * carries its case name, so that a quarantine row can be traced back to its case.
 */
public final class BadInputCorpus {

  /** What must happen to a line. */
  public enum Outcome {
    ACCEPTED,
    DUPLICATE,
    REJECTED
  }

  /** One line: {@code reason} is the exact quarantine reason when rejected. */
  public record Case(String name, byte[] line, Outcome outcome, String reason) {
    public String text() {
      return new String(line, StandardCharsets.UTF_8);
    }
  }

  private BadInputCorpus() {}

  /**
   * The corpus for records that arrive at {@code arrival}; their event times are a minute earlier,
   * so valid ones are on time. Lines longer than {@code maxLineBytes} are built to exceed it.
   */
  public static List<Case> cases(Instant arrival, int maxLineBytes) {
    String pt = arrival.toString();
    String et = arrival.minusSeconds(60).toString();
    List<Case> out = new ArrayList<>();
    // malformed
    out.add(
        rejected(
            "truncated_json",
            "{\"event_id\":\"truncated_json\",\"event_time\":\"" + et,
            "malformed_json"));
    out.add(
        rejected("invalid_json", "{event_id: invalid_json, 'quotes': wrong}", "malformed_json"));
    out.add(rejected("not_an_object", "[\"not_an_object\", 1, 2]", "not_an_object"));
    out.add(rejected("blank_line_case", "   \t  ", "malformed_json"));
    out.add(rejected("empty_object", "{\"note\":\"empty_object\"}", "missing_field:event_id"));
    // size and encoding
    out.add(
        rejected(
            "huge_line",
            event(
                "huge_line",
                et,
                pt,
                "p-1",
                "u-1",
                "\"click\"",
                ",\"padding\":\"" + "x".repeat(maxLineBytes + 10) + "\""),
            "line_too_long"));
    byte[] utf8 =
        event("invalid_utf8", et, pt, "p-1", "u-1", "\"click\"", ",\"name\":\"caf\u00e9\"")
            .getBytes(StandardCharsets.UTF_8);
    out.add(new Case("invalid_utf8", corruptUtf8(utf8), Outcome.REJECTED, "invalid_utf8"));
    // missing, null and wrongly typed fields
    out.add(
        rejected(
            "missing_user",
            "{\"event_id\":\"missing_user\",\"event_time\":\""
                + et
                + "\",\"processing_time\":\""
                + pt
                + "\",\"table_name\":\"place_event\",\"records\":{\"place_id\":\"p-1\",\"action\":\"click\"}}",
            "missing_field:records.user_id"));
    out.add(
        rejected(
            "null_place",
            event("null_place", et, pt, null, "u-1", "\"click\"", ""),
            "missing_field:records.place_id"));
    out.add(
        rejected(
            "place_as_object",
            event("place_as_object", et, pt, "{\"id\":1}", "u-1", "\"click\"", ""),
            "wrong_type:records.place_id"));
    out.add(
        rejected(
            "action_as_number",
            event("action_as_number", et, pt, "p-1", "u-1", "5", ""),
            "wrong_type:records.action"));
    out.add(
        rejected(
            "records_as_string",
            "{\"event_id\":\"records_as_string\",\"event_time\":\""
                + et
                + "\",\"processing_time\":\""
                + pt
                + "\",\"table_name\":\"place_event\",\"records\":\"p-1 click\"}",
            "wrong_type:records"));
    out.add(
        rejected(
            "bad_place_id",
            event("bad_place_id", et, pt, "\"p 1\"", "u-1", "\"click\"", ""),
            "bad_id:records.place_id"));
    // ids with characters that are not visible (issue 16): raw in the line, or as a JSON escape
    out.add(
        rejected(
            "place_id_line_separator",
            event("place_id_line_separator", et, pt, "\"p\u20281\"", "u-1", "\"click\"", ""),
            "bad_id:records.place_id"));
    out.add(
        rejected(
            "place_id_bidi_override",
            event("place_id_bidi_override", et, pt, "\"p-\u202E1\"", "u-1", "\"click\"", ""),
            "bad_id:records.place_id"));
    out.add(
        rejected(
            "place_id_lone_surrogate",
            event("place_id_lone_surrogate", et, pt, "\"p-\\ud800\"", "u-1", "\"click\"", ""),
            "bad_id:records.place_id"));
    out.add(
        rejected(
            "user_id_zero_width_space",
            event("user_id_zero_width_space", et, pt, "p-1", "u-\u200B1", "\"click\"", ""),
            "bad_id:records.user_id"));
    out.add(
        rejected(
            "unknown_action",
            event("unknown_action", et, pt, "p-1", "u-1", "\"view\"", ""),
            "unknown_action"));
    // timestamps
    out.add(
        rejected(
            "bad_time_format",
            eventRawTimes("bad_time_format", "\"20/11/2026 10:00\"", "\"" + pt + "\""),
            "bad_timestamp:event_time"));
    out.add(
        rejected(
            "time_before_1970",
            eventRawTimes("time_before_1970", "\"1969-12-31T23:59:59Z\"", "\"" + pt + "\""),
            "bad_timestamp:event_time"));
    out.add(
        rejected(
            "time_after_2100",
            eventRawTimes("time_after_2100", "\"2100-01-01T00:00:00Z\"", "\"" + pt + "\""),
            "bad_timestamp:event_time"));
    out.add(
        rejected(
            "time_as_boolean",
            eventRawTimes("time_as_boolean", "true", "\"" + pt + "\""),
            "bad_timestamp:event_time"));
    out.add(
        rejected(
            "missing_processing_time",
            "{\"event_id\":\"missing_processing_time\",\"event_time\":\""
                + et
                + "\",\"table_name\":\"place_event\",\"records\":{\"place_id\":\"p-1\",\"user_id\":\"u-1\",\"action\":\"click\"}}",
            "missing_field:processing_time"));
    out.add(
        rejected(
            "device_clock_ahead",
            eventRawTimes(
                "device_clock_ahead",
                "\"" + arrival.plusSeconds(2 * 86_400) + "\"",
                "\"" + pt + "\""),
            "clock_skew"));
    // accepted: every timestamp form, numeric ids, unknown extra fields
    out.add(
        accepted(
            "epoch_millis",
            eventRawTimes(
                "epoch_millis",
                Long.toString(arrival.minusSeconds(60).toEpochMilli()),
                Long.toString(arrival.toEpochMilli()))));
    out.add(
        accepted(
            "offset_time",
            eventRawTimes(
                "offset_time",
                "\"" + arrival.minusSeconds(60).atOffset(ZoneOffset.ofHours(9)) + "\"",
                "\"" + pt + "\"")));
    out.add(
        accepted(
            "numeric_place_id",
            event("numeric_place_id", et, pt, "12345", "u-1", "\"impression\"", "")));
    out.add(
        accepted(
            "unknown_extra_fields",
            event(
                "unknown_extra_fields",
                et,
                pt,
                "p-1",
                "u-1",
                "\"click\"",
                ",\"app_version\":\"9.1\",\"nested\":{\"a\":[1,2,3]}")));
    // the same id again with another payload, processed later: a duplicate of the first copy
    out.add(
        new Case(
            "unknown_extra_fields#2",
            event(
                    "unknown_extra_fields",
                    et,
                    arrival.plusSeconds(1).toString(),
                    "p-2",
                    "u-9",
                    "\"impression\"",
                    ",\"copy\":\"unknown_extra_fields#2\"")
                .getBytes(StandardCharsets.UTF_8),
            Outcome.DUPLICATE,
            null));
    return out;
  }

  private static Case rejected(String name, String line, String reason) {
    return new Case(name, line.getBytes(StandardCharsets.UTF_8), Outcome.REJECTED, reason);
  }

  private static Case accepted(String name, String line) {
    return new Case(name, line.getBytes(StandardCharsets.UTF_8), Outcome.ACCEPTED, null);
  }

  /** {@code place} and {@code action} are raw JSON (quoted when strings); a bare word is quoted. */
  private static String event(
      String id, String et, String pt, String place, String user, String action, String extra) {
    String placeJson =
        place == null
            ? "null"
            : place.startsWith("\"") || place.startsWith("{") || place.matches("\\d+")
                ? place
                : "\"" + place + "\"";
    return "{\"event_id\":\""
        + id
        + "\",\"event_time\":\""
        + et
        + "\",\"processing_time\":\""
        + pt
        + "\",\"table_name\":\"place_event\",\"records\":{\"place_id\":"
        + placeJson
        + ",\"user_id\":\""
        + user
        + "\",\"action\":"
        + action
        + "}"
        + extra
        + "}";
  }

  private static String eventRawTimes(String id, String eventTimeJson, String processingTimeJson) {
    return "{\"event_id\":\""
        + id
        + "\",\"event_time\":"
        + eventTimeJson
        + ",\"processing_time\":"
        + processingTimeJson
        + ",\"table_name\":\"place_event\",\"records\":{\"place_id\":\"p-1\",\"user_id\":\"u-1\",\"action\":\"click\"}}";
  }

  /** Replaces the two-byte é with a lone continuation byte sequence that is not UTF-8. */
  private static byte[] corruptUtf8(byte[] utf8) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < utf8.length; i++) {
      if ((utf8[i] & 0xFF) == 0xC3 && i + 1 < utf8.length && (utf8[i + 1] & 0xFF) == 0xA9) {
        out.write(0xC3);
        out.write(0x28); // 0xC3 must be followed by a continuation byte; '(' is not one
        i++;
      } else {
        out.write(utf8[i]);
      }
    }
    return out.toByteArray();
  }
}
