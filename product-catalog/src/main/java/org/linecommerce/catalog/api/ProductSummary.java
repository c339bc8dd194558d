package org.linecommerce.catalog.api;

import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * A product as its entity holds it: the reply of {@code Get} and of the product writes.
 *
 * @param data the product's data (its {@code stock} is the stock on hand), null when the product does not exist
 * @param reserved units held by active reservations
 * @param available units that can still be reserved: stock − reserved
 * @param activeReservations the active reservations, soonest expiry first
 */
public record ProductSummary(
    String productId,
    ProductData data,
    boolean discontinued,
    int stock,
    int reserved,
    int available,
    List<Reservation> activeReservations)
    implements CborSerializable {

  public ProductSummary {
    activeReservations = activeReservations == null ? List.of() : List.copyOf(activeReservations);
  }

  /** False for an id no product was created with. */
  public boolean exists() {
    return data != null;
  }
}
