package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.api.OrderStatus;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.customer.api.PlaceOrder;
import org.linecommerce.customer.api.PricedLine;
import org.linecommerce.customer.internal.order.Order;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.testkit.StoredPayloads;

/**
 * Order events, the Order snapshot ({@code Order.State}) and the stored order request (the JSON
 * kept in {@code order_requests.request_json} and its hash) as version 1 stored them must still
 * read as the same facts: {@code compat/order-events-v1.properties},
 * {@code compat/order-requests-v1.properties}. To write the fixtures of a new version: run with
 * {@code -Dcompat.write=<dir>} and add the files next to the old ones (format and rule:
 * {@link StoredPayloads}).
 */
class OrderEventCompatibilityTest {

  static final ActorTestKit testKit = ActorTestKit.create("OrderEventCompatibilityTest", OrderEntityTest.config());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static final MessageMeta META = new MessageMeta("m-1", "c-1", "m-0", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      Instant.parse("2026-11-23T00:00:00Z"), "checkout-saga");
  static final Instant EXPIRES = Instant.parse("2026-11-23T00:15:00Z");
  static final List<PricedLine> LINES = List.of(
      new PricedLine("matcha-powder-1", "Matcha Powder", 2, new BigDecimal("234"), new BigDecimal("468")),
      new PricedLine("sencha-1", null, 1, new BigDecimal("120.50"), new BigDecimal("120.50")));
  static final List<OrderLine> REQUESTED = List.of(new OrderLine("matcha-powder-1", 2), new OrderLine("sencha-1", 1));

  /** Version 1: one event of each type and snapshots of a confirmed and of an early-failed order. */
  static Map<String, Object> v1() {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("created", new OrderEvent.OrderCreated("o-1", "U1", LINES, new BigDecimal("588.50"), "THB", EXPIRES, META));
    facts.put("confirmed", new OrderEvent.OrderConfirmed("o-1", META));
    facts.put("cancelled", new OrderEvent.OrderCancelled("o-1", "cancelled by the customer", META));
    facts.put("expired", new OrderEvent.OrderExpired("o-1", META));
    facts.put("failed", new OrderEvent.OrderFailed("o-1", "U1", REQUESTED,
        List.of("line 1 (matcha-powder-1): not enough stock"), META));
    facts.put("state", new Order.State("U1", OrderStatus.CONFIRMED, LINES, new BigDecimal("588.50"), "THB", EXPIRES,
        List.of(new OrderView.Transition(OrderStatus.PENDING, Instant.parse("2026-11-23T00:00:00Z")),
            new OrderView.Transition(OrderStatus.CONFIRMED, Instant.parse("2026-11-23T00:01:00Z"))),
        List.of()));
    facts.put("state-failed", new Order.State("U1", OrderStatus.FAILED,
        List.of(new PricedLine("matcha-powder-1", null, 2, null, null)), null, null, null,
        List.of(new OrderView.Transition(OrderStatus.FAILED, Instant.parse("2026-11-23T00:00:00Z"))),
        List.of("line 1 (matcha-powder-1): not enough stock")));
    return facts;
  }

  /** The request whose stored form {@code order-requests-v1.properties} holds. */
  static final PlaceOrder REQUEST = new PlaceOrder("U1", REQUESTED);

  @Test
  void version1OrderEventsAndSnapshotsStillDeserializeToTheSameFacts() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    StoredPayloads.writeIfAsked(serialization, "order-events-v1.properties",
        "Order events and state snapshots as version 1 serialized them", v1());
    StoredPayloads.assertReadsAs(serialization, "/compat/order-events-v1.properties", v1());
  }

  /**
   * A stored request must read back as the same order, and the same request must still serialize
   * to the same JSON (hence hash): otherwise a client repeating a request across an upgrade would
   * get 409 instead of its order.
   */
  @Test
  void version1StoredOrderRequestsStillReadAndHashTheSame() throws Exception {
    ObjectMapper mapper = Json.mapper(testKit.system());
    Map<String, String> stored = new LinkedHashMap<>();
    stored.put("request.json", mapper.writeValueAsString(REQUEST));
    stored.put("request.hash", sha256(stored.get("request.json")));
    StoredPayloads.writeIfAsked("order-requests-v1.properties",
        "order_requests.request_json and request_hash as version 1 stored them", stored);
    Properties fixture = StoredPayloads.load("/compat/order-requests-v1.properties");
    String json = fixture.getProperty("request.json");
    assertThat(mapper.readValue(json, PlaceOrder.class)).isEqualTo(REQUEST);
    assertThat(mapper.writeValueAsString(REQUEST)).as("the same request serializes as before").isEqualTo(json);
    assertThat(sha256(json)).isEqualTo(fixture.getProperty("request.hash"));
  }

  static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  /** A snapshot or event written before a field existed reads with empty collections, never null. */
  @Test
  void aSnapshotOrEventWithoutLaterFieldsReadsWithEmptyCollections() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    var cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
    int id = serialization.findSerializerFor(v1().get("state")).identifier();
    Order.State state = (Order.State) serialization.deserialize(
        cbor.writeValueAsBytes(Map.of("userId", "U1", "status", "pending")), id, Order.State.class.getName()).get();
    assertThat(state.status()).isEqualTo(OrderStatus.PENDING);
    assertThat(state.items()).isEmpty();
    assertThat(state.timeline()).isEmpty();
    assertThat(state.failureReasons()).isEmpty();
    OrderEvent.OrderFailed failed = (OrderEvent.OrderFailed) serialization.deserialize(
        cbor.writeValueAsBytes(Map.of("orderId", "o-1", "userId", "U1")), id, OrderEvent.OrderFailed.class.getName()).get();
    assertThat(failed.items()).isEmpty();
    assertThat(failed.reasons()).isEmpty();
    OrderEvent.OrderCreated created = (OrderEvent.OrderCreated) serialization.deserialize(
        cbor.writeValueAsBytes(Map.of("orderId", "o-1", "userId", "U1")), id, OrderEvent.OrderCreated.class.getName()).get();
    assertThat(created.items()).isEmpty();
  }
}
