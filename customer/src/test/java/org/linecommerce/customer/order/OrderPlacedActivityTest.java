package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.customer.order.OrderTesting.SEED_OFF;
import static org.linecommerce.customer.order.OrderTesting.api;
import static org.linecommerce.customer.order.OrderTesting.json;
import static org.linecommerce.customer.order.OrderTesting.ok;
import static org.linecommerce.customer.order.OrderTesting.order;
import static org.linecommerce.customer.order.OrderTesting.placeOrder;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.stream.javadsl.Sink;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.customer.api.Activity;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.CustomerView;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.customer.internal.Customer;
import org.linecommerce.customer.internal.order.OrderActivityProjection;
import org.linecommerce.customer.internal.order.OrderActivityProjectionHandler;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.subscription.EventDelivery;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * {@code order_placed} is a reliable reaction to {@code order.created} (subscription
 * {@value OrderActivityProjection#NAME}): it is recorded once however often the event is
 * delivered, and it arrives even when the customer domain could not be reached at first.
 */
class OrderPlacedActivityTest {

  private static long orderPlaced(CustomerView customer, String orderId) {
    return customer.recentActivity().stream()
        .filter(a -> a.type().equals(Activity.ORDER_PLACED) && a.data().contains(orderId)).count();
  }

  private static List<EventEnvelope> envelopes(Node node, String orderId) {
    JdbcReadJournal journal = PersistenceQuery.get(node.system().classicSystem())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return OrderTesting.await(journal.currentEventsByPersistenceId("Order|" + orderId, 0L, Long.MAX_VALUE)
        .runWith(Sink.seq(), node.system()));
  }

  @Test
  void aRedeliveredOrderCreatedRecordsTheActivityOnce() {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, List.of(new CatalogModule(), new CustomerModule()), SEED_OFF)) {
      Node node = cluster.node(0);
      ok(OrderTesting.await(new CatalogClient(node.system()).upsert(OrderTesting.product("act-tea", 10, "10"))));
      String orderId = json(placeOrder(node, "act-1", "U-act", "act-tea", "1")).path("orderId").asText();
      CustomerClient customers = new CustomerClient(node.system());
      Awaitility.await("order_placed recorded").atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> orderPlaced(ok(OrderTesting.await(customers.get("U-act"))), orderId) == 1);

      // the subscription delivers order.created again (a replay after a crash, an operator's retry)
      EventEnvelope created = envelopes(node, orderId).get(0);
      assertThat(created.event()).isInstanceOf(OrderEvent.OrderCreated.class);
      OrderActivityProjectionHandler handler = new OrderActivityProjectionHandler(customers, Json.mapper(node.system()));
      for (int i = 0; i < 2; i++) {
        OrderTesting.await(handler.handle(new EventDelivery<>(OrderActivityProjection.NAME, created.persistenceId(),
            created.sequenceNr(), (OrderEvent) created.event(), java.time.Instant.ofEpochMilli(created.timestamp()), 1, true)));
      }
      assertThat(orderPlaced(ok(OrderTesting.await(customers.get("U-act"))), orderId)).isEqualTo(1);
      assertThat(OrderTesting.journal(node.system(), "Customer|U-act").stream()
          .filter(e -> e.toString().contains(orderId)).count()).as("activity events of the order").isEqualTo(1);
    }
  }

  @Test
  void orderPlacedArrivesEvenWhenTheCustomerWasUnavailableAtFirst() {
    var fastRetries = ConfigFactory.parseString("""
        linecommerce.subscriptions { max-attempts = 100, retry-backoff = 100ms, max-retry-backoff = 300ms, handler-timeout = 3s }
        """).withFallback(SEED_OFF);
    try (TestDatabase db = TestDatabase.h2();
        // orders without the customer domain: Customer sharding is not started, every ask for a customer fails
        InProcessCluster cluster = InProcessCluster.start(1, db, OrderTesting.modules(), fastRetries)) {
      Node node = cluster.node(0);
      ok(OrderTesting.await(new CatalogClient(node.system()).upsert(OrderTesting.product("late-tea", 10, "10"))));
      String orderId = json(placeOrder(node, "late-1", "U-late", "late-tea", "1")).path("orderId").asText();
      Awaitility.await("order created").atMost(Duration.ofSeconds(20))
          .until(() -> order(node, orderId).hasNonNull("expiresAt"));
      Awaitility.await("the reaction failed and is being retried").atMost(Duration.ofSeconds(20)).until(() ->
          org.linecommerce.runtime.health.Metrics.get(node.system()).registry()
              .counter("subscription.events.retried", "subscription", OrderActivityProjection.NAME).count() > 0);

      Customer.init(node.system()); // the customer domain comes up
      CustomerClient customers = new CustomerClient(node.system());
      Awaitility.await("order_placed recorded after all").atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> orderPlaced(ok(OrderTesting.await(customers.get("U-late"))), orderId) == 1);
      assertThat(api(node, "GET", "/api/v1/orders/" + orderId, null, null).statusCode()).isEqualTo(200);
    }
  }
}
