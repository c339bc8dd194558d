package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.customer.order.OrderTesting.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.internal.order.CheckoutSaga;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.saga.Sagas;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * Three nodes on PostgreSQL; the node running a checkout saga crashes (its actor system
 * terminates: no leaving, no hand-off) at a step boundary, and nobody downs it by hand: the split
 * brain resolver does, as in production, and the saga resumes on another node. Afterwards the
 * invariant is checked on the journal (order and product events read back from the database):
 * confirmed iff every unit is committed, otherwise no unit held, stock never negative.
 *
 * <p>The two commit boundaries confirm late (about 1.5 s before the deadline) and the fail-over
 * takes longer than that: before the catalog held reservations for {@code commit-grace} past the
 * deadline, the commit found them expired, the order failed and, during the commit, the units
 * already committed stayed sold.
 */
class CheckoutCrashTest {

  enum Boundary {
    /** stock reserved, the order not yet created (step 2 held on the crashing node) */
    AFTER_RESERVE,
    /** the order created and waiting; it expires on the node that took the saga over */
    AFTER_CREATE,
    /** the confirmation accepted, the commit not yet started (step 4 held on the crashing node) */
    BETWEEN_CONFIRM_AND_COMMIT,
    /** the first line committed, the second not (step 4 commits line 1, then holds) */
    DURING_COMMIT
  }

  private static final List<OrderLine> LINES = List.of(new OrderLine("crash-tea", 2), new OrderLine("crash-cake", 1));

  /** The node that reached the boundary's step first: it holds the step there. */
  private static final AtomicReference<ActorSystem<?>> holder = new AtomicReference<>();
  /** Set once the checkout stands at the boundary on {@link #holder}: the node to crash. */
  private static final AtomicReference<ActorSystem<?>> victim = new AtomicReference<>();
  private static volatile Boundary boundary;

  private static final CheckoutSaga.Hooks HOOKS = (system, orderId, step, compensation) -> {
    CompletionStage<Void> go = CompletableFuture.completedFuture(null);
    if (compensation) return go;
    boolean held = switch (boundary) {
      case AFTER_RESERVE -> step.equals(CheckoutSaga.CREATE);
      case AFTER_CREATE -> false;
      case BETWEEN_CONFIRM_AND_COMMIT, DURING_COMMIT -> step.equals(CheckoutSaga.COMMIT);
    };
    if (boundary == Boundary.AFTER_CREATE && step.equals(CheckoutSaga.CREATE)) victim.compareAndSet(null, system);
    if (!held) return go;
    holder.compareAndSet(null, system);
    if (holder.get() != system) return go;
    CompletableFuture<Void> never = new CompletableFuture<>();
    if (boundary == Boundary.DURING_COMMIT) {
      // what the step itself does first: line 1 is committed when the node dies
      return new CatalogClient(system).commit(LINES.get(0).productId(), CheckoutSaga.reservationId(orderId, 0),
          MessageMeta.root("crash-test", orderId)).thenCompose(r -> {
            assertThat(r.isOk()).as("line 1 committed before the crash: %s", r).isTrue();
            victim.compareAndSet(null, system);
            return never;
          });
    }
    victim.compareAndSet(null, system);
    return never;
  };

  private static Config config(Boundary b) {
    String ttl = b == Boundary.AFTER_RESERVE ? "20s" : "6s";
    return ConfigFactory.parseString("linecommerce.orders.commit-grace = 60s").withFallback(ttl(ttl));
  }

  @ParameterizedTest
  @EnumSource(Boundary.class)
  void theInvariantHoldsOnTheJournalWhenTheNodeRunningTheCheckoutCrashesAt(Boundary at) throws Exception {
    boundary = at;
    victim.set(null);
    holder.set(null);
    try (TestDatabase db = TestDatabase.postgres();
        InProcessCluster cluster = InProcessCluster.start(3, db,
            List.of(new CatalogModule(), new OrderTestModule(HOOKS)), config(at))) {
      CatalogClient catalog0 = new CatalogClient(cluster.system(0));
      ok(OrderTesting.await(catalog0.upsert(product("crash-tea", 5, "50"))));
      ok(OrderTesting.await(catalog0.upsert(product("crash-cake", 4, "80"))));

      HttpResponse<String> placed = placeOrder(cluster.node(0), "crash-" + at, "U-crash", "crash-tea", "2", "crash-cake", "1");
      assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
      String orderId = json(placed).path("orderId").asText();

      if (at == Boundary.BETWEEN_CONFIRM_AND_COMMIT || at == Boundary.DURING_COMMIT) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> order(cluster.node(0), orderId).hasNonNull("expiresAt"));
        Instant expiresAt = Instant.parse(order(cluster.node(0), orderId).path("expiresAt").asText());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
            .until(() -> Instant.now().isAfter(expiresAt.minusMillis(1500)));
        // the answer does not matter (its node may be the one that dies); the journal will tell
        confirmAsync(cluster.node(0), orderId);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> victim.get() != null);
      if (at == Boundary.AFTER_CREATE) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> order(cluster.node(0), orderId).hasNonNull("expiresAt"));
      }

      int survivor = crash(cluster, victim.get());
      Node node = cluster.node(survivor);
      Sagas sagas = Sagas.get(cluster.system(survivor));

      if (at == Boundary.AFTER_RESERVE) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> order(node, orderId).hasNonNull("expiresAt"));
        HttpResponse<String> confirmed = api(node, "POST", "/api/v1/orders/" + orderId + "/confirm", null, null);
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() ->
          OrderTesting.await(sagas.status(CheckoutSaga.sagaId(orderId))).status().isFinished());

      CheckoutJournal journal = new CheckoutJournal(cluster.system(survivor));
      String status = journal.assertInvariant(orderId, LINES);
      assertThat(status).isEqualTo(at == Boundary.AFTER_CREATE ? "expired" : "confirmed");
      assertThat(status(node, orderId)).isEqualTo(status);
      for (OrderLine line : LINES) {
        journal.assertNeverNegative(line.productId());
        assertThat(journal.stillReserved(line.productId())).isZero();
      }
      CatalogClient catalog = new CatalogClient(cluster.system(survivor));
      ProductSummary tea = ok(OrderTesting.await(catalog.get("crash-tea")));
      ProductSummary cake = ok(OrderTesting.await(catalog.get("crash-cake")));
      int teaSold = status.equals("confirmed") ? 2 : 0;
      int cakeSold = status.equals("confirmed") ? 1 : 0;
      assertThat(tea.stock()).isEqualTo(5 - teaSold).isEqualTo(journal.finalStock("crash-tea"));
      assertThat(cake.stock()).isEqualTo(4 - cakeSold).isEqualTo(journal.finalStock("crash-cake"));
      assertThat(tea.reserved()).isZero();
      assertThat(cake.reserved()).isZero();
    }
  }

  private static void confirmAsync(Node node, String orderId) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/orders/" + orderId + "/confirm"))
        .timeout(Duration.ofSeconds(30)).header("Authorization", API_TOKEN)
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding());
  }

  /**
   * Kills {@code system}'s node as a crash would (no leaving, no hand-off, no down by hand) and
   * waits until the split brain resolver has downed it and the survivors see each other Up;
   * returns a survivor's index.
   */
  static int crash(InProcessCluster cluster, ActorSystem<?> system) throws Exception {
    int index = -1;
    for (int i = 0; i < 3; i++) if (cluster.system(i) == system) index = i;
    assertThat(index).as("the node to crash").isNotNegative();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    cluster.awaitAllUp();
    return index == 0 ? 1 : 0;
  }
}
