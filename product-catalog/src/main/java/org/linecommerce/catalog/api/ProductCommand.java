package org.linecommerce.catalog.api;

import java.math.BigDecimal;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.MessageMeta;

/**
 * What the Product entity (one per product id, sharded under {@link #ENTITY_KEY}) accepts. Other
 * modules usually go through {@link CatalogClient}. Writes reply {@code StatusReply}: an error
 * reply carries a message written for the caller and means nothing was changed. {@code meta} may
 * be null (a root {@link MessageMeta} is made then).
 *
 * <p>Reservation commands are idempotent per {@code reservationId}: the saga that calls them may
 * send the same command again and gets the answer of the first one.
 */
public sealed interface ProductCommand extends CborSerializable {

  /** Type key of the Product entity; its entity id is the product id. */
  EntityTypeKey<ProductCommand> ENTITY_KEY = EntityTypeKey.create(ProductCommand.class, "Product");

  /**
   * Creates the product or replaces its data ({@code data.id()} must be the entity id). Replies
   * {@link UpsertResult} with outcome created, updated or unchanged (same data: nothing persisted);
   * an error for invalid data, or a stock below the units currently reserved. A stock change is
   * persisted as {@code StockAdjusted}, anything else as {@code ProductUpdated}; a discontinued
   * product stays discontinued.
   */
  record Upsert(ProductData data, MessageMeta meta, ActorRef<StatusReply<UpsertResult>> replyTo)
      implements ProductCommand {}

  /** Sets the price; replies the product (unchanged when the price is the same); an error for an unknown product or an invalid price. */
  record ChangePrice(BigDecimal price, String currency, MessageMeta meta, ActorRef<StatusReply<ProductSummary>> replyTo)
      implements ProductCommand {}

  /**
   * Adds {@code delta} (negative: removes) to the stock on hand; replies the product; an error when
   * the stock would drop below zero or below the units reserved. Not idempotent: ask it once.
   */
  record AdjustStock(int delta, String reason, MessageMeta meta, ActorRef<StatusReply<ProductSummary>> replyTo)
      implements ProductCommand {}

  /** Stops selling the product (new reservations are refused); replies the product; an error for an unknown product. */
  record Discontinue(MessageMeta meta, ActorRef<StatusReply<ProductSummary>> replyTo) implements ProductCommand {}

  /** Replies the product ({@link ProductSummary#exists()} false for an id never created). */
  record Get(ActorRef<ProductSummary> replyTo) implements ProductCommand {}

  /**
   * Holds {@code quantity} units for {@code reservationId} until now + {@code ttl}. Replies the
   * active {@link Reservation}, or an error when fewer units are available or the product is
   * discontinued (both remembered: a retry gets the same refusal), or when the product does not
   * exist or the arguments are invalid (nothing remembered). A reservation id seen before gets the
   * decision of the first reserve again (with the reservation's current status). A product
   * remembers every active reservation and its last 1,000 closed ones (refused, released, expired,
   * committed, reverted), and besides those every committed one until its reservation's expiry
   * (so a compensation within that window always finds the sale to revert); an id closed longer
   * ago is forgotten and treated as new by every command.
   */
  record Reserve(String reservationId, int quantity, Duration ttl, MessageMeta meta,
      ActorRef<StatusReply<Reservation>> replyTo) implements ProductCommand {}

  /**
   * Frees the reservation's units. Replies the reservation (status released, or expired when it
   * had expired; a refused one as it is); an unknown id is closed (released with quantity 0) so a
   * late reserve with it is refused. An error for a committed reservation.
   */
  record Release(String reservationId, MessageMeta meta, ActorRef<StatusReply<Reservation>> replyTo)
      implements ProductCommand {}

  /**
   * Turns the reservation into a sale: the stock on hand drops by its quantity. Replies the
   * committed reservation (again on a repeat); an error when it expired, was released or refused,
   * or is unknown.
   */
  record Commit(String reservationId, MessageMeta meta, ActorRef<StatusReply<Reservation>> replyTo)
      implements ProductCommand {}

  /**
   * Undoes the reservation whatever it holds, for compensations: an active one is released (as
   * {@link Release} does), a committed one returns its units to stock on hand (status reverted),
   * an unknown id is closed like {@link Release}; a closed one (released, expired, refused,
   * reverted) is answered as it is. Idempotent; replies the reservation. A committed reservation
   * is remembered at least until its reservation's expiry (see {@link Reserve}); one forgotten
   * after that is closed with 0 units: stock unchanged.
   */
  record Revert(String reservationId, MessageMeta meta, ActorRef<StatusReply<Reservation>> replyTo)
      implements ProductCommand {}

  /** Replies what the product remembers of {@code reservationId} (status unknown when nothing). */
  record GetReservation(String reservationId, ActorRef<Reservation> replyTo) implements ProductCommand {}

  /**
   * Messages the entity sends itself (timers). Not part of the protocol other modules use; declared
   * here only because a sealed interface's subtypes must live in its package.
   */
  non-sealed interface Internal extends ProductCommand {}
}
