package org.lambdaref.serving;

/**
 * A request parameter the service cannot answer: HTTP 400 with a JSON body naming the parameter,
 * the value received and what is allowed.
 */
public final class BadRequest extends RuntimeException {

  private final String parameter;
  private final String value;
  private final String allowed;

  public BadRequest(String parameter, String value, String allowed) {
    super(
        "bad value for '"
            + parameter
            + "': "
            + (value == null ? "(missing)" : "'" + value + "'")
            + "; allowed: "
            + allowed);
    this.parameter = parameter;
    this.value = value;
    this.allowed = allowed;
  }

  public String parameter() {
    return parameter;
  }

  public String value() {
    return value;
  }

  public String allowed() {
    return allowed;
  }
}
