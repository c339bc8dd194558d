package org.linecommerce.runtime.subscription;

import java.time.Instant;
import org.linecommerce.runtime.DomainEvent;

/**
 * One delivery of a journal event to a {@link SubscriptionHandler}. The same event may be
 * delivered more than once (a retry, a replay after a crash before the offset was stored, a
 * redelivery from the dead-letter store); {@link #eventKey()} is the same every time.
 *
 * @param subscription name of the subscription delivering it
 * @param persistenceId the entity that persisted the event
 * @param sequenceNr the event's sequence number within that entity
 * @param event the event
 * @param timestamp when the event was persisted
 * @param attempt 1 for the first attempt, growing with each retry of this delivery
 * @param redelivery true when an operator redelivers it from the dead-letter store
 */
public record EventDelivery<E>(
    String subscription,
    String persistenceId,
    long sequenceNr,
    E event,
    Instant timestamp,
    int attempt,
    boolean redelivery) {

  /**
   * The event's identity in the journal, {@code persistenceId#sequenceNr}: stable across retries,
   * replays and redeliveries, so handlers can dedupe on it.
   */
  public String eventKey() {
    return persistenceId + "#" + sequenceNr;
  }

  /** The event's {@code messageId} when it is a {@link DomainEvent}, else {@link #eventKey()}. */
  public String eventId() {
    return event instanceof DomainEvent d ? d.meta().messageId() : eventKey();
  }

  EventDelivery<E> nextAttempt() {
    return new EventDelivery<>(subscription, persistenceId, sequenceNr, event, timestamp, attempt + 1, redelivery);
  }
}
