package org.linecommerce.conversation.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * An order as the assistant tells the customer about it.
 *
 * @param status {@code pending}, {@code confirmed}, {@code cancelled}, {@code expired} or {@code failed}
 * @param total null while the checkout is still pricing it
 * @param expiresAt until when a pending order can be confirmed; null while still reserving
 */
public record OrderSummary(
    String orderId, String status, List<Item> items, BigDecimal total, String currency, Instant expiresAt)
    implements CborSerializable {

  public OrderSummary {
    items = items == null ? List.of() : List.copyOf(items);
  }

  /** One line; {@code unitPrice}/{@code lineTotal} null while not priced yet. */
  public record Item(String productId, String name, int quantity, BigDecimal unitPrice, BigDecimal lineTotal)
      implements CborSerializable {}
}
