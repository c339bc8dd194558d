package org.linecommerce.catalog.api;

import java.math.BigDecimal;
import java.time.Instant;
import org.linecommerce.runtime.DomainEvent;
import org.linecommerce.runtime.MessageMeta;

/**
 * What happens to a product, persisted by its entity and tagged ({@link #TAG_PREFIX}{@code -0..N-1},
 * N = {@code linecommerce.subscriptions.tag-count}) for subscribers: the search read model of every
 * catalog node, and higher domains (an expired reservation tells the customer through LINE).
 * Every event carries the full figures it changes, so a subscriber needs no other state.
 */
public sealed interface ProductEvent extends DomainEvent {

  String TAG_PREFIX = "product";

  String productId();

  /** {@code product.created}: a new product with its data (stock on hand included). */
  record ProductCreated(String productId, ProductData data, MessageMeta meta) implements ProductEvent {
    public String eventType() { return "product.created"; }
  }

  /** {@code product.updated}: names, descriptions, category, tags, price or currency changed; {@code data} is the whole new product (its stock as before). */
  record ProductUpdated(String productId, ProductData data, MessageMeta meta) implements ProductEvent {
    public String eventType() { return "product.updated"; }
  }

  /** {@code product.price.changed}. */
  record PriceChanged(String productId, BigDecimal price, String currency, MessageMeta meta) implements ProductEvent {
    public String eventType() { return "product.price.changed"; }
  }

  /** {@code product.stock.changed}: stock on hand set to {@code stock} ({@code available} = stock − reserved). */
  record StockAdjusted(String productId, int stock, int available, String reason, MessageMeta meta)
      implements ProductEvent {
    public String eventType() { return "product.stock.changed"; }
  }

  /** {@code product.discontinued}: no longer sold; kept for history, never recommended. */
  record ProductDiscontinued(String productId, MessageMeta meta) implements ProductEvent {
    public String eventType() { return "product.discontinued"; }
  }

  /** {@code product.reserved}: {@code quantity} held for {@code reservationId} until {@code expiresAt}. */
  record StockReserved(String productId, String reservationId, int quantity, Instant expiresAt, int available,
      MessageMeta meta) implements ProductEvent {
    public String eventType() { return "product.reserved"; }
  }

  /**
   * {@code product.reservation.refused}: a reservation was refused ({@code reason}: not enough stock, or the product
   * is discontinued); persisted so that a retry with the same {@code reservationId} gets the same refusal. Nothing
   * changes for the product; {@code available} is as it was.
   */
  record ReservationRefused(String productId, String reservationId, int quantity, String reason, int available,
      MessageMeta meta) implements ProductEvent {
    public String eventType() { return "product.reservation.refused"; }
  }

  /**
   * {@code product.released}: a reservation's units are available again ({@code reason}: released, expired).
   * {@code quantity} 0: the reservation id was released before any reserve arrived; it is closed, and a late
   * reserve with that id is refused.
   */
  record ReservationReleased(String productId, String reservationId, int quantity, String reason, int available,
      MessageMeta meta) implements ProductEvent {
    public String eventType() { return "product.released"; }
  }

  /** {@code product.reservation.committed}: a reservation became a sale; stock on hand drops by {@code quantity}. */
  record ReservationCommitted(String productId, String reservationId, int quantity, int stock, int available,
      MessageMeta meta) implements ProductEvent {
    public String eventType() { return "product.reservation.committed"; }
  }

  /**
   * {@code product.reservation.reverted}: a committed reservation was undone by a compensation (the
   * sale did not stand); stock on hand rises by {@code quantity}.
   */
  record ReservationReverted(String productId, String reservationId, int quantity, int stock, int available,
      MessageMeta meta) implements ProductEvent {
    public String eventType() { return "product.reservation.reverted"; }
  }
}
