package org.lambdaref.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Validates one raw line of the place event source into a {@link PlaceEvent} or a {@link
 * Rejection}. Pure Java and thread-safe: the batch layer runs it inside Spark tasks, the speed
 * layer per micro-batch, and both therefore agree on every reason.
 *
 * <p>Checks, in order (the first failure is the reason): size, JSON syntax (trailing garbage and
 * duplicate keys included), object shape, {@code event_id}, {@code event_time}, {@code
 * processing_time}, {@code table_name}, the optional tags, {@code records} and its {@code
 * place_id}, {@code user_id}, {@code action}, then clock skew. Unknown extra fields are ignored:
 * collectors add fields over time and that must not reject good events.
 */
public final class EventValidator implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final ObjectReader READER =
      new ObjectMapper(
              JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonParser.Feature.ALLOW_COMMENTS)
          .reader();

  /** The most characters (code points: an emoji is one) an id may have. */
  public static final int MAX_ID_LENGTH = 128;

  /** What {@link #isValidId} accepts, in words for error messages. */
  public static final String ID_RULE =
      "1 to 128 printable characters: no spaces, control, format (zero-width, bidi) or separator"
          + " characters, no unpaired surrogates, private-use or noncharacters";

  /**
   * Whether {@code value} is a well-formed id (place, user, event): the one rule, used by the
   * batch, the speed and the serving layer alike. Ids are opaque, but they become keys in Delta,
   * DynamoDB and URLs, so they must be visible and bounded: 1 to {@value #MAX_ID_LENGTH} code
   * points (a supplementary character such as an emoji counts once), none of them
   *
   * <ul>
   *   <li>whitespace or a separator (general categories Zs, Zl, Zp: U+00A0, U+2028, U+2029, ...),
   *   <li>a control (Cc: C0, DEL, C1 U+0080-U+009F),
   *   <li>a format character (Cf: zero-width U+200B-U+200D, U+2060, U+FEFF, bidi controls U+200E,
   *       U+200F, U+202A-U+202E, U+2066-U+2069, U+061C, soft hyphen, ...),
   *   <li>an unpaired surrogate (Cs), a private-use character (Co),
   *   <li>a noncharacter (U+FDD0-U+FDEF and every U+xxFFFE/U+xxFFFF) or U+FFFD, the decoder's
   *       replacement character.
   * </ul>
   *
   * Unassigned code points are deliberately not refused: which ones are unassigned depends on the
   * JDK's Unicode version, and two layers on two JDKs would then disagree about a new emoji. A loop
   * rather than a regex: it runs for three ids of every line on the hot path.
   */
  public static boolean isValidId(String value) {
    if (value == null) {
      return false;
    }
    int units = value.length();
    if (units == 0 || units > 2 * MAX_ID_LENGTH) {
      return false;
    }
    int codePoints = 0;
    for (int i = 0; i < units; codePoints++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        // ASCII: everything above the space but DEL
        if (c <= 0x20 || c == 0x7F) {
          return false;
        }
        i++;
        continue;
      }
      int cp;
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == units || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return false;
        }
        cp = Character.toCodePoint(c, value.charAt(i + 1));
        i += 2;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      } else {
        cp = c;
        i++;
      }
      if (!isIdCodePoint(cp)) {
        return false;
      }
    }
    return codePoints <= MAX_ID_LENGTH;
  }

  /** A non-ASCII code point allowed in an id (surrogate pairs already combined). */
  static boolean isIdCodePoint(int cp) {
    if (cp == 0xFFFD || (cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) {
      return false;
    }
    switch (Character.getType(cp)) {
      case Character.SPACE_SEPARATOR:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.SURROGATE:
      case Character.PRIVATE_USE:
        return false;
      default:
        return true;
    }
  }

  private final ValidationRules rules;

  public EventValidator(ValidationRules rules) {
    this.rules = rules;
  }

  public ValidationRules rules() {
    return rules;
  }

  public ValidationResult validate(String line) {
    if (line == null) {
      return rejected(Rejection.malformedJson("empty record"));
    }
    // a UTF-16 unit is at most 3 UTF-8 bytes: only long lines pay for the encoding
    if ((long) line.length() * 3 > rules.maxLineBytes()) {
      int bytes = line.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > rules.maxLineBytes()) {
        return rejected(Rejection.lineTooLong(bytes, rules.maxLineBytes()));
      }
    }
    if (line.indexOf('\uFFFD') >= 0) {
      // the decoder substitutes U+FFFD for bytes that are not UTF-8
      return rejected(Rejection.invalidUtf8());
    }
    if (line.isBlank()) {
      return rejected(Rejection.malformedJson("blank line"));
    }
    JsonNode root;
    try {
      root = READER.readTree(line);
    } catch (JsonProcessingException e) {
      return rejected(Rejection.malformedJson(firstLine(e.getOriginalMessage())));
    } catch (IOException e) {
      return rejected(Rejection.malformedJson(firstLine(e.getMessage())));
    }
    if (root == null || root.isMissingNode()) {
      return rejected(Rejection.malformedJson("no JSON value"));
    }
    if (!root.isObject()) {
      return rejected(Rejection.notAnObject(root.getNodeType().name().toLowerCase()));
    }
    return validateObject(root);
  }

  private ValidationResult validateObject(JsonNode root) {
    Field<String> eventId = id(root, "event_id", "event_id");
    if (eventId.rejection != null) {
      return rejected(eventId.rejection);
    }
    Field<Instant> eventTime = timestamp(root, "event_time");
    if (eventTime.rejection != null) {
      return rejected(eventTime.rejection);
    }
    Field<Instant> processingTime = timestamp(root, "processing_time");
    if (processingTime.rejection != null) {
      return rejected(processingTime.rejection);
    }
    Field<String> tableName = text(root, "table_name", "table_name", true);
    if (tableName.rejection != null) {
      return rejected(tableName.rejection);
    }
    Field<String> country = text(root, "country", "country", false);
    if (country.rejection != null) {
      return rejected(country.rejection);
    }
    Field<String> category = text(root, "category", "category", false);
    if (category.rejection != null) {
      return rejected(category.rejection);
    }
    Field<String> subCategory = text(root, "sub_category", "sub_category", false);
    if (subCategory.rejection != null) {
      return rejected(subCategory.rejection);
    }
    JsonNode records = root.get("records");
    if (records == null || records.isNull()) {
      return rejected(Rejection.missingField("records"));
    }
    if (!records.isObject()) {
      return rejected(Rejection.wrongType("records", "an object", typeOf(records)));
    }
    Field<String> placeId = id(records, "place_id", "records.place_id");
    if (placeId.rejection != null) {
      return rejected(placeId.rejection);
    }
    Field<String> userId = id(records, "user_id", "records.user_id");
    if (userId.rejection != null) {
      return rejected(userId.rejection);
    }
    Field<String> actionText = text(records, "action", "records.action", true);
    if (actionText.rejection != null) {
      return rejected(actionText.rejection);
    }
    Optional<Action> action = Action.fromWire(actionText.value);
    if (action.isEmpty()) {
      return rejected(Rejection.unknownAction(actionText.value));
    }
    Duration ahead = Duration.between(processingTime.value, eventTime.value);
    if (ahead.compareTo(rules.maxClockSkew()) > 0) {
      return rejected(
          Rejection.clockSkew(
              "event_time is "
                  + ahead.toSeconds()
                  + " s after processing_time; at most "
                  + rules.maxClockSkew().toSeconds()
                  + " s is allowed (platform.sources.<source>.max-clock-skew)"));
    }
    return new ValidationResult.Valid(
        new PlaceEvent(
            eventId.value,
            eventTime.value,
            processingTime.value,
            country.value,
            category.value,
            subCategory.value,
            tableName.value,
            placeId.value,
            userId.value,
            action.get()));
  }

  /** An id: a JSON string, or an integral number (many sources use numeric ids). */
  private static Field<String> id(JsonNode parent, String name, String path) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      return Field.rejected(Rejection.missingField(path));
    }
    String value;
    if (node.isTextual()) {
      value = node.textValue();
    } else if (node.isIntegralNumber()) {
      value = node.asText();
    } else {
      return Field.rejected(Rejection.wrongType(path, "a string or an integer", typeOf(node)));
    }
    if (!isValidId(value)) {
      return Field.rejected(Rejection.badId(path, value));
    }
    return Field.of(value);
  }

  private static Field<String> text(JsonNode parent, String name, String path, boolean required) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      return required ? Field.rejected(Rejection.missingField(path)) : Field.of(null);
    }
    if (!node.isTextual()) {
      return Field.rejected(Rejection.wrongType(path, "a string", typeOf(node)));
    }
    if (required && node.textValue().isBlank()) {
      return Field.rejected(Rejection.missingField(path));
    }
    return Field.of(node.textValue());
  }

  private Field<Instant> timestamp(JsonNode parent, String name) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      return Field.rejected(Rejection.missingField(name));
    }
    Optional<Instant> parsed;
    if (node.isTextual()) {
      parsed = Timestamps.parse(node.textValue(), rules.localTimestampZone());
    } else if (node.isIntegralNumber() && node.canConvertToLong()) {
      parsed = Timestamps.ofEpochMillis(node.longValue());
    } else {
      parsed = Optional.empty();
    }
    return parsed
        .map(Field::of)
        .orElseGet(() -> Field.rejected(Rejection.badTimestamp(name, node.toString())));
  }

  private static String typeOf(JsonNode node) {
    if (node.isIntegralNumber()) {
      return "an integer";
    }
    if (node.isNumber()) {
      return "a decimal number";
    }
    return switch (node.getNodeType()) {
      case STRING -> "a string";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> node.getNodeType().name().toLowerCase();
    };
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "not valid JSON";
    }
    int newline = message.indexOf('\n');
    String first = newline < 0 ? message : message.substring(0, newline);
    return Rejection.abbreviate(first);
  }

  private static ValidationResult rejected(Rejection rejection) {
    return new ValidationResult.Rejected(rejection);
  }

  /** A field value or the reason it is unusable. */
  private record Field<T>(T value, Rejection rejection) {
    static <T> Field<T> of(T value) {
      return new Field<>(value, null);
    }

    static <T> Field<T> rejected(Rejection rejection) {
      return new Field<>(null, rejection);
    }
  }
}
