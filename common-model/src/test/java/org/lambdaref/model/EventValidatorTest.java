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
    String line =
        VALID.replace("\"country\":\"KR\",", "").replace("\"sub_category\":\"search\",", "");

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

  /**
   * Issue 16: characters that looked "printable" to the old regex; each inside an otherwise good
   * id.
   */
  @ParameterizedTest(name = "U+{0} ({1}) is refused")
  @CsvSource({
    // whitespace, C0 controls and DEL
    "0020, space",
    "0009, tab",
    "000A, line feed",
    "000D, carriage return",
    "0000, NUL",
    "001F, unit separator",
    "007F, DEL",
    // C1 controls
    "0080, C1 PAD",
    "0085, next line",
    "009F, C1 APC",
    // Unicode spaces (Zs) and the line and paragraph separators
    "00A0, no-break space",
    "1680, ogham space",
    "2000, en quad",
    "200A, hair space",
    "202F, narrow no-break space",
    "205F, medium math space",
    "3000, ideographic space",
    "2028, line separator",
    "2029, paragraph separator",
    // bidi controls
    "200E, LRM",
    "200F, RLM",
    "061C, ALM",
    "202A, LRE",
    "202B, RLE",
    "202C, PDF",
    "202D, LRO",
    "202E, RLO",
    "2066, LRI",
    "2067, RLI",
    "2068, FSI",
    "2069, PDI",
    // zero-width and other format characters (Cf)
    "200B, zero-width space",
    "200C, ZWNJ",
    "200D, ZWJ",
    "2060, word joiner",
    "FEFF, BOM",
    "00AD, soft hyphen",
    "180E, mongolian vowel separator",
    "E0001, language tag",
    // unpaired surrogates
    "D800, lone high surrogate",
    "DBFF, lone high surrogate",
    "DC00, lone low surrogate",
    "DFFF, lone low surrogate",
    // private use, noncharacters and the replacement character
    "E000, private use",
    "F8FF, private use",
    "F0000, plane 15 private use",
    "10FFFD, plane 16 private use",
    "FDD0, noncharacter",
    "FDEF, noncharacter",
    "FFFE, noncharacter",
    "FFFF, noncharacter",
    "1FFFF, noncharacter",
    "10FFFF, noncharacter",
    "FFFD, replacement character",
  })
  void refusesIdsWithInvisibleOrUnpairedCharacters(String hex, String name) {
    // Character.toString of a surrogate code point is that lone surrogate
    String bad = Character.toString(Integer.parseInt(hex, 16));
    String id = "p-" + bad + "-1";

    assertThat(EventValidator.isValidId(id)).as("isValidId with U+%s %s", hex, name).isFalse();
    assertThat(EventValidator.isValidId(bad)).as("U+%s %s alone", hex, name).isFalse();
    // in a line as a JSON escape: the raw line stays ASCII, the parsed id has the character
    assertThat(reasonOf(VALID.replace("\"p-1\"", "\"" + jsonEscaped(id) + "\"")))
        .isEqualTo("bad_id:records.place_id");
    assertThat(reasonOf(VALID.replace("\"u-9\"", "\"" + jsonEscaped(id) + "\"")))
        .isEqualTo("bad_id:records.user_id");
    assertThat(reasonOf(VALID.replace("\"e-1\"", "\"" + jsonEscaped(id) + "\"")))
        .isEqualTo("bad_id:event_id");
  }

  @Test
  void refusesUnpairedSurrogatesWhereverTheyAre() {
    assertThat(EventValidator.isValidId("p-\uD83D")).as("high surrogate at the end").isFalse();
    assertThat(EventValidator.isValidId("\uDE00p-1")).as("low surrogate at the start").isFalse();
    assertThat(EventValidator.isValidId("p-\uDE00\uD83D"))
        .as("a pair in the wrong order")
        .isFalse();
    assertThat(EventValidator.isValidId("p-\uD83D\uD83D\uDE00")).as("two highs, one low").isFalse();
    assertThat(EventValidator.isValidId(null)).isFalse();
    assertThat(EventValidator.isValidId("")).isFalse();
  }

  @ParameterizedTest(name = "{0} is accepted")
  @CsvSource(
      delimiter = '|',
      value = {
        "p-1",
        "12345",
        "abc_DEF.123-x~+:@/=",
        "\uD55C\uAE00", // 한글
        "\uC7A5\uC18C-42",
        "caf\u00E9", // café, precomposed
        "cafe\u0301", // café, e + combining acute
        "\u00DCn\u00EFc\u00F8d\u00E9",
        "\u6771\u4EAC_\u30BF\u30EF\u30FC", // 東京_タワー
        "\u0645\u0631\u062D\u0628\u0627", // Arabic letters, no bidi controls
        "\uD83D\uDE00", // 😀, one supplementary character as a surrogate pair
        "p-\uD83D\uDE00-1",
        "\u2764\uFE0F", // ❤️ with a variation selector
        "1\uFE0F\u20E3", // keycap 1️⃣
        "\uD835\uDC00", // 𝐀 mathematical bold A
        "em\u2014dash\u2013and\u2011hyphens",
      })
  void acceptsVisibleIdsInAnyScript(String id) {
    assertThat(EventValidator.isValidId(id)).as("isValidId(%s)", id).isTrue();
    ValidationResult result = validator.validate(VALID.replace("\"p-1\"", "\"" + id + "\""));
    assertThat(result.isValid()).as("%s: %s", id, result).isTrue();
    assertThat(((ValidationResult.Valid) result).event().placeId()).isEqualTo(id);
  }

  @Test
  void lengthIsOneTo128CodePointsAndAnEmojiCountsOnce() {
    assertThat(EventValidator.isValidId("a")).isTrue();
    assertThat(EventValidator.isValidId("a".repeat(128))).isTrue();
    assertThat(EventValidator.isValidId("a".repeat(129))).isFalse();
    assertThat(EventValidator.isValidId("\uD55C".repeat(128))).as("128 Hangul syllables").isTrue();
    assertThat(EventValidator.isValidId("\uD83D\uDE00".repeat(128)))
        .as("128 emoji, 256 UTF-16 units")
        .isTrue();
    assertThat(EventValidator.isValidId("\uD83D\uDE00".repeat(129))).isFalse();
    assertThat(EventValidator.isValidId("a".repeat(127) + "\uD83D\uDE00")).isTrue();
    assertThat(EventValidator.isValidId("a".repeat(128) + "\uD83D\uDE00")).isFalse();
    assertThat(EventValidator.isValidId("\uD83D\uDE00".repeat(128) + "a"))
        .as("257 units")
        .isFalse();
    assertThat(
            validator.validate(VALID.replace("\"u-9\"", "\"" + "u".repeat(128) + "\"")).isValid())
        .isTrue();
  }

  @Test
  void theRejectionShowsInvisibleCharactersEscaped() {
    Rejection rejection =
        ((ValidationResult.Rejected)
                validator.validate(VALID.replace("\"p-1\"", "\"p\\u202e1\\u200b\\ud800\"")))
            .rejection();

    assertThat(rejection.reason()).isEqualTo("bad_id:records.place_id");
    assertThat(rejection.detail())
        .startsWith(
            "records.place_id 'p\\u202E1\\u200B\\uD800' is not 1 to 128 printable characters")
        .doesNotContain("\u202E", "\u200B", "\uD800");
  }

  /** Every UTF-16 unit as a JSON {@code \\u} escape. */
  private static String jsonEscaped(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      out.append(String.format("\\u%04x", (int) c));
    }
    return out.toString();
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
    EventValidator utcSource = new EventValidator(ValidationRules.defaults(ZoneOffset.UTC));
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
    assertThat(result)
        .as("expected a rejection for %s", line)
        .isInstanceOf(ValidationResult.Rejected.class);
    return ((ValidationResult.Rejected) result).rejection().reason();
  }
}
