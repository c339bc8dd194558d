package org.linecommerce.catalog.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.catalog.api.ProductCommand.AdjustStock;
import org.linecommerce.catalog.api.ProductCommand.ChangePrice;
import org.linecommerce.catalog.api.ProductCommand.Commit;
import org.linecommerce.catalog.api.ProductCommand.Discontinue;
import org.linecommerce.catalog.api.ProductCommand.Release;
import org.linecommerce.catalog.api.ProductCommand.Reserve;
import org.linecommerce.catalog.api.ProductCommand.Revert;
import org.linecommerce.catalog.api.ProductCommand.Upsert;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.ProductEvent.PriceChanged;
import org.linecommerce.catalog.api.ProductEvent.ProductCreated;
import org.linecommerce.catalog.api.ProductEvent.ProductDiscontinued;
import org.linecommerce.catalog.api.ProductEvent.ProductUpdated;
import org.linecommerce.catalog.api.ProductEvent.ReservationCommitted;
import org.linecommerce.catalog.api.ProductEvent.ReservationRefused;
import org.linecommerce.catalog.api.ProductEvent.ReservationReleased;
import org.linecommerce.catalog.api.ProductEvent.ReservationReverted;
import org.linecommerce.catalog.api.ProductEvent.StockAdjusted;
import org.linecommerce.catalog.api.ProductEvent.StockReserved;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.catalog.api.UpsertResult;
import org.linecommerce.catalog.internal.Product.State;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.entity.Transition;

/**
 * What one product decides for each command, without actors: (state, command, now) → the events
 * to persist and the reply. The {@link Product} entity persists the events and sends the reply;
 * the reply is computed here from the state the events lead to, which is the state the entity
 * has after persisting them (both apply {@link Product#EVENTS}).
 *
 * <p>Every decision that depends on availability first releases the overdue reservations (reason
 * {@code expired}), so a late expiry timer never refuses stock that is free. A reservation id is
 * decided once: a retried command gets the first answer while the {@link ReservationBook}
 * remembers the id.
 */
final class ProductDecider {

  static final String SOURCE = "catalog";
  private static final int MAX_REASON = 200;

  /**
   * The outcome of one command.
   *
   * @param events to persist, in order (none when the command changes nothing)
   * @param state the state after {@code events}
   * @param reply the answer to the command
   */
  record Decision<R>(List<ProductEvent> events, State state, R reply) {}

  private final String productId;

  ProductDecider(String productId) {
    this.productId = productId;
  }

  // ---------------------------------------------------------------- product data

  /** Creates the product or brings it to {@code cmd.data()}; the stock cannot drop below the reserved units. */
  Decision<StatusReply<UpsertResult>> upsert(State state, Upsert cmd) {
    if (cmd.data() == null) return answer(state, StatusReply.error("product data is missing"));
    ProductData data = ProductRules.normalize(cmd.data());
    Optional<String> violation = ProductRules.violation(data);
    if (violation.isPresent()) return answer(state, StatusReply.error(violation.get()));
    if (!productId.equals(data.id())) {
      return answer(state, StatusReply.error("product data id '" + data.id() + "' does not match product '" + productId + "'"));
    }
    Transition<ProductEvent, State> c = changes(state, cmd.meta());
    if (!state.exists()) {
      c.add(new ProductCreated(productId, data, c.meta()));
      return decide(c, s -> StatusReply.success(new UpsertResult(UpsertResult.Outcome.CREATED, summary(s))));
    }
    ProductData current = state.data();
    if (data.stock() != current.stock() && data.stock() < state.reserved()) {
      return answer(state, StatusReply.error(belowReserved(data.stock(), state)));
    }
    ProductData sameStock = Product.withStock(data, current.stock());
    if (!sameStock.equals(current)) c.add(new ProductUpdated(productId, sameStock, c.meta()));
    if (data.stock() != current.stock()) {
      c.add(new StockAdjusted(productId, data.stock(), data.stock() - state.reserved(), "upsert", c.meta()));
    }
    UpsertResult.Outcome outcome = c.isEmpty() ? UpsertResult.Outcome.UNCHANGED : UpsertResult.Outcome.UPDATED;
    return decide(c, s -> StatusReply.success(new UpsertResult(outcome, summary(s))));
  }

  Decision<StatusReply<ProductSummary>> changePrice(State state, ChangePrice cmd) {
    BigDecimal price = cmd.price() == null ? null : ProductRules.normalizePrice(cmd.price());
    String currency = cmd.currency() == null ? null : cmd.currency().trim().toUpperCase(Locale.ROOT);
    Optional<String> violation = ProductRules.priceViolation(price, currency);
    if (violation.isPresent()) return answer(state, StatusReply.error(violation.get()));
    Transition<ProductEvent, State> c = changes(state, cmd.meta());
    if (!price.equals(state.data().price()) || !currency.equals(state.data().currency())) {
      c.add(new PriceChanged(productId, price, currency, c.meta()));
    }
    return decide(c, s -> StatusReply.success(summary(s)));
  }

