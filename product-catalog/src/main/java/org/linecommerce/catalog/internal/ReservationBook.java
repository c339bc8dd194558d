package org.linecommerce.catalog.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.linecommerce.catalog.api.Reservation;

/**
 * The stock reservations of one product: the active ones (units held until their expiry), how many
 * units they hold, and the outcome of the last {@value #REMEMBERED_OUTCOMES} closed ones (refused,
 * released, expired, committed, reverted). Pure and immutable: every change returns a new book;
 * the Product entity applies its events to it and decides with it.
 *
 * <p><b>Lookup.</b> By reservation id in O(1), active first, then closed. A change copies the book
 * (at most the active reservations plus {@value #REMEMBERED_OUTCOMES} closed ones).
 *
 * <p><b>Retention.</b> A product remembers every active reservation and the {@value
 * #REMEMBERED_OUTCOMES} most recently closed ones; closing one more forgets the oldest closed
 * outcome (a revert moves its reservation to the newest place), except a committed one whose
 * reservation had not reached its expiry when the newer one closed (event time): until then a
 * checkout's compensation may still revert that sale, so a busy product cannot make it forget
 * units it must return. Such outcomes add at most the sales of one expiry window to the count. Within that window a retried
 * command gets the first answer. Once an id is forgotten the product treats it as never seen: a
 * retried {@code Reserve} is decided afresh (a grant holds units again, until released or
 * expired), {@code Commit} answers that the product has no such reservation, {@code Release} and
 * {@code Revert} close the id with 0 units (stock unchanged, so a forgotten committed
 * reservation can no longer be reverted), and {@code GetReservation} answers {@code unknown}. The
 * window must outlive the retries of callers: an id is forgotten only after {@value
 * #REMEMBERED_OUTCOMES} later reservations of the same product have closed.
 */
final class ReservationBook {

  /** How many closed reservations (refused, released, expired, committed, reverted) a book remembers. */
  static final int REMEMBERED_OUTCOMES = 1000;
  /** The reason of a reservation released by its expiry. */
  static final String EXPIRED = "expired";
  /** The reason of a reservation released by a caller. */
  static final String RELEASED = "released";
  /** The reason of a committed reservation that was undone. */
  static final String REVERTED = "reverted";

  /** Soonest expiry first; the id breaks ties. */
  static final Comparator<Reservation> BY_EXPIRY =
      Comparator.comparing(Reservation::expiresAt).thenComparing(Reservation::reservationId);

  private static final ReservationBook EMPTY = new ReservationBook(Map.of(), 0, new LinkedHashMap<>());

  private final Map<String, Reservation> active;
  private final int reserved;
  /** Oldest first; never changed after construction. */
  private final LinkedHashMap<String, Reservation> closed;

  private ReservationBook(Map<String, Reservation> active, int reserved, LinkedHashMap<String, Reservation> closed) {
    this.active = active;
    this.reserved = reserved;
    this.closed = closed;
  }

  static ReservationBook empty() {
    return EMPTY;
  }

  /**
   * A book as a snapshot stored it: its active reservations by id and its closed ones, oldest
   * first (null for none). The units held are counted from {@code active}; a later duplicate of a
   * closed id wins; the closed ones are kept as stored (they were trimmed when the book changed).
   */
  static ReservationBook restore(Map<String, Reservation> active, List<Reservation> closed) {
    Map<String, Reservation> held = active == null ? Map.of() : Map.copyOf(active);
    int reserved = held.values().stream().mapToInt(Reservation::quantity).sum();
    LinkedHashMap<String, Reservation> outcomes = new LinkedHashMap<>();
    if (closed != null) {
      for (Reservation r : closed) remember(outcomes, r);
    }
    return new ReservationBook(held, reserved, outcomes);
  }

  /** Units held by the active reservations. */
  int reserved() {
    return reserved;
  }

  boolean holdsAny() {
    return !active.isEmpty();
  }

  /** The active reservations by id. */
  Map<String, Reservation> active() {
    return Collections.unmodifiableMap(active);
  }

  /** The active reservations, soonest expiry first. */
  List<Reservation> activeByExpiry() {
    return active.values().stream().sorted(BY_EXPIRY).toList();
  }

  /** The remembered closed reservations, oldest first. */
  List<Reservation> closed() {
    return List.copyOf(closed.values());
  }

  /** What the book knows of {@code reservationId}: its active reservation, else its closed outcome. */
  Optional<Reservation> lookup(String reservationId) {
    Reservation live = active.get(reservationId);
    return live != null ? Optional.of(live) : Optional.ofNullable(closed.get(reservationId));
  }

