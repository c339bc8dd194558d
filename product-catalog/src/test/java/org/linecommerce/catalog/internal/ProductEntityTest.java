package org.linecommerce.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.ProductCommand;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.catalog.api.UpsertResult;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * The Product entity on Pekko's EventSourcedBehaviorTestKit, with the project's serialization
 * settings and serialization checks on (every command, event and state goes through CBOR).
 */
class ProductEntityTest {

  static final ActorTestKit testKit = ActorTestKit.create("ProductEntityTest", config());
  private static final AtomicInteger ids = new AtomicInteger();
  private static final Duration TTL = Duration.ofMinutes(15);

  /** The persistence testkit's in-memory journal, with the serialization settings every node uses. */
  static Config config() {
    return TestNodeConfig.eventSourcedTestKit();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final String id = "p-" + ids.incrementAndGet();
  private final EventSourcedBehaviorTestKit<ProductCommand, ProductEvent, Product.State> kit =
      EventSourcedBehaviorTestKit.create(testKit.system(), Product.create(id, null),
          EventSourcedBehaviorTestKit.enabledSerializationSettings());

  static ProductData matcha(String id, int stock) {
    return new ProductData(id, "SKU-1", "tea", Map.of("en", "Tea", "ja", "お茶"),
        Map.of("en", "Matcha 50g", "ja", "抹茶 50g", "th", "มัทฉะ"), Map.of("en", "Fine matcha."),
        List.of("matcha", "green tea"), new BigDecimal("234"), "THB", stock);
  }

  private static ProductData with(ProductData d, UnaryOperator<ProductData> change) {
    return change.apply(d);
  }

  private CommandResultWithReply<ProductCommand, ProductEvent, Product.State, StatusReply<UpsertResult>> upsert(ProductData d) {
    return kit.runCommand(r -> new ProductCommand.Upsert(d, MessageMeta.root("test", null), r));
  }

  private CommandResultWithReply<ProductCommand, ProductEvent, Product.State, StatusReply<Reservation>> reserve(
      String reservationId, int quantity, Duration ttl) {
    return kit.runCommand(r -> new ProductCommand.Reserve(reservationId, quantity, ttl, null, r));
  }

  private CommandResultWithReply<ProductCommand, ProductEvent, Product.State, StatusReply<Reservation>> release(String reservationId) {
    return kit.runCommand(r -> new ProductCommand.Release(reservationId, null, r));
  }

  private CommandResultWithReply<ProductCommand, ProductEvent, Product.State, StatusReply<Reservation>> commit(String reservationId) {
    return kit.runCommand(r -> new ProductCommand.Commit(reservationId, null, r));
  }

  private CommandResultWithReply<ProductCommand, ProductEvent, Product.State, StatusReply<Reservation>> revert(String reservationId) {
    return kit.runCommand(r -> new ProductCommand.Revert(reservationId, null, r));
  }

  private ProductSummary get() {
    return kit.<ProductSummary>runCommand(ProductCommand.Get::new).reply();
  }

  // ---------------------------------------------------------------- product data

  @Test
  void upsertCreatesThenUpdatesAndTheSameDataAgainPersistsNothing() {
    var created = upsert(matcha(id, 10));
    assertThat(created.reply().getValue().outcome()).isEqualTo(UpsertResult.Outcome.CREATED);
    assertThat(created.events()).singleElement().isInstanceOf(ProductEvent.ProductCreated.class);
    assertThat(created.reply().getValue().product().available()).isEqualTo(10);

    ProductData renamed = new ProductData(id, "SKU-1", "tea", Map.of("en", "Tea", "ja", "お茶"),
        Map.of("en", "Matcha 50 g"), Map.of(), List.of("matcha"), new BigDecimal("250.00"), "THB", 12);
    var updated = upsert(renamed);
    assertThat(updated.reply().getValue().outcome()).isEqualTo(UpsertResult.Outcome.UPDATED);
    assertThat(updated.events()).hasSize(2);
    var productUpdated = (ProductEvent.ProductUpdated) updated.events().get(0);
    assertThat(productUpdated.data().stock()).as("ProductUpdated keeps the stock as before").isEqualTo(10);
    assertThat(productUpdated.data().price()).isEqualByComparingTo("250");
    var stock = (ProductEvent.StockAdjusted) updated.events().get(1);
    assertThat(stock.stock()).isEqualTo(12);
    assertThat(stock.available()).isEqualTo(12);

    // same data, price written differently and texts with blanks around: unchanged, nothing persisted
    ProductData same = new ProductData(id, " SKU-1 ", "tea", Map.of("en", "Tea", "ja", "お茶"),
        Map.of("en", "Matcha 50 g "), Map.of(), List.of("matcha"), new BigDecimal("250"), "thb", 12);
    var unchanged = upsert(same);
    assertThat(unchanged.reply().getValue().outcome()).isEqualTo(UpsertResult.Outcome.UNCHANGED);
    assertThat(unchanged.hasNoEvents()).isTrue();

    // only the stock changed: one StockAdjusted
    var restocked = upsert(with(same, d -> Product.withStock(d, 20)));
    assertThat(restocked.events()).singleElement().isInstanceOf(ProductEvent.StockAdjusted.class);
    assertThat(get().stock()).isEqualTo(20);
  }

  @Test
  void invalidProductDataIsRefusedWithAClearMessageAndPersistsNothing() {
    ProductData ok = matcha(id, 5);
    Map<ProductData, String> invalid = Map.of(
        new ProductData(id, null, "tea", null, Map.of("en", " "), null, null, BigDecimal.ONE, "THB", 1),
        "name must be given in at least one language",
        with(ok, d -> Product.withPrice(d, new BigDecimal("-1"), "THB")), "price must be >= 0",
        with(ok, d -> Product.withStock(d, -3)), "stock must be >= 0",
        with(ok, d -> Product.withPrice(d, BigDecimal.TEN, "XYZ")), "'XYZ' is not an ISO 4217 currency",
        with(ok, d -> Product.withPrice(d, new BigDecimal("1.5"), "JPY")), "more decimals than JPY allows",
        matcha("other-id", 5), "does not match product",
        new ProductData("Bad Id", null, null, null, Map.of("en", "x"), null, null, BigDecimal.ONE, "THB", 1),
        "not a valid product id",
        new ProductData(id, null, null, null, Map.of("en", "x"), Map.of("en", "d".repeat(5001)), null, BigDecimal.ONE,
            "THB", 1), "description.en is longer than 5000 characters",
        new ProductData(id, null, null, null, Map.of("english", "x"), null, null, BigDecimal.ONE, "THB", 1),
        "invalid language code");
    invalid.forEach((data, message) -> {
      var result = upsert(data);
      assertThat(result.reply().isError()).as(message).isTrue();
      assertThat(result.reply().getError().getMessage()).contains(message);
      assertThat(result.hasNoEvents()).isTrue();
    });
    assertThat(get().exists()).isFalse();
    assertThat(kit.persistenceTestKit().persistedInStorage("Product|" + id)).isEmpty();
  }

  @Test
  void priceStockAndDiscontinuationChangeTheProductOnce() {
    upsert(matcha(id, 10));
    var price = kit.<StatusReply<ProductSummary>>runCommand(
        r -> new ProductCommand.ChangePrice(new BigDecimal("199.50"), "THB", null, r));
    assertThat(price.events()).singleElement().isInstanceOf(ProductEvent.PriceChanged.class);
    var samePrice = kit.<StatusReply<ProductSummary>>runCommand(
        r -> new ProductCommand.ChangePrice(new BigDecimal("199.5"), "THB", null, r));
    assertThat(samePrice.hasNoEvents()).isTrue();
    assertThat(samePrice.reply().getValue().data().price()).isEqualByComparingTo("199.5");

    var adjusted = kit.<StatusReply<ProductSummary>>runCommand(r -> new ProductCommand.AdjustStock(-4, "breakage", null, r));
    assertThat(adjusted.reply().getValue().stock()).isEqualTo(6);
    var tooMuch = kit.<StatusReply<ProductSummary>>runCommand(r -> new ProductCommand.AdjustStock(-7, null, null, r));
    assertThat(tooMuch.reply().getError().getMessage()).contains("cannot go from 6 to -1");
    assertThat(tooMuch.hasNoEvents()).isTrue();

    reserve("r-1", 5, TTL);
    var belowReserved = kit.<StatusReply<ProductSummary>>runCommand(r -> new ProductCommand.AdjustStock(-2, null, null, r));
    assertThat(belowReserved.reply().getError().getMessage()).contains("5 units are reserved");
    assertThat(upsert(matcha(id, 4)).reply().getError().getMessage()).contains("5 units are reserved");

    var discontinued = kit.<StatusReply<ProductSummary>>runCommand(r -> new ProductCommand.Discontinue(null, r));
    assertThat(discontinued.events()).singleElement().isInstanceOf(ProductEvent.ProductDiscontinued.class);
    var again = kit.<StatusReply<ProductSummary>>runCommand(r -> new ProductCommand.Discontinue(null, r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().getValue().discontinued()).isTrue();
  }

  @Test
  void commandsToAProductThatDoesNotExistAreRefused() {
    assertThat(get().exists()).isFalse();
    assertThat(reserve("r-1", 1, TTL).reply().getError().getMessage()).isEqualTo("product " + id + " does not exist");
    assertThat(release("r-1").reply().isError()).isTrue();
    assertThat(commit("r-1").reply().isError()).isTrue();
    assertThat(kit.persistenceTestKit().persistedInStorage("Product|" + id)).isEmpty();
  }

  // ---------------------------------------------------------------- reservations

  @Test
  void reserveHoldsUnitsThatCommitSellsAndReleaseFrees() {
    upsert(matcha(id, 10));
    var reserved = reserve("r-1", 3, TTL);
    Reservation r1 = reserved.reply().getValue();
    assertThat(r1.status()).isEqualTo(Reservation.Status.ACTIVE);
    assertThat(r1.quantity()).isEqualTo(3);
    assertThat(r1.expiresAt()).isBetween(Instant.now().plus(TTL).minusSeconds(5), Instant.now().plus(TTL));
    var event = (ProductEvent.StockReserved) reserved.events().get(0);
    assertThat(event.available()).isEqualTo(7);
    reserve("r-2", 2, TTL);
    assertThat(get()).extracting(ProductSummary::stock, ProductSummary::reserved, ProductSummary::available)
        .containsExactly(10, 5, 5);

    var committed = commit("r-1");
    assertThat(committed.reply().getValue().status()).isEqualTo(Reservation.Status.COMMITTED);
    var commitEvent = (ProductEvent.ReservationCommitted) committed.events().get(0);
    assertThat(commitEvent.stock()).isEqualTo(7);
    assertThat(commitEvent.available()).isEqualTo(5);

    var released = release("r-2");
    assertThat(released.reply().getValue().status()).isEqualTo(Reservation.Status.RELEASED);
    assertThat(((ProductEvent.ReservationReleased) released.events().get(0)).reason()).isEqualTo("released");
    assertThat(get()).extracting(ProductSummary::stock, ProductSummary::reserved, ProductSummary::available)
        .containsExactly(7, 0, 7);
  }

  @Test
  void revertReturnsCommittedUnitsReleasesActiveOnesAndIsIdempotent() {
    upsert(matcha(id, 10));
    reserve("r-sold", 3, TTL);
    commit("r-sold");
    reserve("r-held", 2, TTL);
    assertThat(get()).extracting(ProductSummary::stock, ProductSummary::reserved).containsExactly(7, 2);

    var reverted = revert("r-sold");
    assertThat(reverted.reply().getValue().status()).isEqualTo(Reservation.Status.REVERTED);
    var event = (ProductEvent.ReservationReverted) reverted.events().get(0);
    assertThat(event.stock()).isEqualTo(10);
    assertThat(event.available()).isEqualTo(8);
    assertThat(revert("r-sold").hasNoEvents()).as("a second revert changes nothing").isTrue();
    assertThat(commit("r-sold").reply().isError()).as("a reverted reservation cannot be committed again").isTrue();

    assertThat(revert("r-held").reply().getValue().status()).isEqualTo(Reservation.Status.RELEASED);
    assertThat(revert("r-never").reply().getValue().quantity()).isZero();
    assertThat(reserve("r-never", 1, TTL).reply().isError()).as("a reverted unknown id stays closed").isTrue();
    assertThat(get()).extracting(ProductSummary::stock, ProductSummary::reserved, ProductSummary::available)
        .containsExactly(10, 0, 10);
    kit.restart();
    assertThat(get()).extracting(ProductSummary::stock, ProductSummary::reserved).containsExactly(10, 0);
  }

  @Test
  void insufficientStockIsRefusedAndTheRefusalIsRemembered() {
    upsert(matcha(id, 2));
    var refused = reserve("r-1", 3, TTL);
    assertThat(refused.reply().getError().getMessage())
        .isEqualTo("insufficient stock for product " + id + ": 3 requested, 2 available");
    assertThat(refused.events()).singleElement().isInstanceOf(ProductEvent.ReservationRefused.class);
    assertThat(get().available()).isEqualTo(2);
  }

  @Test
  void aRetriedReserveGetsTheFirstAnswerAlsoWhenItWasARefusal() {
    upsert(matcha(id, 5));
    Reservation first = reserve("r-ok", 5, TTL).reply().getValue();
    String refusal = reserve("r-no", 1, TTL).reply().getError().getMessage();

    var retriedOk = reserve("r-ok", 5, TTL);
    assertThat(retriedOk.reply().getValue()).isEqualTo(first);
    assertThat(retriedOk.hasNoEvents()).isTrue();

    release("r-ok"); // 5 units free again: a fresh decision would now grant r-no
    var retriedNo = reserve("r-no", 1, TTL);
    assertThat(retriedNo.reply().getError().getMessage()).isEqualTo(refusal);
    assertThat(retriedNo.hasNoEvents()).isTrue();

    // the decision survives a restart (it is persisted, not only in memory)
    kit.restart();
    assertThat(reserve("r-no", 1, TTL).reply().getError().getMessage()).isEqualTo(refusal);
    Reservation afterRelease = reserve("r-ok", 5, TTL).reply().getValue();
    assertThat(afterRelease.quantity()).isEqualTo(5);
    assertThat(afterRelease.expiresAt()).isEqualTo(first.expiresAt());
    assertThat(afterRelease.status()).isEqualTo(Reservation.Status.RELEASED);
  }

  @Test
  void invalidReserveArgumentsAreRefusedAndNotRemembered() {
    upsert(matcha(id, 5));
    assertThat(reserve("r-1", 0, TTL).reply().getError().getMessage()).contains("quantity must be 1 to");
    assertThat(reserve("r-1", 1, Duration.ZERO).reply().getError().getMessage()).contains("ttl must be positive");
    assertThat(reserve("bad id!", 1, TTL).reply().getError().getMessage()).contains("reservationId 'bad id!' is not valid");
    assertThat(kit.persistenceTestKit().persistedInStorage("Product|" + id)).hasSize(1);
    assertThat(reserve("r-1", 1, TTL).reply().getValue().status()).isEqualTo(Reservation.Status.ACTIVE);
  }

  @Test
  void aDiscontinuedProductRefusesNewReservationsButCommitsHeldOnes() {
    upsert(matcha(id, 5));
    reserve("r-held", 2, TTL);
    kit.<StatusReply<ProductSummary>>runCommand(r -> new ProductCommand.Discontinue(null, r));
    var refused = reserve("r-new", 1, TTL);
    assertThat(refused.reply().getError().getMessage()).isEqualTo("product " + id + " is discontinued");
    assertThat(commit("r-held").reply().getValue().status()).isEqualTo(Reservation.Status.COMMITTED);
  }

  @Test
  void releaseAndCommitAreIdempotentAndRefuseWhatCannotBeUndone() {
    upsert(matcha(id, 10));
    reserve("r-1", 1, TTL);
    reserve("r-2", 1, TTL);

    Reservation released = release("r-1").reply().getValue();
    var releasedAgain = release("r-1");
    assertThat(releasedAgain.reply().getValue()).isEqualTo(released);
    assertThat(releasedAgain.hasNoEvents()).isTrue();
    assertThat(commit("r-1").reply().getError().getMessage())
        .isEqualTo("reservation r-1 of product " + id + " was released and can no longer be committed");

    Reservation committed = commit("r-2").reply().getValue();
    var committedAgain = commit("r-2");
    assertThat(committedAgain.reply().getValue()).isEqualTo(committed);
    assertThat(committedAgain.hasNoEvents()).isTrue();
    assertThat(release("r-2").reply().getError().getMessage())
        .isEqualTo("reservation r-2 of product " + id + " was committed; a committed reservation cannot be released");
    assertThat(get().stock()).isEqualTo(9);

    assertThat(commit("r-unknown").reply().getError().getMessage()).isEqualTo("product " + id + " has no reservation r-unknown");

    // a compensation that overtakes its reserve closes the id: the late reserve holds nothing
    var early = release("r-late");
    assertThat(early.reply().getValue().quantity()).isZero();
    assertThat(reserve("r-late", 1, TTL).reply().getError().getMessage()).contains("was released before it was made");
    assertThat(get().reserved()).isZero();
  }

  @Test
  void anExpiredReservationReleasesItself() {
    upsert(matcha(id, 3));
    reserve("r-short", 2, Duration.ofMillis(300));
    reserve("r-long", 1, TTL);
    assertThat(get().available()).isZero();

    await().atMost(Duration.ofSeconds(10)).until(() -> get().reserved() == 1);
    ProductSummary after = get();
    assertThat(after.available()).isEqualTo(2);
    assertThat(after.activeReservations()).extracting(Reservation::reservationId).containsExactly("r-long");
    var expired = kit.persistenceTestKit().persistedInStorage("Product|" + id).stream()
        .filter(e -> e instanceof ProductEvent.ReservationReleased).map(e -> (ProductEvent.ReservationReleased) e)
        .toList();
    assertThat(expired).singleElement().satisfies(e -> {
      assertThat(e.reservationId()).isEqualTo("r-short");
      assertThat(e.reason()).isEqualTo("expired");
      assertThat(e.quantity()).isEqualTo(2);
    });
    assertThat(commit("r-short").reply().getError().getMessage()).contains("expired at").contains("can no longer be committed");
    assertThat(release("r-short").reply().getValue().status()).isEqualTo(Reservation.Status.EXPIRED);
  }

  @Test
  void recoveryReArmsExpiriesAndReleasesOverdueReservationsAtOnce() {
    upsert(matcha(id, 5));
    reserve("r-soon", 1, Duration.ofSeconds(1));
    reserve("r-later", 1, TTL);
    kit.restart(); // a new incarnation: only the stored expiry can release r-soon
    await().atMost(Duration.ofSeconds(10)).until(() -> get().reserved() == 1);
    assertThat(kit.getState().lookup("r-soon").orElseThrow().status()).isEqualTo(Reservation.Status.EXPIRED);

    // a reservation that is already overdue when the product recovers is released at once
    Instant past = Instant.now().minusSeconds(60);
    kit.initialize(
        new ProductEvent.ProductCreated(id, matcha(id, 5), MessageMeta.root("test", null)),
        new ProductEvent.StockReserved(id, "r-overdue", 4, past, 1, MessageMeta.root("test", null)));
    await().atMost(Duration.ofSeconds(5)).until(() -> get().reserved() == 0);
    assertThat(kit.getState().lookup("r-overdue").orElseThrow().status()).isEqualTo(Reservation.Status.EXPIRED);
  }

  @Test
  void aProductRecoversFromItsSnapshotWithItsReservationsAndTheirOutcomes() {
    upsert(matcha(id, 1000));
    for (int i = 0; i < 60; i++) {
      reserve("r-" + i, 2, TTL);
      if (i % 3 == 0) commit("r-" + i);
      else if (i % 3 == 1) release("r-" + i);
    }
    revert("r-0");
    Product.State before = kit.getState();
    assertThat(kit.snapshotTestKit().orElseThrow().persistedInStorage("Product|" + id))
        .as("more than 100 events: a snapshot was taken").isNotEmpty();

    kit.restart();
    assertThat(kit.getState()).isEqualTo(before);
    assertThat(get()).extracting(ProductSummary::stock, ProductSummary::reserved).containsExactly(1000 - 19 * 2, 20 * 2);
    assertThat(kit.getState().lookup("r-0").orElseThrow().status()).isEqualTo(Reservation.Status.REVERTED);
    assertThat(reserve("r-1", 2, TTL).reply().getValue().status()).as("a released id keeps its outcome")
        .isEqualTo(Reservation.Status.RELEASED);
  }
}
