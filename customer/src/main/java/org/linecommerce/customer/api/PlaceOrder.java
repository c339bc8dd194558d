package org.linecommerce.customer.api;

import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/** What a customer orders: validated and normalized (duplicate product ids merged) by {@link OrderClient#place}. */
public record PlaceOrder(String userId, List<OrderLine> items) implements CborSerializable {

  public PlaceOrder {
    items = items == null ? List.of() : List.copyOf(items);
  }
}
