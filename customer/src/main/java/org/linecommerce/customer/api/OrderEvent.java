package org.linecommerce.customer.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.linecommerce.runtime.DomainEvent;
import org.linecommerce.runtime.MessageMeta;

/**
 * What the {@code Order} entity persists, tagged {@code order-N} ({@link #TAG_PREFIX}, tag count
 * {@code linecommerce.subscriptions.tag-count}) for subscribers such as the bot gateway.
 */
public sealed interface OrderEvent extends DomainEvent {

  String TAG_PREFIX = "order";

  String orderId();

  /** Stock is reserved for every line; the order waits for confirmation until {@code expiresAt}. */
  record OrderCreated(
      String orderId, String userId, List<PricedLine> items, BigDecimal total, String currency,
      Instant expiresAt, MessageMeta meta) implements OrderEvent {
    public OrderCreated {
      items = items == null ? List.of() : List.copyOf(items);
    }

    @Override
    public String eventType() {
      return "order.created";
    }
  }

  /** The customer confirmed; the reserved stock was sold. */
  record OrderConfirmed(String orderId, MessageMeta meta) implements OrderEvent {
    @Override
    public String eventType() {
      return "order.confirmed";
    }
  }

  /** The customer cancelled; the reserved stock was released. */
  record OrderCancelled(String orderId, String reason, MessageMeta meta) implements OrderEvent {
    @Override
    public String eventType() {
      return "order.cancelled";
    }
  }

  /** Nobody confirmed before {@code expiresAt}; the reserved stock was released. */
  record OrderExpired(String orderId, MessageMeta meta) implements OrderEvent {
    @Override
    public String eventType() {
      return "order.expired";
    }
  }

  /**
   * The order could not be placed (or went wrong after): one reason per failed line. Carries the
   * user and the lines because a failed order may never have been created.
   */
  record OrderFailed(String orderId, String userId, List<OrderLine> items, List<String> reasons, MessageMeta meta)
      implements OrderEvent {
    public OrderFailed {
      items = items == null ? List.of() : List.copyOf(items);
      reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    @Override
    public String eventType() {
      return "order.failed";
    }
  }
}
