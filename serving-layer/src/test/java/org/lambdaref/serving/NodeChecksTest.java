package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.lambdaref.model.EventValidator;
import org.lambdaref.serving.NodeChecks.Exchange;

/**
 * The description itself, and the check the service's answers go through (ServingHttpTest): the
 * check must refuse what a strict client refuses, or its passing says nothing.
 */
class NodeChecksTest {

  private static final String ACTIONS = RequestTarget.ACTIONS;

  private static String series(String from, String bucketStart) {
    return """
        {"place_id":"p-1","action":"click","from":"%s","to":"2026-11-18T11:00:00+09:00",
         "granularity":"hour","timezone":"Asia/Seoul","batch_watermark":null,
         "batch_covered_days":[],"buckets":[{"start":"%s","count":null,"source":"speed",
         "unknown_hours":1,"read_at":null,"age_seconds":null}],"total":0,"unknown_hours":1,
         "stale":true,"stale_reason":"DynamoDB did not answer","late_set_aside":[]}"""
        .formatted(from, bucketStart);
  }

  @Test
  void redoclyFindsNothingWithItsRecommendedRules() {
    NodeChecks.Outcome lint = NodeChecks.lint();
    assertThat(lint.passed()).as(lint.output()).isTrue();
    // stylish format: one "line:column  severity  rule  message" line per problem
    assertThat(lint.output())
        .doesNotContainPattern("\\d+:\\d+\\s+(error|warning)\\s")
        .contains("Your API description is valid");
  }

  @Test
  void anAnswerWrittenByTheRulesPasses() {
    String good = series("2026-11-18T10:00:00+09:00", "2026-11-18T10:00:00+09:00");
    NodeChecks.Outcome outcome =
        NodeChecks.validate(
            List.of(
                new Exchange(
                    "/v1/places/p-1/actions/click", ACTIONS, 200, "application/json", good),
                new Exchange(
                    "/health",
                    "/health",
                    405,
                    "application/json",
                    "{\"error\":\"method_not_allowed\",\"message\":\"POST is not supported\"}")));
    assertThat(outcome.passed()).as(outcome.output()).isTrue();
  }

  @Test
  void theCheckRefusesWhatAStrictClientRefuses() {
    String noSeconds = series("2026-11-18T10:00+09:00", "2026-11-18T10:00:00+09:00");
    String noOffset = series("2026-11-18T10:00:00+09:00", "2026-11-18T10:00:00");
    String missingTotal =
        series("2026-11-18T10:00:00+09:00", "2026-11-18T10:00:00+09:00")
            .replace("\"total\":0,", "");
    NodeChecks.Outcome outcome =
        NodeChecks.validate(
            List.of(
                new Exchange("a", ACTIONS, 200, "application/json", noSeconds),
                new Exchange("b", ACTIONS, 200, "application/json", noOffset),
                new Exchange("c", ACTIONS, 200, "application/json", missingTotal),
                new Exchange("d", "/health", 418, "application/json", "{}"),
                new Exchange("e", "/health", 200, "text/html", "<h1>ok</h1>"),
                new Exchange("f", "/v9/x", 404, "application/json", "{}"),
                new Exchange("g", NodeChecks.UNROUTED, 200, "application/json", "{}"),
                new Exchange("h", NodeChecks.UNROUTED, 404, "application/json", "{}")));
    assertThat(outcome.passed()).isFalse();
    assertThat(outcome.output())
        .contains("a -> 200: /from must match format \"date-time\"")
        .contains("b -> 200: /buckets/0/start must match format \"date-time\"")
        .contains("c -> 200: (body) must have required property 'total'")
        .contains("d -> 418: status 418 is not documented for /health")
        .contains("e -> 200: media type 'text/html' is not documented")
        .contains("f -> 404: the description has no operation get /v9/x")
        .contains("g -> 200: a path with no route answers 404")
        .contains("h -> 404: (body) must have required property 'error'");
  }

  @Test
  void thePlaceIdPatternIsPortableAndNeverRefusesAnIdTheServiceAccepts() throws Exception {
    String pattern =
        new ObjectMapper()
            .readTree(Path.of("src/main/resources/openapi.json").toFile())
            .at("/components/parameters/placeId/schema/pattern")
            .asText();
    // no \p classes, no inline flags: ECMAScript (with or without /u), Java and RE2 read it alike
    assertThat(pattern).startsWith("^").endsWith("$").doesNotContain("\\p").doesNotContain("(?");
    Pattern p = Pattern.compile(pattern);
    for (String accepted :
        List.of("p-1", "abc_DEF.123-x~+:@/=", "\uD55C\uAE00", "cafe\u0301", "\uD83D\uDE00", "x")) {
      assertThat(EventValidator.isValidId(accepted)).as(accepted).isTrue();
      assertThat(p.matcher(accepted).matches()).as(accepted).isTrue();
    }
    for (String refused : List.of("p 1", "p\t1", "p\u200B1", "p\u00A01", "p\u2028", "p\uFFFD")) {
      assertThat(EventValidator.isValidId(refused)).as(refused).isFalse();
      assertThat(p.matcher(refused).matches()).as(refused).isFalse();
    }
  }
}
