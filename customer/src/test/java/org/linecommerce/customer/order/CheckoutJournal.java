package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.internal.order.CheckoutSaga;

/**
 * The checkout invariant, checked on what the database holds (order and product events read back
 * through the query side), not on replies: an order is {@code confirmed} iff all its units are
 * committed; an order ending {@code cancelled}, {@code expired} or {@code failed} holds no units
 * (reserved or committed); no product event ever shows a negative stock or availability.
 */
final class CheckoutJournal {

  /** Where a reservation ended, by its last event. */
  enum Held { NONE, ACTIVE, COMMITTED, RELEASED, REVERTED, REFUSED }

  private final ActorSystem<?> system;
  private final Map<String, List<Object>> products = new HashMap<>();

  CheckoutJournal(ActorSystem<?> system) {
    this.system = system;
  }

  /** The order's final status by its last event ({@code none} when no order event was stored). */
  String orderStatus(String orderId) {
    List<Object> events = OrderTesting.journal(system, "Order|" + orderId);
    if (events.isEmpty()) return "none";
    Object last = events.get(events.size() - 1);
    if (last instanceof OrderEvent.OrderConfirmed) return "confirmed";
    if (last instanceof OrderEvent.OrderCancelled) return "cancelled";
    if (last instanceof OrderEvent.OrderExpired) return "expired";
    if (last instanceof OrderEvent.OrderFailed) return "failed";
    return "pending";
  }

  /** Where line {@code line} of the order ended at its product, and with how many units. */
  Held held(String orderId, int line, String productId) {
    String id = CheckoutSaga.reservationId(orderId, line);
    Held held = Held.NONE;
    for (Object e : productEvents(productId)) {
      if (e instanceof ProductEvent.StockReserved r && r.reservationId().equals(id)) held = Held.ACTIVE;
      if (e instanceof ProductEvent.ReservationCommitted r && r.reservationId().equals(id)) held = Held.COMMITTED;
      if (e instanceof ProductEvent.ReservationReleased r && r.reservationId().equals(id)) held = Held.RELEASED;
      if (e instanceof ProductEvent.ReservationReverted r && r.reservationId().equals(id)) held = Held.REVERTED;
      if (e instanceof ProductEvent.ReservationRefused r && r.reservationId().equals(id)) held = Held.REFUSED;
    }
    return held;
  }

  /** Units the order's line took from stock (committed and never reverted). */
  int sold(String orderId, int line, String productId) {
    String id = CheckoutSaga.reservationId(orderId, line);
    int sold = 0;
    for (Object e : productEvents(productId)) {
      if (e instanceof ProductEvent.ReservationCommitted r && r.reservationId().equals(id)) sold += r.quantity();
      if (e instanceof ProductEvent.ReservationReverted r && r.reservationId().equals(id)) sold -= r.quantity();
    }
    return sold;
  }

  /** Asserts the invariant for one finished checkout and returns the order's final status. */
  String assertInvariant(String orderId, List<OrderLine> lines) {
    String status = orderStatus(orderId);
    assertThat(status).as("order %s must have ended", orderId).isIn("confirmed", "cancelled", "expired", "failed");
    for (int i = 0; i < lines.size(); i++) {
      OrderLine line = lines.get(i);
      Held held = held(orderId, i, line.productId());
      int sold = sold(orderId, i, line.productId());
      if (status.equals("confirmed")) {
        assertThat(held).as("order %s is confirmed: line %s must be committed", orderId, i).isEqualTo(Held.COMMITTED);
        assertThat(sold).as("units sold by line %s of confirmed order %s", i, orderId).isEqualTo(line.quantity());
      } else {
        assertThat(held).as("order %s is %s: line %s must hold nothing", orderId, status, i)
            .isNotIn(Held.ACTIVE, Held.COMMITTED);
        assertThat(sold).as("units sold by line %s of %s order %s", i, status, orderId).isZero();
      }
    }
    return status;
  }

  /** No event of the product shows a negative stock on hand or a negative availability. */
  void assertNeverNegative(String productId) {
    for (Object e : productEvents(productId)) {
      if (e instanceof ProductEvent.StockReserved r) assertThat(r.available()).as(r.toString()).isNotNegative();
      if (e instanceof ProductEvent.ReservationRefused r) assertThat(r.available()).as(r.toString()).isNotNegative();
      if (e instanceof ProductEvent.ReservationReleased r) assertThat(r.available()).as(r.toString()).isNotNegative();
      if (e instanceof ProductEvent.ReservationCommitted r) {
        assertThat(r.stock()).as(r.toString()).isNotNegative();
        assertThat(r.available()).as(r.toString()).isNotNegative();
      }
      if (e instanceof ProductEvent.ReservationReverted r) assertThat(r.stock()).as(r.toString()).isNotNegative();
      if (e instanceof ProductEvent.StockAdjusted r) assertThat(r.stock()).as(r.toString()).isNotNegative();
    }
  }

  /** The product's stock on hand after its last event that states it. */
  int finalStock(String productId) {
    Integer stock = null;
    for (Object e : productEvents(productId)) {
      if (e instanceof ProductEvent.ProductCreated c) stock = c.data().stock();
      if (e instanceof ProductEvent.StockAdjusted a) stock = a.stock();
      if (e instanceof ProductEvent.ReservationCommitted c) stock = c.stock();
      if (e instanceof ProductEvent.ReservationReverted r) stock = r.stock();
    }
    return stock == null ? 0 : stock;
  }

  /** Reservations of the product whose last event leaves them holding units. */
  long stillReserved(String productId) {
    Map<String, Held> byId = new HashMap<>();
    for (Object e : productEvents(productId)) {
      if (e instanceof ProductEvent.StockReserved r) byId.put(r.reservationId(), Held.ACTIVE);
      if (e instanceof ProductEvent.ReservationCommitted r) byId.put(r.reservationId(), Held.COMMITTED);
      if (e instanceof ProductEvent.ReservationReleased r) byId.put(r.reservationId(), Held.RELEASED);
      if (e instanceof ProductEvent.ReservationReverted r) byId.put(r.reservationId(), Held.REVERTED);
    }
    return byId.values().stream().filter(h -> h == Held.ACTIVE).count();
  }

  private List<Object> productEvents(String productId) {
    return products.computeIfAbsent(productId, id -> OrderTesting.journal(system, "Product|" + id));
  }

  /** Forgets the product events read so far (read them again after more happened). */
  void refresh() {
    products.clear();
  }
}
