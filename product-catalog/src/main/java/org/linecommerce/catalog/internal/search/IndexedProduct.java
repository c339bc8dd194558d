package org.linecommerce.catalog.internal.search;

import java.math.BigDecimal;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.ProductEvent.PriceChanged;
import org.linecommerce.catalog.api.ProductEvent.ProductCreated;
import org.linecommerce.catalog.api.ProductEvent.ProductDiscontinued;
import org.linecommerce.catalog.api.ProductEvent.ProductUpdated;
import org.linecommerce.catalog.api.ProductEvent.ReservationCommitted;
import org.linecommerce.catalog.api.ProductEvent.ReservationReverted;
import org.linecommerce.catalog.api.ProductEvent.ReservationReleased;
import org.linecommerce.catalog.api.ProductEvent.StockAdjusted;
import org.linecommerce.catalog.api.ProductEvent.StockReserved;

/**
 * What the search read model knows of one product: its data, stock on hand, units available
 * (stock − reserved), whether it is discontinued, how popular it is (reservations and sales seen),
 * and the sequence number of the last event applied.
 *
 * @param stock units on hand, reserved ones included
 * @param available units that can be ordered now
 * @param popularity reservations plus committed sales seen in the product's events
 * @param sequenceNr sequence number of the last event applied (events at or below it are replays)
 */
public record IndexedProduct(
    ProductData data, int stock, int available, boolean discontinued, long popularity, long sequenceNr) {

  public String id() {
    return data.id();
  }

  public boolean inStock() {
    return !discontinued && available > 0;
  }

  /** A product that has just been created (its first event). */
  public static IndexedProduct created(ProductData data, long sequenceNr) {
    return new IndexedProduct(data, data.stock(), data.stock(), false, 0, sequenceNr);
  }

  /**
   * {@code current} after {@code event} (sequence number {@code sequenceNr} of the product's
   * events); {@code current} itself when the event is not newer than what it reflects, or when it
   * is not a creation and nothing is known of the product yet. Pure: the read model's only rule.
   */
  public static IndexedProduct apply(IndexedProduct current, ProductEvent event, long sequenceNr) {
    if (current != null && sequenceNr <= current.sequenceNr) return current;
    if (event instanceof ProductCreated e) {
      return current == null
          ? created(withId(e.data(), e.productId()), sequenceNr)
          : current.updated(withId(e.data(), e.productId()), sequenceNr);
    }
    if (current == null) return null;
    if (event instanceof ProductUpdated e) return current.updated(withId(e.data(), e.productId()), sequenceNr);
    if (event instanceof PriceChanged e) {
      return current.with(copy(current.data, e.price(), e.currency()), current.stock, current.available,
          current.discontinued, current.popularity, sequenceNr);
    }
    if (event instanceof StockAdjusted e) {
      return current.with(current.data, e.stock(), e.available(), current.discontinued, current.popularity, sequenceNr);
    }
    if (event instanceof ProductDiscontinued) {
      return current.with(current.data, current.stock, current.available, true, current.popularity, sequenceNr);
    }
    if (event instanceof StockReserved e) {
      return current.with(current.data, current.stock, e.available(), current.discontinued, current.popularity + 1,
          sequenceNr);
    }
    if (event instanceof ReservationReleased e) {
      return current.with(current.data, current.stock, e.available(), current.discontinued, current.popularity,
          sequenceNr);
    }
    if (event instanceof ReservationCommitted e) {
      return current.with(current.data, e.stock(), e.available(), current.discontinued, current.popularity + 1,
          sequenceNr);
    }
    if (event instanceof ReservationReverted e) {
      return current.with(current.data, e.stock(), e.available(), current.discontinued, current.popularity, sequenceNr);
    }
    return current.with(current.data, current.stock, current.available, current.discontinued, current.popularity,
        sequenceNr);
  }

  /** New data; the units reserved stay reserved, so available moves with the stock on hand. */
  private IndexedProduct updated(ProductData newData, long sequenceNr) {
    int reserved = Math.max(0, stock - available);
    int newStock = newData.stock();
    return with(newData, newStock, Math.max(0, newStock - reserved), discontinued, popularity, sequenceNr);
  }

  private IndexedProduct with(
      ProductData data, int stock, int available, boolean discontinued, long popularity, long sequenceNr) {
    return new IndexedProduct(data, stock, available, discontinued, popularity, sequenceNr);
  }

  private static ProductData withId(ProductData data, String id) {
    if (id.equals(data.id())) return data;
    return new ProductData(id, data.sku(), data.category(), data.categoryName(), data.name(), data.description(),
        data.tags(), data.price(), data.currency(), data.stock());
  }

  private static ProductData copy(ProductData d, BigDecimal price, String currency) {
    return new ProductData(d.id(), d.sku(), d.category(), d.categoryName(), d.name(), d.description(), d.tags(),
        price, currency == null ? d.currency() : currency, d.stock());
  }
}
