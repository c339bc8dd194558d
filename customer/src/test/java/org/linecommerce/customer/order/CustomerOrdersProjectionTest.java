package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.customer.order.OrderTesting.api;
import static org.linecommerce.customer.order.OrderTesting.json;
import static org.linecommerce.customer.order.OrderTesting.ok;
import static org.linecommerce.customer.order.OrderTesting.order;
import static org.linecommerce.customer.order.OrderTesting.placeOrder;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.customer.internal.order.CustomerOrdersProjection;
import org.linecommerce.customer.internal.order.CustomerOrdersProjectionHandler;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.persistence.Database;
import org.linecommerce.runtime.subscription.EventDelivery;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * {@code GET /api/v1/customers/{userId}/orders} is served from the {@code customer_orders} read
 * model that subscription {@value CustomerOrdersProjection#NAME} keeps from order events, on H2 and
 * on PostgreSQL: the list is eventually complete (every order, its current status, its prices) and
 * a replayed event changes nothing (no second row, no repeated transition).
 */
class CustomerOrdersProjectionTest {

  private static String list(Node node, String userId) {
    return api(node, "GET", "/api/v1/customers/" + userId + "/orders", null, null).body();
  }

  private static List<String> field(JsonNode list, String name) {
    List<String> out = new ArrayList<>();
    list.path("items").forEach(i -> out.add(i.path(name).asText()));
    return out;
  }

  private static long count(TestDatabase db, String sql, String arg) throws Exception {
    try (Connection c = db.connect(); PreparedStatement q = c.prepareStatement(sql)) {
      q.setString(1, arg);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void theOrderListIsEventuallyCompleteAndAReplayedEventChangesNothing(TestDatabase.Kind kind) throws Exception {
    try (TestDatabase db = TestDatabase.of(kind);
        InProcessCluster cluster = InProcessCluster.start(1, db, OrderTesting.modules(), OrderTesting.SEED_OFF)) {
      Node node = cluster.node(0);
      ok(OrderTesting.await(new CatalogClient(node.system()).upsert(OrderTesting.product("proj-tea", 50, "10"))));
      List<String> ids = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        ids.add(json(placeOrder(node, "proj-" + i, "U-proj", "proj-tea", String.valueOf(i))).path("orderId").asText());
      }
      for (String id : ids) {
        Awaitility.await("order created").atMost(Duration.ofSeconds(20)).until(() -> order(node, id).hasNonNull("expiresAt"));
      }
      assertThat(api(node, "POST", "/api/v1/orders/" + ids.get(0) + "/confirm", null, null).statusCode()).isEqualTo(200);
      assertThat(api(node, "POST", "/api/v1/orders/" + ids.get(1) + "/confirm", null, null).statusCode()).isEqualTo(200);
      assertThat(api(node, "POST", "/api/v1/orders/" + ids.get(2) + "/cancel", null, null).statusCode()).isEqualTo(200);

      List<String> newestFirst = List.of(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
      JsonNode listed = Awaitility.await("the list has caught up").atMost(Duration.ofSeconds(30))
          .until(() -> json(api(node, "GET", "/api/v1/customers/U-proj/orders", null, null)),
              l -> field(l, "status").equals(List.of("pending", "pending", "cancelled", "confirmed", "confirmed")));
      assertThat(field(listed, "orderId")).containsExactlyElementsOf(newestFirst);
      assertThat(field(listed, "total")).containsExactly("50", "40", "30", "20", "10");
      assertThat(count(db, "SELECT COUNT(*) FROM customer_orders WHERE user_id = ?", "U-proj")).isEqualTo(5);

      // the projection meets the same events again (a replay after a crash before the offset was stored)
      String before = list(node, "U-proj");
      CustomerOrdersProjectionHandler handler =
          new CustomerOrdersProjectionHandler(Database.get(node.system()), Json.mapper(node.system()));
      JdbcReadJournal journal = PersistenceQuery.get(node.system().classicSystem())
          .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      for (String id : List.of(ids.get(0), ids.get(2), ids.get(4))) {
        List<EventEnvelope> events = OrderTesting.await(
            journal.currentEventsByPersistenceId("Order|" + id, 0L, Long.MAX_VALUE).runWith(Sink.seq(), node.system()));
        for (EventEnvelope e : events) {
          OrderTesting.await(handler.handle(new EventDelivery<>(CustomerOrdersProjection.NAME, e.persistenceId(),
              e.sequenceNr(), (OrderEvent) e.event(), Instant.ofEpochMilli(e.timestamp()), 1, false)));
        }
      }
      assertThat(count(db, "SELECT COUNT(*) FROM customer_orders WHERE user_id = ?", "U-proj")).isEqualTo(5);
      assertThat(count(db, "SELECT COUNT(*) FROM customer_orders WHERE order_id = ?", ids.get(0))).isEqualTo(1);
      assertThat(list(node, "U-proj")).isEqualTo(before);

      // an older event redelivered alone after newer ones (a dead letter retried late) changes nothing either
      EventEnvelope created = OrderTesting.await(journal.currentEventsByPersistenceId("Order|" + ids.get(0), 1L, 1L)
          .runWith(Sink.seq(), node.system())).get(0);
      OrderTesting.await(handler.handle(new EventDelivery<>(CustomerOrdersProjection.NAME, created.persistenceId(),
          created.sequenceNr(), (OrderEvent) created.event(), Instant.ofEpochMilli(created.timestamp()), 1, false)));
      assertThat(list(node, "U-proj")).isEqualTo(before);
      JsonNode confirmed = json(api(node, "GET", "/api/v1/customers/U-proj/orders", null, null)).path("items").get(4);
      assertThat(confirmed.path("timeline").findValuesAsText("status")).containsExactly("pending", "confirmed");
    }
  }
}
