package org.lambdaref.model;

import java.time.Instant;

/**
 * One valid place event: the envelope of the source notes ("Data Source Design": event time,
 * processing time, tags, records) with the reference domain's record fields typed.
 *
 * @param eventTime when it happened, by the emitting clock
 * @param processingTime when the collector received it
 * @param country tag, may be null
 * @param category tag, may be null
 * @param subCategory tag, may be null
 * @param tableName tag naming the logical table the event belongs to
 */
public record PlaceEvent(
    String eventId,
    Instant eventTime,
    Instant processingTime,
    String country,
    String category,
    String subCategory,
    String tableName,
    String placeId,
    String userId,
    Action action) {}
