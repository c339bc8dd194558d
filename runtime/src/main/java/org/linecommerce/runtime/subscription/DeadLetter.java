package org.linecommerce.runtime.subscription;

import java.time.Instant;
import java.util.Optional;

/**
 * An event a subscription's handler kept failing on, as stored in the dead-letter store (table
 * {@code dead_letter}). The event itself is stored serialized and is read back only to redeliver.
 *
 * @param id the row id, used by the admin API
 * @param subscription the subscription whose handler failed
 * @param persistenceId the entity that persisted the event
 * @param sequenceNr the event's sequence number within that entity
 * @param eventType the event's {@code eventType()} for a {@code DomainEvent}, else its class name
 * @param eventTimestamp when the event was persisted
 * @param serializerId Pekko serializer that wrote the payload (empty when it could not be serialized)
 * @param serializerManifest that serializer's manifest for the event
 * @param errorMessage the last failure (exception type and message)
 * @param attempts handler attempts so far, including redeliveries
 * @param status pending, redelivered or discarded
 */
public record DeadLetter(
    long id,
    String subscription,
    String persistenceId,
    long sequenceNr,
    String eventType,
    Instant eventTimestamp,
    Optional<Integer> serializerId,
    String serializerManifest,
    String errorMessage,
    int attempts,
    DeadLetterStatus status,
    Instant createdAt,
    Instant updatedAt) {

  /** {@code persistenceId#sequenceNr}, the same key {@link EventDelivery#eventKey()} gives handlers. */
  public String eventKey() {
    return persistenceId + "#" + sequenceNr;
  }
}
