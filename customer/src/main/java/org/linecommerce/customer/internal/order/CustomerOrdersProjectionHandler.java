package org.linecommerce.customer.internal.order;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.customer.api.OrderStatus;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.customer.api.PricedLine;
import org.linecommerce.runtime.persistence.Database;
import org.linecommerce.runtime.subscription.EventDelivery;
import org.linecommerce.runtime.subscription.SubscriptionHandler;

/**
 * Keeps the {@code customer_orders} read model (one row per order: its view as JSON, its status and
 * the sequence number of the last event applied) from order events. Idempotent: an event whose
 * sequence number is not above the row's {@code last_sequence_nr} (a replay after a crash, a
 * retry, a redelivery) changes nothing. A status event for an order the table does not know yet
 * (only possible when {@code order.created} itself was dead-lettered) fails, so it is retried and at
 * worst dead-lettered, to be redelivered after the creation.
 */
public final class CustomerOrdersProjectionHandler implements SubscriptionHandler<OrderEvent> {

  private final Database db;
  private final ObjectMapper mapper;

  public CustomerOrdersProjectionHandler(Database db, ObjectMapper mapper) {
    this.db = db;
    this.mapper = mapper;
  }

  @Override
  public CompletionStage<Done> handle(EventDelivery<OrderEvent> delivery) {
    OrderEvent event = delivery.event();
    return db.inTransaction(c -> {
      apply(c, event, delivery.sequenceNr(), delivery.timestamp());
      return Done.getInstance();
    });
  }

  private void apply(Connection c, OrderEvent event, long sequenceNr, Instant at) throws SQLException {
    OrderView current = null;
    long lastSeq = 0;
    try (PreparedStatement q = c.prepareStatement(
        "SELECT view_json, last_sequence_nr FROM customer_orders WHERE order_id = ?")) {
      q.setString(1, event.orderId());
      try (ResultSet rs = q.executeQuery()) {
        if (rs.next()) {
          current = readView(mapper, rs.getString(1));
          lastSeq = rs.getLong(2);
        }
      }
    }
    if (current != null && sequenceNr <= lastSeq) return; // seen: a replay changes nothing
    OrderView next = next(current, event);
    String json;
    try {
      json = mapper.writeValueAsString(next);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    if (current == null) {
      try (PreparedStatement i = c.prepareStatement("INSERT INTO customer_orders"
          + " (order_id, user_id, status, view_json, last_sequence_nr, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
        i.setString(1, event.orderId());
        i.setString(2, next.userId());
        i.setString(3, next.status().code());
        i.setString(4, json);
        i.setLong(5, sequenceNr);
        i.setTimestamp(6, Timestamp.from(at));
        i.executeUpdate();
      }
    } else {
      try (PreparedStatement u = c.prepareStatement("UPDATE customer_orders SET status = ?, view_json = ?,"
          + " last_sequence_nr = ?, updated_at = ? WHERE order_id = ? AND last_sequence_nr = ?")) {
        u.setString(1, next.status().code());
        u.setString(2, json);
        u.setLong(3, sequenceNr);
        u.setTimestamp(4, Timestamp.from(at));
        u.setString(5, event.orderId());
        u.setLong(6, lastSeq);
        if (u.executeUpdate() != 1) throw new SQLException("order " + event.orderId() + " changed concurrently; retrying");
      }
    }
  }

  /** The order's view after {@code event} (pure; the same transitions as the Order entity). */
  static OrderView next(OrderView current, OrderEvent event) {
    Instant at = event.meta().timestamp();
    if (event instanceof OrderEvent.OrderCreated e) {
      return new OrderView(e.orderId(), true, e.userId(), OrderStatus.PENDING, e.items(), e.total(), e.currency(),
          e.expiresAt(), List.of(new OrderView.Transition(OrderStatus.PENDING, at)), List.of());
    }
    if (event instanceof OrderEvent.OrderFailed e) {
      OrderView base = current != null ? current : new OrderView(e.orderId(), true, e.userId(), null,
          e.items().stream().map(l -> new PricedLine(l.productId(), null, l.quantity(), null, null)).toList(),
          null, null, null, List.of(), List.of());
      OrderView moved = moveTo(base, OrderStatus.FAILED, at);
      return new OrderView(moved.orderId(), true, moved.userId(), moved.status(), moved.items(), moved.total(),
          moved.currency(), moved.expiresAt(), moved.timeline(), e.reasons());
    }
    if (current == null) {
      throw new IllegalStateException("order " + event.orderId() + ": " + event.eventType() + " before order.created");
    }
    if (event instanceof OrderEvent.OrderConfirmed) return moveTo(current, OrderStatus.CONFIRMED, at);
    if (event instanceof OrderEvent.OrderCancelled) return moveTo(current, OrderStatus.CANCELLED, at);
    if (event instanceof OrderEvent.OrderExpired) return moveTo(current, OrderStatus.EXPIRED, at);
    return current; // an event type this version does not know changes nothing here
  }

  private static OrderView moveTo(OrderView v, OrderStatus next, Instant at) {
    List<OrderView.Transition> t = new ArrayList<>(v.timeline());
    t.add(new OrderView.Transition(next, at));
    return new OrderView(v.orderId(), true, v.userId(), next, v.items(), v.total(), v.currency(), v.expiresAt(), t,
        v.failureReasons());
  }

  static OrderView readView(ObjectMapper mapper, String json) {
    try {
      return mapper.readValue(json, OrderView.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("customer_orders row is unreadable: " + e.getOriginalMessage(), e);
    }
  }
}
