package org.lambdaref.emr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;

/**
 * Request JSON checked against a service model the way boto3 checks {@code run_job_flow(**config)}
 * before sending it: botocore's ParamValidator (botocore 1.43.67, botocore/validate.py) reports an
 * unknown field of a structure, a missing required field, a value of the wrong type (structure and
 * map: dict; list: list; string: str; integer and long: int; boolean: bool) and a string or list
 * shorter than the shape's {@code min}, or a number below it.
 */
final class ServiceModelValidation {

  private ServiceModelValidation() {}

  /**
   * Against a botocore (C2J) model's shapes: {@code shapes} is the model's "shapes" object, {@code
   * shape} the name of the input shape (RunJobFlowInput).
   */
  static List<String> botocore(JsonNode params, JsonNode shapes, String shape) {
    List<String> errors = new ArrayList<>();
    c2j(params, shapes, shape, "", errors);
    return errors;
  }

  private static void c2j(
      JsonNode value, JsonNode shapes, String shapeName, String at, List<String> errors) {
    JsonNode shape = shapes.get(shapeName);
    String type = shape.get("type").asText();
    switch (type) {
      case "structure" -> {
        if (!value.isObject()) {
          errors.add(at + ": invalid type, expected a dict for " + shapeName);
          return;
        }
        for (JsonNode required : shape.path("required")) {
          if (!value.has(required.asText())) {
            errors.add(at + ": missing required field " + required.asText());
          }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          JsonNode member = shape.get("members").get(e.getKey());
          if (member == null) {
            errors.add(at + ": unknown field " + e.getKey() + " of " + shapeName);
          } else {
            c2j(e.getValue(), shapes, member.get("shape").asText(), at + "." + e.getKey(), errors);
          }
        }
      }
      case "list" -> {
        if (!value.isArray()) {
          errors.add(at + ": invalid type, expected a list");
          return;
        }
        min(shape, value.size(), at, errors);
        for (int i = 0; i < value.size(); i++) {
          c2j(
              value.get(i),
              shapes,
              shape.get("member").get("shape").asText(),
              at + "[" + i + "]",
              errors);
        }
      }
      case "map" -> {
        if (!value.isObject()) {
          errors.add(at + ": invalid type, expected a dict");
          return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          c2j(
              TextNode.valueOf(e.getKey()),
              shapes,
              shape.get("key").get("shape").asText(),
              at + " (key " + e.getKey() + ")",
              errors);
          c2j(
              e.getValue(),
              shapes,
              shape.get("value").get("shape").asText(),
              at + "." + e.getKey(),
              errors);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          errors.add(at + ": invalid type " + value.getNodeType() + ", expected a str");
          return;
        }
        min(shape, value.asText().length(), at, errors);
      }
      case "integer", "long" -> {
        if (!value.isIntegralNumber()) {
          errors.add(at + ": invalid type " + value.getNodeType() + ", expected an int");
          return;
        }
        min(shape, value.asLong(), at, errors);
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          errors.add(at + ": invalid type " + value.getNodeType() + ", expected a bool");
        }
      }
      case "float", "double" -> {
        if (!value.isNumber()) {
          errors.add(at + ": invalid type " + value.getNodeType() + ", expected a number");
        }
      }
      default -> errors.add(at + ": shape type " + type + " is not checked here");
    }
  }

  private static void min(JsonNode shape, long value, String at, List<String> errors) {
    if (shape.has("min") && value < shape.get("min").asLong()) {
      errors.add(at + ": " + value + " is below the minimum " + shape.get("min").asLong());
    }
  }

  /**
   * Against the AWS SDK for Java's own compiled model of the same API: every key is the wire name
   * of a member of that structure, every value of the member's type.
   */
  static List<String> sdk(JsonNode params, SdkPojo structure) {
    List<String> errors = new ArrayList<>();
    sdkStructure(params, structure, "", errors);
    return errors;
  }

  private static void sdkStructure(
      JsonNode value, SdkPojo structure, String at, List<String> errors) {
    if (!value.isObject()) {
      errors.add(at + ": expected an object");
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      SdkField<?> field =
          structure.sdkFields().stream()
              .filter(f -> f.locationName().equals(e.getKey()))
              .findFirst()
              .orElse(null);
      if (field == null) {
        errors.add(at + ": unknown field " + e.getKey());
      } else {
        sdkValue(e.getValue(), field, at + "." + e.getKey(), errors);
      }
    }
  }

  private static void sdkValue(JsonNode value, SdkField<?> field, String at, List<String> errors) {
    MarshallingType<?> type = field.marshallingType();
    if (value.isNull()) {
      errors.add(at + ": null");
    } else if (type == MarshallingType.SDK_POJO) {
      sdkStructure(value, field.constructor().get(), at, errors);
    } else if (type == MarshallingType.LIST) {
      if (!value.isArray()) {
        errors.add(at + ": expected a list");
        return;
      }
      SdkField<?> member = field.getTrait(ListTrait.class).memberFieldInfo();
      for (int i = 0; i < value.size(); i++) {
        sdkValue(value.get(i), member, at + "[" + i + "]", errors);
      }
    } else if (type == MarshallingType.MAP) {
      if (!value.isObject()) {
        errors.add(at + ": expected a map");
        return;
      }
      SdkField<?> member = field.getTrait(MapTrait.class).valueFieldInfo();
      value
          .fields()
          .forEachRemaining(e -> sdkValue(e.getValue(), member, at + "." + e.getKey(), errors));
    } else if (type == MarshallingType.STRING && !value.isTextual()
        || (type == MarshallingType.INTEGER || type == MarshallingType.LONG)
            && !value.isIntegralNumber()
        || type == MarshallingType.BOOLEAN && !value.isBoolean()) {
      errors.add(at + ": " + value.getNodeType() + " is not a " + type);
    }
  }
}
