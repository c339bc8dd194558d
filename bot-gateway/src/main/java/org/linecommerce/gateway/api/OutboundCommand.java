package org.linecommerce.gateway.api;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.runtime.CborSerializable;

/**
 * What the reply dispatcher (one sharded entity per {@link OutboundRequest#outboundId()}, type
 * {@code LineOutbound}) accepts. Modules go through {@code ReplyDispatcher.send}.
 */
public sealed interface OutboundCommand extends CborSerializable {

  /** Type key of the dispatcher's entities; the entity id is the outbound id. */
  EntityTypeKey<OutboundCommand> ENTITY_KEY = EntityTypeKey.create(OutboundCommand.class, "LineOutbound");

  /**
   * Delivers {@code request} once: replies Done when it is durably recorded (also when it was
   * already, in which case nothing is sent again); an error only when the request is not usable.
   */
  record Send(OutboundRequest request, ActorRef<StatusReply<Done>> replyTo) implements OutboundCommand {}

  /** Replies the delivery's {@link DeliveryStatus}. */
  record GetStatus(ActorRef<DeliveryStatus> replyTo) implements OutboundCommand {}

  /** Messages the entity sends itself (attempts, LINE's answers, idle); local only. */
  non-sealed interface Internal extends OutboundCommand {}

  /**
   * Where one delivery stands.
   *
   * @param status {@code unknown} (never requested), {@code pending}, {@code delivered},
   *     {@code failed} or {@code failed-quota} (LINE's monthly limit was reached)
   * @param via {@code reply} or {@code push} once delivered
   * @param retryKeys the push retry keys assigned so far, one per batch of at most 5 messages
   */
  record DeliveryStatus(String outboundId, String status, String via, int batchesDelivered, int batches,
      java.util.List<String> retryKeys, String failure) implements CborSerializable {}
}
