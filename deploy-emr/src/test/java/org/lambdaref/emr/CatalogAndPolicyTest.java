package org.lambdaref.emr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;

class CatalogAndPolicyTest {

  @Test
  void everyTableIsRegisteredByItsLocationInBothDialects() {
    PlatformConfig config = EmrFixture.config(Map.of());
    List<String> spark = CatalogDdl.statements(config.storage(), CatalogDdl.Dialect.SPARK);
    List<String> athena = CatalogDdl.statements(config.storage(), CatalogDdl.Dialect.ATHENA);

    for (TableSpec t : PlatformTables.ALL) {
      String location = config.storage().tableLocation(t.name());
      assertThat(spark)
          .anyMatch(
              s ->
                  s.startsWith(
                      "CREATE TABLE IF NOT EXISTS "
                          + t.name().qualified()
                          + " USING DELTA LOCATION '"
                          + location
                          + "'"));
      assertThat(athena)
          .anyMatch(s -> s.contains(t.name().qualified()) && s.contains("'table_type' = 'DELTA'"));
    }
    assertThat(spark)
        .contains("CREATE DATABASE IF NOT EXISTS t3", "CREATE DATABASE IF NOT EXISTS ops");
    assertThat(spark.get(spark.size() - 1)).contains("s3://acme-lake/lambda/datastore/");
  }

  @Test
  void theJobRolePolicyNamesOnlyTheLakePrefixesTheTableAndTheKey() throws Exception {
    PlatformConfig config =
        EmrFixture.config(Map.of("platform.emr.kms-key-arn", "arn:aws:kms:ap-northeast-2:1:key/k"));
    JsonNode doc = new ObjectMapper().valueToTree(IamPolicy.document(config, "123456789012"));

    assertThat(doc.get("Version").asText()).isEqualTo("2012-10-17");
    JsonNode statements = doc.get("Statement");
    for (JsonNode s : statements) {
      for (JsonNode r : s.get("Resource")) {
        assertThat(r.asText())
            .as(s.get("Sid").asText() + " grants nothing account-wide")
            .isNotEqualTo("*");
      }
    }
    String all = statements.toString();
    assertThat(all)
        .contains(
            "arn:aws:s3:::acme-lake/lambda/datasource/*",
            "arn:aws:s3:::acme-lake/lambda/datastore/*")
        .contains(
            "arn:aws:dynamodb:"
                + config.dynamodb().region()
                + ":123456789012:table/"
                + config.dynamodb().countersTable())
        .contains("arn:aws:kms:ap-northeast-2:1:key/k")
        .contains("arn:aws:s3:::acme-artifacts/lambda/0.1.0/*")
        .doesNotContain("s3:*")
        .doesNotContain("dynamodb:*");
  }
}
