package org.lambdaref.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventValidatorTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
  private final EventValidator validator =
      new EventValidator(new ValidationRules(SEOUL, Duration.ofMinutes(10), 4096));

  private static final String VALID =
      "{\"event_id\":\"e-1\",\"event_time\":\"2019-06-08T15:30:02.123Z\","
          + "\"processing_time\":\"2019-06-08T15:31:00Z\",\"country\":\"KR\",\"category\":\"place\","
          + "\"sub_category\":\"search\",\"table_name\":\"place_event\","
          + "\"records\":{\"place_id\":\"p-1\",\"user_id\":\"u-9\",\"action\":\"click\"}}";

  @Test
  void acceptsWellFormedEventWithAllFieldsTyped() {
    ValidationResult result = validator.validate(VALID);

    assertThat(result).isInstanceOf(ValidationResult.Valid.class);
    PlaceEvent event = ((ValidationResult.Valid) result).event();
    assertThat(event.eventId()).isEqualTo("e-1");
    assertThat(event.eventTime()).isEqualTo(Instant.parse("2019-06-08T15:30:02.123Z"));
    assertThat(event.processingTime()).isEqualTo(Instant.parse("2019-06-08T15:31:00Z"));
    assertThat(event.country()).isEqualTo("KR");
    assertThat(event.category()).isEqualTo("place");
    assertThat(event.subCategory()).isEqualTo("search");
    assertThat(event.tableName()).isEqualTo("place_event");
    assertThat(event.placeId()).isEqualTo("p-1");
    assertThat(event.userId()).isEqualTo("u-9");
    assertThat(event.action()).isEqualTo(Action.CLICK);
  }

  @Test
  void acceptsNumericIdsAndIgnoresUnknownExtraFields() {
    String line =
        VALID
            .replace("\"p-1\"", "12345")
            .replace("\"u-9\"", "77")
            .replace("\"table_name\"", "\"new_field\":[1,2],\"table_name\"");

    ValidationResult result = validator.validate(line);

    assertThat(result.isValid()).as("numeric ids and extra fields are fine: %s", result).isTrue();
    PlaceEvent event = ((ValidationResult.Valid) result).event();
    assertThat(event.placeId()).isEqualTo("12345");
    assertThat(event.userId()).isEqualTo("77");
  }

  @Test
  void tagsAreOptional() {
    String line = VALID.replace("\"country\":\"KR\",", "").replace("\"sub_category\":\"search\",", "");

    ValidationResult result = validator.validate(line);

    assertThat(result.isValid()).isTrue();
    assertThat(((ValidationResult.Valid) result).event().country()).isNull();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // truncated, invalid and trailing garbage
        "{\"event_id\":\"e-1\",\"event_ti | malformed_json",
        "not json at all | malformed_json",
        "'{\"a\":1} {\"b\":2}' | malformed_json",
        "'{\"event_id\":\"a\",\"event_id\":\"b\"}' | malformed_json",
        "'   ' | malformed_json",
        "[1,2,3] | not_an_object",
        "'\"just a string\"' | not_an_object",
      })
  void refusesLinesThatAreNotOneJsonObject(String line, String reason) {
    assertThat(reasonOf(line)).isEqualTo(reason);
  }

  @ParameterizedTest(name = "without {0}")
  @CsvSource({
    "event_id",
    "event_time",
    "processing_time",
    "table_name",
    "records",
    "records.place_id",
    "records.user_id",
    "records.action",
  })
  void refusesMissingOrNullRequiredFields(String field) throws Exception {
    assertThat(reasonOf(edit(field, null, true))).isEqualTo("missing_field:" + field);
    assertThat(reasonOf(edit(field, NullNode.getInstance(), false)))
        .as("null counts as missing")
        .isEqualTo("missing_field:" + field);
  }

  /** VALID with one field removed (remove=true) or replaced by {@code value}. */
  private static String edit(String path, JsonNode value, boolean remove) throws Exception {
    ObjectNode root = (ObjectNode) MAPPER.readTree(VALID);
    ObjectNode parent = root;
    String name = path;
    if (path.startsWith("records.")) {
      parent = (ObjectNode) root.get("records");
      name = path.substring("records.".length());
    }
    if (remove) {
      parent.remove(name);
    } else {
      parent.set(name, value);
    }
    return MAPPER.writeValueAsString(root);
  }

  @Test
  void refusesWrongTypes() {
    assertThat(reasonOf(VALID.replace("\"p-1\"", "1.5"))).isEqualTo("wrong_type:records.place_id");
    assertThat(reasonOf(VALID.replace("\"u-9\"", "true"))).isEqualTo("wrong_type:records.user_id");
    assertThat(reasonOf(VALID.replace("\"click\"", "3"))).isEqualTo("wrong_type:records.action");
    assertThat(reasonOf(VALID.replace("\"KR\"", "82"))).isEqualTo("wrong_type:country");
    assertThat(reasonOf(VALID.replace("\"place_event\"", "{}"))).isEqualTo("wrong_type:table_name");
    assertThat(reasonOf(VALID.replaceFirst("\"records\":\\{[^}]*\\}", "\"records\":[1]")))
        .isEqualTo("wrong_type:records");
    assertThat(reasonOf(VALID.replace("\"e-1\"", "{\"id\":1}"))).isEqualTo("wrong_type:event_id");
  }

  @Test
  void refusesIdsWithWhitespaceOrEmpty() {
    assertThat(reasonOf(VALID.replace("\"e-1\"", "\"\""))).isEqualTo("bad_id:event_id");
    assertThat(reasonOf(VALID.replace("\"p-1\"", "\"p 1\""))).isEqualTo("bad_id:records.place_id");
    assertThat(reasonOf(VALID.replace("\"u-9\"", "\"" + "u".repeat(129) + "\"")))
        .isEqualTo("bad_id:records.user_id");
  }

  @ParameterizedTest(name = "event_time {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'\"2019-06-08\"'",
        "'\"2019/06/08 15:30:02\"'",
        "'\"2019-06-08T15:30:02\"'", // ISO without zone or offset is ambiguous
        "'\"2019-06-08 15:30:02.123\"'", // dot instead of the notes' colon
        "'\"2019-02-30 10:00:00:000\"'", // no such day
        "'\"1969-12-31T23:59:59Z\"'",
        "'\"2100-01-01T00:00:00Z\"'",
        "-1",
        "4102444800000", // 2100-01-01 in epoch ms
        "true",
        "1.5E12",
        "'\"\"'",
      })
  void refusesBadEventTimestamps(String value) {
    String line = VALID.replace("\"2019-06-08T15:30:02.123Z\"", value);
    assertThat(reasonOf(line)).as("line %s", line).isEqualTo("bad_timestamp:event_time");
  }

  @Test
  void refusesBadProcessingTimestamp() {
    assertThat(reasonOf(VALID.replace("\"2019-06-08T15:31:00Z\"", "\"yesterday\"")))
        .isEqualTo("bad_timestamp:processing_time");
  }

  @ParameterizedTest(name = "action {0}")
  @CsvSource({"purchase", "CLICK", "''"})
  void refusesUnknownActions(String action) {
    String line = VALID.replace("\"click\"", "\"" + action + "\"");
    String expected = action.isEmpty() ? "missing_field:records.action" : "unknown_action";
    assertThat(reasonOf(line)).isEqualTo(expected);
  }

  @Test
  void refusesEventsFromTheFutureBeyondTheAllowedSkew() {
    String elevenMinutesAhead =
        VALID.replace("\"2019-06-08T15:30:02.123Z\"", "\"2019-06-08T15:42:00.001Z\"");
    String tenMinutesAhead =
        VALID.replace("\"2019-06-08T15:30:02.123Z\"", "\"2019-06-08T15:41:00Z\"");

    assertThat(reasonOf(elevenMinutesAhead)).isEqualTo("clock_skew");
    assertThat(validator.validate(tenMinutesAhead).isValid())
        .as("exactly the allowed skew is still accepted")
        .isTrue();
  }

  @Test
  void refusesOverlongLinesAndInvalidUtf8() {
    String padded = VALID.replace("\"KR\"", "\"" + "K".repeat(5000) + "\"");
    assertThat(reasonOf(padded)).isEqualTo("line_too_long");
    assertThat(reasonOf(VALID.replace("KR", "K\uFFFDR"))).isEqualTo("invalid_utf8");
  }

  @Test
  void readsAllThreeTimestampFormsToTheSameInstant() {
    // 2019-06-09 00:30:00.000 in Seoul is 2019-06-08T15:30:00Z
    String iso = "\"2019-06-08T15:30:00Z\"";
    String offset = "\"2019-06-09T00:30:00+09:00\"";
    String epochNumber = "1560007800000";
    String epochText = "\"1560007800000\"";
    String notesLocal = "\"2019-06-09 00:30:00:000\"";

    for (String form : new String[] {iso, offset, epochNumber, epochText, notesLocal}) {
      String line = VALID.replace("\"2019-06-08T15:30:02.123Z\"", form);
      ValidationResult result = validator.validate(line);
      assertThat(result.isValid()).as("form %s: %s", form, result).isTrue();
      assertThat(((ValidationResult.Valid) result).event().eventTime())
          .as("form %s", form)
          .isEqualTo(Instant.parse("2019-06-08T15:30:00Z"));
    }
  }

  @Test
  void readsZonelessTimestampsInTheSourceZone() {
    EventValidator utcSource =
        new EventValidator(ValidationRules.defaults(ZoneOffset.UTC));
    String line = VALID.replace("\"2019-06-08T15:30:02.123Z\"", "\"2019-06-08 15:30:00:000\"");

    PlaceEvent event = ((ValidationResult.Valid) utcSource.validate(line)).event();

    assertThat(event.eventTime()).isEqualTo(Instant.parse("2019-06-08T15:30:00Z"));
  }

  @Test
  void everyRejectionCarriesADetailForTheReader() {
    ValidationResult result = validator.validate(VALID.replace("\"click\"", "\"buy\""));

    Rejection rejection = ((ValidationResult.Rejected) result).rejection();
    assertThat(rejection.detail()).contains("buy").contains("impression").contains("click");
    assertThat(rejection.category()).isEqualTo("unknown_action");
  }

  private String reasonOf(String line) {
    ValidationResult result = validator.validate(line);
    assertThat(result).as("expected a rejection for %s", line).isInstanceOf(ValidationResult.Rejected.class);
    return ((ValidationResult.Rejected) result).rejection().reason();
  }
}
