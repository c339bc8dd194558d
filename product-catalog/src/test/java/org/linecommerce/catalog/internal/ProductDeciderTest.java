package org.linecommerce.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.ProductCommand;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.catalog.api.Reservation.Status;
import org.linecommerce.catalog.internal.Product.State;
import org.linecommerce.catalog.internal.ProductDecider.Decision;
import org.linecommerce.runtime.MessageMeta;

/** The product's decisions as plain functions: (state, command, now) → events and reply, no actors. */
class ProductDeciderTest {

  private static final String ID = "matcha-1";
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final Duration TTL = Duration.ofMinutes(15);
  private final ProductDecider decider = new ProductDecider(ID);

  private State created(int stock) {
    return applied(State.empty(), decider.upsert(State.empty(),
        new ProductCommand.Upsert(ProductEntityTest.matcha(ID, stock), null, null)));
  }

  /** The state the entity has after persisting {@code d}'s events: the decision's own state. */
  private static State applied(State before, Decision<?> d) {
    State s = before;
    for (ProductEvent e : d.events()) s = Product.EVENTS.apply(s, e);
    assertThat(s).as("the decision's state is its events applied").isEqualTo(d.state());
    return s;
  }

  private Decision<StatusReply<Reservation>> reserve(State s, String id, int quantity, Instant now) {
    return decider.reserve(s, new ProductCommand.Reserve(id, quantity, TTL, null, null), now);
  }

  @Test
  void aGrantedReserveHoldsUnitsUntilNowPlusTtl() {
    State s = created(5);
    var d = reserve(s, "r-1", 3, NOW);
    assertThat(d.events()).singleElement().isInstanceOfSatisfying(ProductEvent.StockReserved.class, e -> {
          assertThat(e.expiresAt()).isEqualTo(NOW.plus(TTL));
          assertThat(e.available()).isEqualTo(2);
        });
    assertThat(d.reply().getValue()).isEqualTo(new Reservation(ID, "r-1", Status.ACTIVE, 3, NOW.plus(TTL), null));
    assertThat(applied(s, d).available()).isEqualTo(2);
  }

  @Test
  void aReserveFirstReleasesOverdueReservationsSoTheirUnitsCanBeGranted() {
    State s = applied(created(2), reserve(created(2), "r-old", 2, NOW.minus(TTL)));
    var d = reserve(s, "r-new", 2, NOW);
    assertThat(d.events()).hasSize(2);
    assertThat(d.events().get(0)).isInstanceOfSatisfying(ProductEvent.ReservationReleased.class, e -> {
      assertThat(e.reservationId()).isEqualTo("r-old");
      assertThat(e.reason()).isEqualTo("expired");
      assertThat(e.available()).isEqualTo(2);
    });
    assertThat(d.events().get(1)).isInstanceOf(ProductEvent.StockReserved.class);
    assertThat(applied(s, d).lookup("r-old").orElseThrow().status()).isEqualTo(Status.EXPIRED);
  }

  @Test
  void aKnownReservationIdGetsItsFirstAnswerAndDecidesNothing() {
    State s = created(1);
    s = applied(s, reserve(s, "r-ok", 1, NOW));
    var refused = reserve(s, "r-no", 1, NOW);
    assertThat(refused.events()).singleElement().isInstanceOf(ProductEvent.ReservationRefused.class);
    s = applied(s, refused);

    var again = reserve(s, "r-no", 1, NOW);
    assertThat(again.events()).isEmpty();
    assertThat(again.reply().getError().getMessage()).isEqualTo(refused.reply().getError().getMessage());
    assertThat(reserve(s, "r-ok", 1, NOW).events()).isEmpty();
  }

  @Test
  void aCommitOfAnOverdueReservationExpiresItAndIsRefused() {
    State s = created(3);
    s = applied(s, reserve(s, "r-1", 2, NOW.minus(TTL)));
    var d = decider.commit(s, new ProductCommand.Commit("r-1", null, null), NOW);
    assertThat(d.events()).singleElement().isInstanceOfSatisfying(ProductEvent.ReservationReleased.class,
        e -> assertThat(e.reason()).isEqualTo("expired"));
    assertThat(d.reply().getError().getMessage()).contains("expired at").contains("can no longer be committed");
    assertThat(d.state().stock()).isEqualTo(3);
    assertThat(d.state().reserved()).isZero();
  }

  @Test
  void commitSellsAndRevertReturnsTheUnitsToStock() {
    State s = created(10);
    s = applied(s, reserve(s, "r-1", 4, NOW));
    var commit = decider.commit(s, new ProductCommand.Commit("r-1", null, null), NOW);
    s = applied(s, commit);
    assertThat(s.stock()).isEqualTo(6);
    assertThat(s.reserved()).isZero();

    var revert = decider.revert(s, new ProductCommand.Revert("r-1", null, null), NOW);
    assertThat(revert.events()).singleElement().isInstanceOf(ProductEvent.ReservationReverted.class);
    s = applied(s, revert);
    assertThat(s.stock()).isEqualTo(10);
    assertThat(revert.reply().getValue().status()).isEqualTo(Status.REVERTED);
    assertThat(decider.revert(s, new ProductCommand.Revert("r-1", null, null), NOW).events()).isEmpty();
  }

  @Test
  void aStockAdjustmentBelowTheReservedUnitsPersistsNothingNotEvenTheExpiriesItFound() {
    State s = created(5);
    s = applied(s, reserve(s, "r-old", 1, NOW.minus(TTL)));
    s = applied(s, reserve(s, "r-live", 3, NOW));
    var d = decider.adjustStock(s, new ProductCommand.AdjustStock(-3, null, null, null), NOW);
    assertThat(d.events()).isEmpty();
    assertThat(d.state()).isEqualTo(s);
    assertThat(d.reply().getError().getMessage()).contains("3 units are reserved");
  }

  @Test
  void expireOverdueReleasesEveryOverdueReservationSoonestFirst() {
    State s = created(5);
    Instant then = NOW.minus(TTL).minusSeconds(3);
    s = applied(s, decider.reserve(s, new ProductCommand.Reserve("r-live", 1, Duration.ofHours(1), null, null), then));
    s = applied(s, reserve(s, "r-b", 1, then.plusSeconds(2)));
    s = applied(s, reserve(s, "r-a", 1, then.plusSeconds(1)));
    var d = decider.expireOverdue(s, NOW);
    assertThat(d.events()).extracting(e -> ((ProductEvent.ReservationReleased) e).reservationId())
        .containsExactly("r-a", "r-b");
    assertThat(applied(s, d).reserved()).isEqualTo(1);
    assertThat(decider.expireOverdue(d.state(), NOW).events()).isEmpty();
  }

  @Test
  void eventsCarryTheCommandsMetadataAsTheirCause() {
    var meta = MessageMeta.root("orders", "corr-1");
    State s = created(5);
    var d = decider.reserve(s, new ProductCommand.Reserve("r-1", 1, TTL, meta, null), NOW);
    assertThat(d.events()).singleElement().satisfies(e -> {
      assertThat(e.meta().correlationId()).isEqualTo("corr-1");
      assertThat(e.meta().causationId()).isEqualTo(meta.messageId());
      assertThat(e.meta().source()).isEqualTo("catalog");
    });
    List<ProductEvent> rootEvents = decider.expireOverdue(applied(s, reserve(s, "r-2", 1, NOW.minus(TTL))), NOW).events();
    assertThat(rootEvents).singleElement().satisfies(e -> assertThat(e.meta().causationId()).isNull());
  }
}
