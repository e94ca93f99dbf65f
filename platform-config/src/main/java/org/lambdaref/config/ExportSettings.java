package org.lambdaref.config;

/** Export targets of the service tier. */
public record ExportSettings(String sellerTable, String sampleUrl, String sampleTable) {
  static ExportSettings read(Settings s) {
    return new ExportSettings(
        s.nonEmpty("seller-table"), s.nonEmpty("sample-url"), s.nonEmpty("sample-table"));
  }
}
