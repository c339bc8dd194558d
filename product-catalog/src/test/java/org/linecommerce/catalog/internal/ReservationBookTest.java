package org.linecommerce.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.catalog.api.Reservation.Status;

/** The reservation book alone: plain values, no actors. */
class ReservationBookTest {

  private static final String P = "matcha-1";
  private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

  @Test
  void reserveHoldsUnitsAndEveryWayOfClosingFreesThem() {
    ReservationBook book = ReservationBook.empty()
        .reserve(P, "r-1", 3, T0.plusSeconds(60))
        .reserve(P, "r-2", 2, T0.plusSeconds(30))
        .reserve(P, "r-3", 1, T0.plusSeconds(90))
        .reserve(P, "r-4", 4, T0.plusSeconds(120));
    assertThat(book.reserved()).isEqualTo(10);
    assertThat(book.activeByExpiry()).extracting(Reservation::reservationId).containsExactly("r-2", "r-1", "r-3", "r-4");
    assertThat(book.nextExpiry()).contains(T0.plusSeconds(30));

    book = book.commit(P, "r-1", 3, T0).release(P, "r-2", ReservationBook.EXPIRED, T0).release(P, "r-3", ReservationBook.RELEASED, T0);
    assertThat(book.reserved()).isEqualTo(4);
    assertThat(book.lookup("r-1")).contains(new Reservation(P, "r-1", Status.COMMITTED, 3, T0.plusSeconds(60), null));
    assertThat(book.lookup("r-2")).contains(new Reservation(P, "r-2", Status.EXPIRED, 2, T0.plusSeconds(30), "expired"));
    assertThat(book.lookup("r-3")).contains(new Reservation(P, "r-3", Status.RELEASED, 1, T0.plusSeconds(90), "released"));
    assertThat(book.lookup("r-4").orElseThrow().status()).isEqualTo(Status.ACTIVE);
    assertThat(book.closed()).extracting(Reservation::reservationId).containsExactly("r-1", "r-2", "r-3");

    book = book.release(P, "r-4", ReservationBook.RELEASED, T0);
    assertThat(book.reserved()).isZero();
    assertThat(book.holdsAny()).isFalse();
    assertThat(book.nextExpiry()).isEmpty();
  }

  @Test
  void aRefusalAndAReleaseOfAnUnknownIdAreRememberedWithoutHoldingUnits() {
    ReservationBook book = ReservationBook.empty()
        .refuse(P, "r-no", 5, "insufficient stock", T0)
        .release(P, "r-early", ReservationBook.RELEASED, T0);
    assertThat(book.reserved()).isZero();
    assertThat(book.lookup("r-no")).contains(new Reservation(P, "r-no", Status.REFUSED, 5, null, "insufficient stock"));
    assertThat(book.lookup("r-early")).contains(new Reservation(P, "r-early", Status.RELEASED, 0, null, "released"));
    assertThat(book.lookup("r-never")).isEmpty();
  }

  @Test
  void aRevertReplacesTheCommittedOutcomeAndBecomesTheNewestRemembered() {
    ReservationBook book = ReservationBook.empty()
        .reserve(P, "r-sold", 2, T0).commit(P, "r-sold", 2, T0)
        .refuse(P, "r-other", 1, "no", T0);
    book = book.revert(P, "r-sold", 2, T0);
    assertThat(book.lookup("r-sold")).contains(new Reservation(P, "r-sold", Status.REVERTED, 2, null, "reverted"));
    assertThat(book.closed()).extracting(Reservation::reservationId).containsExactly("r-other", "r-sold");
  }

  @Test
  void overdueReservationsAreThoseWhoseExpiryIsNotAfterNow() {
    ReservationBook book = ReservationBook.empty()
        .reserve(P, "r-late", 1, T0.plusSeconds(1))
        .reserve(P, "r-due", 1, T0)
        .reserve(P, "r-past", 1, T0.minusSeconds(5));
    assertThat(book.overdue(T0)).extracting(Reservation::reservationId).containsExactly("r-past", "r-due");
  }

  @Test
  void onlyTheLastThousandClosedReservationsAreRemembered() {
    ReservationBook book = ReservationBook.empty().reserve(P, "r-held", 1, T0);
    for (int i = 0; i < ReservationBook.REMEMBERED_OUTCOMES + 5; i++) {
      book = book.refuse(P, "r-" + i, 1, "no", T0);
    }
    assertThat(book.closed()).hasSize(ReservationBook.REMEMBERED_OUTCOMES);
    assertThat(book.closed().get(0).reservationId()).isEqualTo("r-5");
    assertThat(book.lookup("r-4")).as("forgotten: the oldest outcomes go first").isEmpty();
    assertThat(book.lookup("r-5")).isPresent();
    assertThat(book.lookup("r-held")).as("an active reservation is never forgotten").isPresent();
  }

