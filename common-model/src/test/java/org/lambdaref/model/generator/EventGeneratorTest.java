package org.lambdaref.model.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.lambdaref.model.EventValidator;
import org.lambdaref.model.ValidationResult;
import org.lambdaref.model.ValidationRules;

class EventGeneratorTest {

  private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");

  private static GeneratorSpec spec(long seed) {
    return new GeneratorSpec(
        LocalDate.of(2019, 6, 8),
        2,
        2000,
        50,
        300,
        0.05,
        0.02,
        0.01,
        SEOUL,
        Duration.ofHours(6),
        seed);
  }

  @Test
  void sameSeedGivesTheSameLinesAndAnotherSeedDoesNot() {
    assertThat(EventGenerator.generate(spec(7))).isEqualTo(EventGenerator.generate(spec(7)));
    assertThat(EventGenerator.generate(spec(7))).isNotEqualTo(EventGenerator.generate(spec(8)));
  }

  @Test
  void producesTheRequestedMixOfLines() {
    List<GeneratedLine> lines = EventGenerator.generate(spec(7));
    Map<GeneratedLine.Kind, Long> kinds =
        lines.stream().collect(Collectors.groupingBy(GeneratedLine::kind, Collectors.counting()));

    long distinct = 2 * 2000;
    assertThat(kinds.get(GeneratedLine.Kind.VALID) + lateOriginals(lines)).isEqualTo(distinct);
    assertThat(kinds.get(GeneratedLine.Kind.DUPLICATE)).isBetween(100L, 300L);
    assertThat(kinds.get(GeneratedLine.Kind.LATE)).isBetween(40L, 170L);
    assertThat(kinds.get(GeneratedLine.Kind.MALFORMED)).isBetween(15L, 80L);
  }

  @Test
  void everyMalformedLineIsRejectedAndEveryOtherLineIsValid() {
    EventValidator validator = new EventValidator(ValidationRules.defaults(SEOUL));

    for (GeneratedLine line : EventGenerator.generate(spec(11))) {
      ValidationResult result = validator.validate(line.line());
      assertThat(result.isValid())
          .as("%s line %s -> %s", line.kind(), line.line(), result)
          .isEqualTo(line.kind() != GeneratedLine.Kind.MALFORMED);
    }
  }

  @Test
  void lateLinesArriveAfterTheirDayClosedAndOthersBefore() {
    EventValidator validator = new EventValidator(ValidationRules.defaults(SEOUL));
    for (GeneratedLine line : EventGenerator.generate(spec(3))) {
      if (line.kind() == GeneratedLine.Kind.MALFORMED) {
        continue;
      }
      var event = ((ValidationResult.Valid) validator.validate(line.line())).event();
      var close =
          event
              .eventTime()
              .atZone(SEOUL)
              .toLocalDate()
              .plusDays(1)
              .atStartOfDay(SEOUL)
              .toInstant()
              .plus(Duration.ofHours(6));
      assertThat(event.processingTime()).isEqualTo(line.arrival());
      assertThat(line.arrival().isAfter(close) || line.arrival().equals(close))
          .as("line %s", line.line())
          .isEqualTo(line.kind() == GeneratedLine.Kind.LATE);
    }
  }

  private static long lateOriginals(List<GeneratedLine> lines) {
    // late lines include copies of late events; count distinct late event ids
    Function<GeneratedLine, String> id = l -> l.line().substring(13, l.line().indexOf('"', 13));
    return lines.stream()
        .filter(l -> l.kind() == GeneratedLine.Kind.LATE)
        .map(id)
        .distinct()
        .count();
  }
}