  /** Active reservations whose expiry is not after {@code now}, soonest first. */
  List<Reservation> overdue(Instant now) {
    return active.values().stream().filter(r -> !r.expiresAt().isAfter(now)).sorted(BY_EXPIRY).toList();
  }

  Optional<Instant> nextExpiry() {
    return active.values().stream().map(Reservation::expiresAt).min(Comparator.naturalOrder());
  }

  // ---------------------------------------------------------------- changes, one per event

  /** {@code quantity} units held for {@code reservationId} until {@code expiresAt}. */
  ReservationBook reserve(String productId, String reservationId, int quantity, Instant expiresAt) {
    Map<String, Reservation> next = new HashMap<>(active);
    Reservation before = next.put(reservationId,
        new Reservation(productId, reservationId, Reservation.Status.ACTIVE, quantity, expiresAt, null));
    return new ReservationBook(next, reserved + quantity - (before == null ? 0 : before.quantity()), closed);
  }

  /** A reserve of {@code quantity} units was refused for {@code reason}. */
  ReservationBook refuse(String productId, String reservationId, int quantity, String reason, Instant at) {
    return close(new Reservation(productId, reservationId, Reservation.Status.REFUSED, quantity, null, reason), at);
  }

  /**
   * Released by a caller or, when {@code reason} is {@value #EXPIRED}, by its expiry. An id that
   * is not active closes with 0 units, so a reserve arriving after its compensation holds nothing.
   */
  ReservationBook release(String productId, String reservationId, String reason, Instant at) {
    Reservation held = active.get(reservationId);
    Reservation.Status status = EXPIRED.equals(reason) ? Reservation.Status.EXPIRED : Reservation.Status.RELEASED;
    return close(held == null
        ? new Reservation(productId, reservationId, status, 0, null, reason)
        : new Reservation(productId, reservationId, status, held.quantity(), held.expiresAt(), reason), at);
  }

  /** The held units were sold. */
  ReservationBook commit(String productId, String reservationId, int quantity, Instant at) {
    Reservation held = active.get(reservationId);
    return close(new Reservation(productId, reservationId, Reservation.Status.COMMITTED, quantity,
        held == null ? null : held.expiresAt(), null), at);
  }

  /** A committed reservation was undone: its outcome becomes {@code reverted}, remembered as the newest. */
  ReservationBook revert(String productId, String reservationId, int quantity, Instant at) {
    return close(new Reservation(productId, reservationId, Reservation.Status.REVERTED, quantity, null, REVERTED), at);
  }

  /**
   * {@code r} closed at {@code at} (the event's time; null: unknown): out of the active ones (if
   * it was there) and remembered as the newest outcome of its id.
   */
  private ReservationBook close(Reservation r, Instant at) {
    Map<String, Reservation> nextActive = active;
    int nextReserved = reserved;
    Reservation held = active.get(r.reservationId());
    if (held != null) {
      nextActive = new HashMap<>(active);
      nextActive.remove(r.reservationId());
      nextReserved -= held.quantity();
    }
    LinkedHashMap<String, Reservation> nextClosed = new LinkedHashMap<>(closed);
    remember(nextClosed, r);
    forgetOldest(nextClosed, at);
    return new ReservationBook(nextActive, nextReserved, nextClosed);
  }

  private static void remember(LinkedHashMap<String, Reservation> outcomes, Reservation r) {
    outcomes.remove(r.reservationId()); // re-inserted as the newest
    outcomes.put(r.reservationId(), r);
  }

  /**
   * Forgets the oldest outcomes beyond {@value #REMEMBERED_OUTCOMES}, except committed ones whose
   * reservation had not yet reached its expiry at {@code at}: within that window a compensation
   * may still revert the sale, so its units must be found (bounded by the sales of one window).
   */
  private static void forgetOldest(LinkedHashMap<String, Reservation> outcomes, Instant at) {
    Iterator<Reservation> oldest = outcomes.values().iterator();
    int excess = outcomes.size() - REMEMBERED_OUTCOMES;
    while (excess > 0 && oldest.hasNext()) {
      Reservation r = oldest.next();
      if (mayStillBeReverted(r, at)) continue;
      oldest.remove();
      excess--;
    }
  }

  private static boolean mayStillBeReverted(Reservation r, Instant at) {
    return at != null && r.status() == Reservation.Status.COMMITTED && r.expiresAt() != null && r.expiresAt().isAfter(at);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReservationBook other && active.equals(other.active)
        && new ArrayList<>(closed.values()).equals(new ArrayList<>(other.closed.values()));
  }

  @Override
  public int hashCode() {
    return Objects.hash(active, new ArrayList<>(closed.values()));
  }

  @Override
  public String toString() {
    return "ReservationBook[reserved=" + reserved + ", active=" + active.values() + ", closed=" + closed.size() + "]";
  }
}
