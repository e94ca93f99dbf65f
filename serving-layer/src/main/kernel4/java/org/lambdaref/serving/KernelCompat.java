package org.lambdaref.serving;

import io.delta.kernel.ScanBuilder;
import io.delta.kernel.Snapshot;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.StructType;

/**
 * The Delta Kernel calls whose signatures changed between Kernel 3.3 and 4.0 (4.0 dropped the
 * {@code Engine} argument of {@code Snapshot.getVersion/getSchema/getScanBuilder} and
 * {@code ScanBuilder.withReadSchema}). This copy is for Kernel 4.0 ({@code -Pspark4});
 * {@code src/main/kernel3} holds the one for Kernel 3.3 (the default). The parent pom's
 * {@code delta.kernel.compat} property chooses the folder.
 */
final class KernelCompat {

  private KernelCompat() {}

  static long version(Snapshot snapshot, Engine engine) {
    return snapshot.getVersion();
  }

  static StructType schema(Snapshot snapshot, Engine engine) {
    return snapshot.getSchema();
  }

  static ScanBuilder scanBuilder(Snapshot snapshot, Engine engine, StructType readSchema) {
    return snapshot.getScanBuilder().withReadSchema(readSchema);
  }
}
