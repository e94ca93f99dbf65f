package org.lambdaref.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lambdaref.model.Errors;

/**
 * Kafka. {@code securityProtocol} PLAINTEXT (the local broker), SSL (MSK with TLS) or SASL_SSL with
 * {@code saslMechanism} AWS_MSK_IAM (MSK with IAM: the job role authenticates, no secret in any
 * file).
 */
public record KafkaSettings(
    String bootstrapServers, String topic, String securityProtocol, String saslMechanism) {

  static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_SSL");
  static final List<String> MECHANISMS = List.of("", "AWS_MSK_IAM");

  static KafkaSettings read(Settings s) {
    String protocol = s.nonEmpty("security-protocol");
    if (!PROTOCOLS.contains(protocol)) {
      throw Errors.badConfigValue(
          s.key("security-protocol"), protocol, "one of " + PROTOCOLS, null);
    }
    String mechanism = s.string("sasl-mechanism");
    if (!MECHANISMS.contains(mechanism)) {
      throw Errors.badConfigValue(
          s.key("sasl-mechanism"),
          mechanism,
          "empty or AWS_MSK_IAM (MSK IAM; SCRAM would need a secret, which this platform keeps out of config)",
          null);
    }
    if (protocol.equals("SASL_SSL") != !mechanism.isEmpty()) {
      throw Errors.badConfigValue(
          s.key("sasl-mechanism"),
          mechanism,
          "AWS_MSK_IAM together with security-protocol SASL_SSL, and empty otherwise",
          null);
    }
    return new KafkaSettings(
        s.nonEmpty("bootstrap-servers"), s.nonEmpty("topic"), protocol, mechanism);
  }

  /**
   * Client settings beyond the bootstrap servers, for consumers, producers and admin clients alike.
   */
  public Map<String, String> clientProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", securityProtocol);
    if (saslMechanism.equals("AWS_MSK_IAM")) {
      p.put("sasl.mechanism", "AWS_MSK_IAM");
      p.put("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
      p.put(
          "sasl.client.callback.handler.class",
          "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
    }
    return p;
  }
}
