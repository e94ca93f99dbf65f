package org.lambdaref.serving;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.lambdaref.config.ServingSettings;

/** The API's bearer-token check ({@code platform.serving.auth-token}); none configured: open. */
final class BearerAuth {

  /** What /health shows in place of an error text to a caller without the token. */
  static final String HIDDEN_ERROR =
      "hidden: send 'Authorization: Bearer <platform.serving.auth-token>' to see it";

  private final boolean required;
  private final byte[] expected;

  BearerAuth(ServingSettings settings) {
    this.required = settings.authRequired();
    this.expected =
        required
            ? ("Bearer " + settings.authToken()).getBytes(StandardCharsets.UTF_8)
            : new byte[0];
  }

  /** Whether {@code authorizationHeader} (null when absent) carries the token. */
  boolean authorizes(String authorizationHeader) {
    if (!required) {
      return true;
    }
    // constant time: the comparison must not tell how much of a guess was right
    return authorizationHeader != null
        && MessageDigest.isEqual(authorizationHeader.getBytes(StandardCharsets.UTF_8), expected);
  }
}
