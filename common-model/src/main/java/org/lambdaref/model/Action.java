package org.lambdaref.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a user did with a place. Wire names are lower case, as the collectors send them. */
public enum Action {
  IMPRESSION,
  CLICK;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Action> fromWire(String value) {
    return Arrays.stream(values()).filter(a -> a.wireName().equals(value)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(Action::wireName).toList();
  }
}
