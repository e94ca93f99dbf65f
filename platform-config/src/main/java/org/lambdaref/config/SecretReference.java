package org.lambdaref.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lambdaref.model.Errors;

/**
 * A reference to a secret ({@code platform.jdbc.password-secret}): which store, which secret, and
 * the region an ARN names (empty otherwise). The forms:
 *
 * <ul>
 *   <li>{@code arn:aws:secretsmanager:<region>:<account>:secret:<name>} and {@code
 *       secretsmanager:<name or ARN>}: Secrets Manager's {@code GetSecretValue}, its {@code
 *       SecretString};
 *   <li>{@code arn:aws:ssm:<region>:<account>:parameter/<name>} and {@code ssm:<name or ARN>}:
 *       Parameter Store's {@code GetParameter} with decryption.
 * </ul>
 */
public record SecretReference(Store store, String id, String region) {

  /** Where a secret is kept. */
  public enum Store {
    SECRETS_MANAGER,
    SSM
  }

  static final String FORMS =
      "arn:aws:secretsmanager:<region>:<account>:secret:<name>, secretsmanager:<name or ARN>,"
          + " arn:aws:ssm:<region>:<account>:parameter/<name> or ssm:<parameter name>";

  private static final Pattern ARN =
      Pattern.compile(
          "arn:aws[a-z-]*:(secretsmanager|ssm):([a-z0-9-]+):\\d{12}:(secret:|parameter/).+");

  /** Parses {@code value} of {@code key}; a value of no known form is refused, naming the key. */
  public static SecretReference parse(String key, String value) {
    String v = value.trim();
    Matcher arn = ARN.matcher(v);
    if (arn.matches()) {
      return new SecretReference(
          arn.group(1).equals("ssm") ? Store.SSM : Store.SECRETS_MANAGER, v, arn.group(2));
    }
    for (Store store : Store.values()) {
      String prefix = store == Store.SSM ? "ssm:" : "secretsmanager:";
      if (v.startsWith(prefix) && v.length() > prefix.length()) {
        String id = v.substring(prefix.length());
        Matcher inner = ARN.matcher(id);
        return new SecretReference(store, id, inner.matches() ? inner.group(2) : "");
      }
    }
    throw Errors.badConfigValue(key, value, "a secret reference: " + FORMS, null);
  }
}
