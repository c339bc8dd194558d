package org.linecommerce.runtime.subscription;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * What an {@link EventSubscription} does with each event it reads.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Idempotent.</b> Delivery is at-least-once: an event is delivered again after a failed
 *       attempt, after a node crash before its offset was stored, when a tag's projection moves to
 *       another node, and when an operator retries it from the dead-letter store. Dedupe by
 *       {@link EventDelivery#eventId()} (the event's {@code messageId}) or
 *       {@link EventDelivery#eventKey()} ({@code persistenceId#sequenceNr}), or make the effect
 *       naturally idempotent (upsert, "set" rather than "add", {@code X-Line-Retry-Key}).</li>
 *   <li><b>Complete the future.</b> Success means the effect is done (or durably handed on).
 *       A failed future or a thrown exception is retried up to
 *       {@code linecommerce.subscriptions.max-attempts} times with backoff; then the event goes to
 *       the dead-letter store and the subscription moves on. A future still open after
 *       {@code linecommerce.subscriptions.handler-timeout} counts as failed.</li>
 *   <li><b>Do not block.</b> Events of one tag are handled one at a time, in journal order; a
 *       handler that blocks holds up its tag. Do blocking work on a dedicated dispatcher (e.g.
 *       {@code Database.withConnection}) and return its future.</li>
 *   <li><b>Order only within an entity.</b> Events of one entity arrive in sequence-number order;
 *       events of different entities (different tags) arrive in no particular order, and a
 *       dead-lettered event is redelivered out of order.</li>
 * </ul>
 *
 * @param <E> the event type the subscription reads (usually the entity's sealed {@code Event})
 */
@FunctionalInterface
public interface SubscriptionHandler<E> {

  /** Handles one delivery; completes when its effect is done. */
  CompletionStage<Done> handle(EventDelivery<E> delivery) throws Exception;
}
