package org.lambdaref.model;

/** The outcome of validating one raw record: a valid event or the reason it was refused. */
public sealed interface ValidationResult {

  record Valid(PlaceEvent event) implements ValidationResult {}

  record Rejected(Rejection rejection) implements ValidationResult {}

  default boolean isValid() {
    return this instanceof Valid;
  }
}
