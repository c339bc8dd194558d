package org.linecommerce.customer.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * An order as its entity holds it (the reply of {@code OrderCommand.Get} and of its writes), or,
 * while the checkout saga is still reserving stock, as the accepted request ({@code pending},
 * no prices and no {@code expiresAt} yet).
 *
 * @param exists false for an id no order was created or failed with
 * @param items the priced lines; the requested lines (no prices) while reserving or when failed early
 * @param failureReasons for {@code failed}: one reason per line that could not be reserved (or why it failed)
 */
public record OrderView(
    String orderId,
    boolean exists,
    String userId,
    OrderStatus status,
    List<PricedLine> items,
    BigDecimal total,
    String currency,
    Instant expiresAt,
    List<Transition> timeline,
    List<String> failureReasons)
    implements CborSerializable {

  public OrderView {
    items = items == null ? List.of() : List.copyOf(items);
    timeline = timeline == null ? List.of() : List.copyOf(timeline);
    failureReasons = failureReasons == null ? List.of() : List.copyOf(failureReasons);
  }

  /** One step of the order's history. */
  public record Transition(OrderStatus status, Instant at) implements CborSerializable {}

  public static OrderView unknown(String orderId) {
    return new OrderView(orderId, false, null, null, List.of(), null, null, null, List.of(), List.of());
  }
}