  @Test
  void aSaleThatMayStillBeRevertedIsNotForgottenHoweverBusyTheProduct() {
    Instant soldAt = T0;
    ReservationBook book = ReservationBook.empty()
        .reserve(P, "r-sold", 2, soldAt.plusSeconds(600)).commit(P, "r-sold", 2, soldAt)
        .reserve(P, "r-old-sale", 1, soldAt.minusSeconds(1)).commit(P, "r-old-sale", 1, soldAt.minusSeconds(2));
    for (int i = 0; i < ReservationBook.REMEMBERED_OUTCOMES + 5; i++) {
      book = book.refuse(P, "r-" + i, 1, "no", soldAt.plusSeconds(60));
    }
    assertThat(book.lookup("r-sold")).as("its reservation expires only at +600 s: a compensation may still revert it")
        .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(Status.COMMITTED));
    assertThat(book.lookup("r-old-sale")).as("past its expiry: forgotten like any outcome").isEmpty();
    assertThat(book.closed()).hasSize(ReservationBook.REMEMBERED_OUTCOMES);
    assertThat(book.lookup("r-5")).as("the oldest outcomes that may go, go instead").isEmpty();
    assertThat(book.closed().get(1).reservationId()).isEqualTo("r-6");

    book = book.refuse(P, "r-after-expiry", 1, "no", soldAt.plusSeconds(601));
    assertThat(book.lookup("r-sold")).as("past its expiry at the next close").isEmpty();
    assertThat(book.closed()).hasSize(ReservationBook.REMEMBERED_OUTCOMES);
  }

  @Test
  void aRevertedReservationMovesToTheNewestPlaceAndIsForgottenLast() {
    ReservationBook book = ReservationBook.empty().reserve(P, "r-sold", 1, T0).commit(P, "r-sold", 1, T0);
    for (int i = 0; i < ReservationBook.REMEMBERED_OUTCOMES - 1; i++) book = book.refuse(P, "r-" + i, 1, "no", T0);
    book = book.revert(P, "r-sold", 1, T0).refuse(P, "r-last", 1, "no", T0);
    assertThat(book.closed()).hasSize(ReservationBook.REMEMBERED_OUTCOMES);
    assertThat(book.lookup("r-0")).isEmpty();
    assertThat(book.lookup("r-sold").orElseThrow().status()).isEqualTo(Status.REVERTED);
  }

  @Test
  void aStoredBookIsRestoredWithItsUnitsCountedAndItsOrderKept() {
    Reservation a = new Reservation(P, "r-a", Status.ACTIVE, 2, T0, null);
    Reservation b = new Reservation(P, "r-b", Status.ACTIVE, 3, T0.plusSeconds(1), null);
    List<Reservation> closed = new ArrayList<>();
    for (int i = 0; i < ReservationBook.REMEMBERED_OUTCOMES + 2; i++) {
      closed.add(new Reservation(P, "c-" + i, Status.REFUSED, 1, null, "no"));
    }
    ReservationBook book = ReservationBook.restore(Map.of("r-a", a, "r-b", b), closed);
    assertThat(book.reserved()).isEqualTo(5);
    assertThat(book.closed()).as("kept as stored: trimmed when the stored book changed").hasSize(closed.size());
    assertThat(book.closed().get(0).reservationId()).isEqualTo("c-0");
    book = book.refuse(P, "c-new", 1, "no", T0);
    assertThat(book.closed()).as("the next change trims it").hasSize(ReservationBook.REMEMBERED_OUTCOMES);
    assertThat(book.lookup("c-2")).isEmpty();
    assertThat(book.lookup("c-3")).isPresent();

    assertThat(ReservationBook.restore(null, null)).isEqualTo(ReservationBook.empty());
    assertThat(ReservationBook.restore(book.active(), book.closed())).isEqualTo(book);
  }

  @Test
  void aChangeLeavesTheBookItWasMadeFromAsItWas() {
    ReservationBook before = ReservationBook.empty().reserve(P, "r-1", 2, T0);
    ReservationBook after = before.commit(P, "r-1", 2, T0).refuse(P, "r-2", 1, "no", T0);
    assertThat(before.lookup("r-1").orElseThrow().status()).isEqualTo(Status.ACTIVE);
    assertThat(before.reserved()).isEqualTo(2);
    assertThat(before.closed()).isEmpty();
    assertThat(after.reserved()).isZero();
  }
}
