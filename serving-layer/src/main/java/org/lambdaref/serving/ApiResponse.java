package org.lambdaref.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response of the HTTP API before it is written, and the error bodies every route shares. */
record ApiResponse(int status, String contentType, byte[] body) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static ApiResponse json(int status, Object body) {
    try {
      return new ApiResponse(status, "application/json", JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An error: what is wrong and how to fix it, under a stable code. */
  static ApiResponse error(int status, String code, String message, String fix) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    body.put("fix", fix);
    return json(status, body);
  }

  /** A 400 naming the parameter, the value and what is allowed. */
  static ApiResponse badRequest(BadRequest e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "bad_request");
    body.put("parameter", e.parameter());
    body.put("value", e.value());
    body.put("allowed", e.allowed());
    body.put("message", e.getMessage());
    return json(400, body);
  }

  /** A 500: a generic text and the id the service logged the failure under, never the exception. */
  static ApiResponse internalError(String requestId) {
    return json(500, internalErrorBody(requestId));
  }

  static Map<String, Object> internalErrorBody(String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "internal");
    body.put("message", "the service failed to answer this request (request id " + requestId + ")");
    body.put(
        "fix",
        "retry; if it fails again, look for request id " + requestId + " in the service log");
    body.put("request_id", requestId);
    return body;
  }
}
