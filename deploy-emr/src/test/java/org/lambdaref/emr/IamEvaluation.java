package org.lambdaref.emr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether an identity policy allows a request, by IAM's rules as the IAM User Guide states them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html and
 * reference_policies_elements_condition_operators.html): some Allow statement must match the
 * action, the resource (ARN patterns with * and ? wildcards, case-sensitive), and every condition;
 * StringEquals matches exactly and StringLike with the same wildcards, any value of a list
 * sufficing; a condition on a key the request does not carry does not match. Only the elements
 * these policies use are read (Effect Allow, Action, Resource, StringEquals, StringLike).
 */
final class IamEvaluation {

  private IamEvaluation() {}

  static boolean allows(
      JsonNode policy, String action, String resource, Map<String, String> context) {
    for (JsonNode s : policy.get("Statement")) {
      if (s.get("Effect").asText().equals("Allow")
          && any(s.get("Action"), action, false)
          && any(s.get("Resource"), resource, true)
          && conditions(s.path("Condition"), context)) {
        return true;
      }
    }
    return false;
  }

  private static boolean conditions(JsonNode condition, Map<String, String> context) {
    for (Iterator<Map.Entry<String, JsonNode>> ops = condition.fields(); ops.hasNext(); ) {
      Map.Entry<String, JsonNode> op = ops.next();
      boolean like =
          switch (op.getKey()) {
            case "StringLike" -> true;
            case "StringEquals" -> false;
            default -> throw new IllegalArgumentException("not evaluated here: " + op.getKey());
          };
      for (Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields(); keys.hasNext(); ) {
        Map.Entry<String, JsonNode> key = keys.next();
        String value = context.get(key.getKey());
        if (value == null
            || !(like ? any(key.getValue(), value, true) : equalsAny(key.getValue(), value))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean equalsAny(JsonNode values, String value) {
    for (String v : values(values)) {
      if (v.equals(value)) {
        return true;
      }
    }
    return false;
  }

  /** Action names are case-insensitive; ARNs and condition values are not. */
  private static boolean any(JsonNode patterns, String value, boolean caseSensitive) {
    for (String p : values(patterns)) {
      StringBuilder regex = new StringBuilder();
      for (char c : p.toCharArray()) {
        regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
      }
      Pattern pattern =
          caseSensitive
              ? Pattern.compile(regex.toString())
              : Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
      if (pattern.matcher(value).matches()) {
        return true;
      }
    }
    return false;
  }

  private static List<String> values(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else {
      out.add(node.asText());
    }
    return out;
  }
}
