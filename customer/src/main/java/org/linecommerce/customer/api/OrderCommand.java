package org.linecommerce.customer.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.MessageMeta;

/**
 * The protocol of the {@code Order} entity (one per order id). Only the checkout saga writes; each
 * write is idempotent (repeating it in the state it leads to replies success with the order).
 */
public sealed interface OrderCommand extends CborSerializable {

  EntityTypeKey<OrderCommand> ENTITY_KEY = EntityTypeKey.create(OrderCommand.class, "Order");

  /** Creates the pending order; replies the order (the first one when already created). */
  record Create(
      String userId, List<PricedLine> items, BigDecimal total, String currency, Instant expiresAt,
      MessageMeta meta, ActorRef<StatusReply<OrderView>> replyTo) implements OrderCommand {}

  /** Pending → confirmed; error in cancelled/expired/failed. */
  record Confirm(MessageMeta meta, ActorRef<StatusReply<OrderView>> replyTo) implements OrderCommand {}

  /** Pending → cancelled; error when confirmed/expired/failed. */
  record Cancel(String reason, MessageMeta meta, ActorRef<StatusReply<OrderView>> replyTo) implements OrderCommand {}

  /** Pending → expired; error when confirmed/cancelled/failed. */
  record Expire(MessageMeta meta, ActorRef<StatusReply<OrderView>> replyTo) implements OrderCommand {}

  /** New or pending → failed with reasons; error when confirmed/cancelled/expired. */
  record Fail(String userId, List<OrderLine> items, List<String> reasons, MessageMeta meta,
      ActorRef<StatusReply<OrderView>> replyTo) implements OrderCommand {}

  /** Replies the order ({@code exists()} false when unknown). */
  record Get(ActorRef<OrderView> replyTo) implements OrderCommand {}
}