  /** Changes the stock on hand by {@code delta}; never below 0 nor below the units still reserved. */
  Decision<StatusReply<ProductSummary>> adjustStock(State state, AdjustStock cmd, Instant now) {
    if (cmd.delta() == 0) return answer(state, StatusReply.success(summary(state)));
    long next = (long) state.stock() + cmd.delta();
    if (next < 0 || next > Integer.MAX_VALUE) {
      return answer(state, StatusReply.error(
          "stock of product " + productId + " cannot go from " + state.stock() + " to " + next));
    }
    Transition<ProductEvent, State> c = changes(state, cmd.meta());
    releaseOverdue(c, now);
    if (next < c.state().reserved()) {
      return answer(state, StatusReply.error(belowReserved((int) next, c.state())));
    }
    String reason = cmd.reason() == null || cmd.reason().isBlank() ? "adjusted" : truncate(cmd.reason().strip());
    c.add(new StockAdjusted(productId, (int) next, (int) next - c.state().reserved(), reason, c.meta()));
    return decide(c, s -> StatusReply.success(summary(s)));
  }

  Decision<StatusReply<ProductSummary>> discontinue(State state, Discontinue cmd) {
    Transition<ProductEvent, State> c = changes(state, cmd.meta());
    if (!state.discontinued()) c.add(new ProductDiscontinued(productId, c.meta()));
    return decide(c, s -> StatusReply.success(summary(s)));
  }

  // ---------------------------------------------------------------- reservations

  /** Holds {@code quantity} units for {@code ttl}, or persists the refusal; a known id gets its first answer. */
  Decision<StatusReply<Reservation>> reserve(State state, Reserve cmd, Instant now) {
    Optional<String> badId = ProductRules.reservationIdViolation(cmd.reservationId());
    if (badId.isPresent()) return answer(state, StatusReply.error(badId.get()));
    Optional<Reservation> known = state.lookup(cmd.reservationId());
    if (known.isPresent()) return answer(state, firstDecision(known.get()));
    Optional<String> violation = ProductRules.reservationViolation(cmd.reservationId(), cmd.quantity(), cmd.ttl());
    if (violation.isPresent()) return answer(state, StatusReply.error(violation.get()));

    Transition<ProductEvent, State> c = changes(state, cmd.meta());
    releaseOverdue(c, now);
    int available = c.state().available();
    if (c.state().discontinued()) {
      c.add(new ReservationRefused(productId, cmd.reservationId(), cmd.quantity(),
          "product " + productId + " is discontinued", available, c.meta()));
    } else if (available < cmd.quantity()) {
      c.add(new ReservationRefused(productId, cmd.reservationId(), cmd.quantity(),
          "insufficient stock for product " + productId + ": " + cmd.quantity() + " requested, " + available + " available",
          available, c.meta()));
    } else {
      c.add(new StockReserved(productId, cmd.reservationId(), cmd.quantity(), now.plus(cmd.ttl()),
          available - cmd.quantity(), c.meta()));
    }
    return decide(c, s -> firstDecision(s.lookup(cmd.reservationId()).orElseThrow()));
  }

  /**
   * Frees an active reservation ({@code expired} when overdue); a closed one answers its outcome,
   * a committed one is refused, and an unknown id is closed with 0 units.
   */
  Decision<StatusReply<Reservation>> release(State state, Release cmd, Instant now) {
    Optional<String> badId = ProductRules.reservationIdViolation(cmd.reservationId());
    if (badId.isPresent()) return answer(state, StatusReply.error(badId.get()));
    Optional<Reservation> known = state.lookup(cmd.reservationId());
    Transition<ProductEvent, State> c = changes(state, cmd.meta());
    if (known.isEmpty()) {
      // closes the id: a reserve that arrives after its compensation must not hold stock
      c.add(new ReservationReleased(productId, cmd.reservationId(), 0, ReservationBook.RELEASED, state.available(),
          c.meta()));
    } else {
      Reservation r = known.get();
      switch (r.status()) {
        case ACTIVE -> {
          boolean overdue = !r.expiresAt().isAfter(now);
          c.add(new ReservationReleased(productId, r.reservationId(), r.quantity(),
              overdue ? ReservationBook.EXPIRED : ReservationBook.RELEASED, state.available() + r.quantity(), c.meta()));
        }
        case COMMITTED -> {
          return answer(state, StatusReply.error("reservation " + r.reservationId() + " of product "
              + productId + " was committed; a committed reservation cannot be released"));
        }
        default -> {
          return answer(state, StatusReply.success(r));
        }
      }
    }
    return decide(c, s -> StatusReply.success(s.lookup(cmd.reservationId()).orElseThrow()));
  }

