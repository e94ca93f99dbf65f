package org.lambdaref.config;

import java.time.Duration;

/**
 * Batch applications ({@code platform.batch.*}): one application writes a lake at a time, held by a
 * lease in the counters table that lasts {@code writerLeaseTtl} without renewal.
 */
public record BatchSettings(Duration writerLeaseTtl) {
  static BatchSettings read(Settings s) {
    return new BatchSettings(s.positiveDuration("writer-lease-ttl"));
  }
}