  /** Sells the units of an active reservation; an overdue one expires instead and the commit is refused. */
  Decision<StatusReply<Reservation>> commit(State state, Commit cmd, Instant now) {
    Optional<String> badId = ProductRules.reservationIdViolation(cmd.reservationId());
    if (badId.isPresent()) return answer(state, StatusReply.error(badId.get()));
    Optional<Reservation> known = state.lookup(cmd.reservationId());
    if (known.isEmpty()) {
      return answer(state, StatusReply.error("product " + productId + " has no reservation " + cmd.reservationId()));
    }
    Reservation r = known.get();
    switch (r.status()) {
      case ACTIVE -> {
        Transition<ProductEvent, State> c = changes(state, cmd.meta());
        if (!r.expiresAt().isAfter(now)) {
          c.add(new ReservationReleased(productId, r.reservationId(), r.quantity(), ReservationBook.EXPIRED,
              state.available() + r.quantity(), c.meta()));
          return decide(c, s -> StatusReply.error(cannotCommit(s.lookup(cmd.reservationId()).orElseThrow())));
        }
        c.add(new ReservationCommitted(productId, r.reservationId(), r.quantity(), state.stock() - r.quantity(),
            state.available(), c.meta()));
        return decide(c, s -> StatusReply.success(s.lookup(cmd.reservationId()).orElseThrow()));
      }
      case COMMITTED -> {
        return answer(state, StatusReply.success(r));
      }
      default -> {
        return answer(state, StatusReply.error(cannotCommit(r)));
      }
    }
  }

  /** Undoes a reservation whatever it holds: committed units return to stock, an active or unknown one is released. */
  Decision<StatusReply<Reservation>> revert(State state, Revert cmd, Instant now) {
    Optional<String> badId = ProductRules.reservationIdViolation(cmd.reservationId());
    if (badId.isPresent()) return answer(state, StatusReply.error(badId.get()));
    Optional<Reservation> known = state.lookup(cmd.reservationId());
    if (known.isEmpty() || known.get().status() == Reservation.Status.ACTIVE) {
      return release(state, new Release(cmd.reservationId(), cmd.meta(), null), now);
    }
    Reservation r = known.get();
    if (r.status() != Reservation.Status.COMMITTED) return answer(state, StatusReply.success(r));
    Transition<ProductEvent, State> c = changes(state, cmd.meta());
    c.add(new ReservationReverted(productId, r.reservationId(), r.quantity(), state.stock() + r.quantity(),
        state.available() + r.quantity(), c.meta()));
    return decide(c, s -> StatusReply.success(s.lookup(cmd.reservationId()).orElseThrow()));
  }

  /** Releases every reservation whose expiry has passed, as the expiry timer does; no reply. */
  Decision<Void> expireOverdue(State state, Instant now) {
    Transition<ProductEvent, State> c = changes(state, null);
    releaseOverdue(c, now);
    return decide(c, s -> null);
  }

  // ---------------------------------------------------------------- reads

  ProductSummary summary(State s) {
    return new ProductSummary(productId, s.data(), s.discontinued(), s.stock(), s.reserved(), s.available(),
        s.reservations().activeByExpiry());
  }

  /** What the product knows of {@code reservationId}; status {@code unknown} when nothing. */
  Reservation reservation(State s, String reservationId) {
    return s.lookup(reservationId)
        .orElse(new Reservation(productId, reservationId, Reservation.Status.UNKNOWN, 0, null, null));
  }

  <T> StatusReply<T> unknownProduct() {
    return StatusReply.error("product " + productId + " does not exist");
  }

  // ---------------------------------------------------------------- helpers

  /** The answer a reserve got for {@code r}'s id: its grant (with the current status) or its refusal. */
  private StatusReply<Reservation> firstDecision(Reservation r) {
    if (r.status() == Reservation.Status.REFUSED) return StatusReply.error(r.reason());
    if (r.quantity() == 0) {
      return StatusReply.error("reservation " + r.reservationId() + " of product " + productId
          + " was released before it was made; use a new reservation id");
    }
    return StatusReply.success(r);
  }

  private String cannotCommit(Reservation r) {
    String which = "reservation " + r.reservationId() + " of product " + productId;
    return switch (r.status()) {
      case EXPIRED -> which + " expired at " + r.expiresAt() + " and can no longer be committed";
      case RELEASED -> which + " was released and can no longer be committed";
      case REFUSED -> which + " was refused (" + r.reason() + ") and cannot be committed";
      default -> which + " cannot be committed (" + r.status().code() + ")";
    };
  }

  private String belowReserved(int stock, State state) {
    return "stock of product " + productId + " cannot be set to " + stock + ": " + state.reserved()
        + " units are reserved";
  }

  private static <R> Decision<R> answer(State state, R reply) {
    return new Decision<>(List.of(), state, reply);
  }

  private static String truncate(String s) {
    return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON);
  }

  /** The events one command decides, applied as they are added so later decisions see them. */
  private static Transition<ProductEvent, State> changes(State state, MessageMeta cause) {
    return new Transition<>(state, Product.EVENTS::apply, cause, SOURCE);
  }

  /** Releases every reservation whose expiry has passed, as the expiry timer does. */
  private void releaseOverdue(Transition<ProductEvent, State> c, Instant now) {
    for (Reservation r : c.state().reservations().overdue(now)) {
      c.add(new ReservationReleased(productId, r.reservationId(), r.quantity(), ReservationBook.EXPIRED,
          c.state().available() + r.quantity(), c.meta()));
    }
  }

  private static <R> Decision<R> decide(Transition<ProductEvent, State> c, Function<State, R> reply) {
    return new Decision<>(c.events(), c.state(), reply.apply(c.state()));
  }
}
