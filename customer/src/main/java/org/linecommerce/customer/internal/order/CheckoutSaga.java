package org.linecommerce.customer.internal.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.customer.api.OrderCommand;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.customer.api.PricedLine;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.Stages;
import org.linecommerce.runtime.saga.CompensationContext;
import org.linecommerce.runtime.saga.RetryPolicy;
import org.linecommerce.runtime.saga.SagaContext;
import org.linecommerce.runtime.saga.SagaDefinition;
import org.linecommerce.runtime.saga.SagaStep;
import org.linecommerce.runtime.saga.StepContext;
import org.linecommerce.runtime.saga.StepOutcome;

/**
 * The checkout saga (one per order, id {@code checkout-<orderId>}), on the runtime's saga engine.
 * It keeps one invariant: <b>an order is {@code confirmed} if and only if all its units are
 * committed in the catalog; an order that ends {@code cancelled}, {@code expired} or
 * {@code failed} holds no units (reserved or committed)</b>; the catalog keeps stock from going
 * negative.
 *
 * <ol>
 *   <li>{@value #RESERVE}: reserves every line at the catalog, reservation id {@code <orderId>:<line>}
 *       (stable, so a retry or a re-run after a crash reserves once), held for the order's TTL
 *       ({@code linecommerce.orders.reservation-ttl}) <i>plus</i> {@code linecommerce.orders.commit-grace}.
 *       If a line is refused, every line is reverted in the step and its result says why, line by line.
 *   <li>{@value #CREATE}: creates the {@code pending} Order, priced from the catalog, with
 *       {@code expiresAt} = reserve time + the order's TTL; or, when reserving failed, records the
 *       order as {@code failed} and stops the saga.
 *   <li>{@value #AWAIT}: waits for {@code {"decision":"confirm"|"cancel"}} until {@code expiresAt}
 *       (a durable deadline, re-armed after a restart) and ends with a typed {@link Decided}:
 *       {@code CONFIRMED}, {@code CANCELLED}, or {@code EXPIRED} at the deadline. <b>The saga's
 *       deadline is authoritative</b>: a decision that reaches the saga at or after
 *       {@code expiresAt} (even before its deadline timer fired, e.g. right after a fail-over) is
 *       {@code EXPIRED}.
 *   <li>{@value #COMMIT}: commits every reservation when {@code CONFIRMED} (the units are sold);
 *       otherwise fails, so the saga compensates.
 *   <li>{@value #CONFIRM}: records {@code confirmed}.
 * </ol>
 *
 * <p><b>Why the grace.</b> The catalog's own expiry is only a safety net, {@code commit-grace}
 * after the saga's deadline: once the saga accepted a confirmation before the deadline, the commit
 * may take a fail-over (failure detection, the split brain resolver's {@code stable-after}, a
 * restart on another node) and its retries, and its reservations cannot expire under it. The net
 * only returns the units of a saga that stopped for good.
 *
 * <p><b>Compensations</b> (run in reverse order when a step fails for good; a failing action step
 * is compensated too, as its attempts may have taken effect in part). Each is idempotent, tolerates
 * nothing to undo, and uses the catalog's {@code Revert}, which releases an active reservation,
 * returns a committed one's units to stock, and closes an id never reserved (so a late reserve is
 * refused): {@value #CONFIRM} records {@code failed} unless the order was confirmed after all (then
 * the sale stands and the saga stops for manual intervention); {@value #COMMIT} reverts every line
 * when it had been asked to commit (a commit that partly succeeded leaves nothing behind);
 * {@value #CREATE} reverts every line, then records the final status from {@link Decided} —
 * {@code cancelled}, {@code expired}, else {@code failed} — so that once a reader sees the final
 * status, the stock is back; {@value #RESERVE} reverts every line (for when the order was never
 * created). Typed data, not the failure text, chooses the status.
 *
 * <p><b>One retry budget.</b> The steps retry ({@link #TRANSIENT}); the catalog is asked once per
 * attempt ({@link CatalogClient#withoutRetries()}).
 */
public final class CheckoutSaga {

  public static final String NAME = "checkout";
  public static final String RESERVE = "reserve-stock";
  public static final String CREATE = "create-order";
  public static final String AWAIT = "await-confirmation";
  public static final String COMMIT = "commit-stock";
  public static final String CONFIRM = "confirm-order";

  static final String CANCELLED = "cancelled by the customer";
  static final String EXPIRED = "not confirmed before the order expired";
  static final String TTL = "linecommerce.orders.reservation-ttl";
  static final String GRACE = "linecommerce.orders.commit-grace";
  private static final String SOURCE = "checkout-saga";

  /** The saga's input. */
  public record Checkout(String orderId, String userId, List<OrderLine> items) {}

  /**
   * Result of {@value #RESERVE}.
   *
   * @param holdUntil the earliest expiry of the reservations at the catalog (null when not reserved)
   * @param reasons one per refused line (empty when all were reserved)
   * @param deadline the order's deadline: the earliest reservation's time + the order's TTL (null
   *     when not reserved, and in results stored before it existed)
   */
  public record Reserved(boolean ok, Instant holdUntil, List<String> reasons, Instant deadline) {
    public Reserved {
      reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
  }

  /** Result of {@value #CREATE}. */
  public record Created(Instant expiresAt) {}

  /** The signal {@value #AWAIT} takes. */
  public record Decision(String decision, String reason) {
    public static Decision confirm() {
      return new Decision("confirm", null);
    }

    public static Decision cancel(String reason) {
      return new Decision("cancel", reason);
    }
  }

  /** How the wait for the customer ended. */
  public enum Outcome { CONFIRMED, CANCELLED, EXPIRED }

  /** Result of {@value #AWAIT}: read by {@value #COMMIT} and by the compensations, which choose the order's final status from it. */
  public record Decided(Outcome outcome, String reason) {}

  /**
   * Test seam: runs on the node executing the saga before every attempt of a step's action
   * ({@code compensation} false) or compensation (true); e.g. to hold a step there for a crash test.
   */
  @FunctionalInterface
  public interface Hooks {
    Hooks NONE = (system, orderId, step, compensation) -> CompletableFuture.completedFuture(null);

    CompletionStage<Void> before(ActorSystem<?> system, String orderId, String step, boolean compensation);
  }

  /** The retry budget of every step and compensation (the catalog is asked once per attempt). */
  static final RetryPolicy TRANSIENT = RetryPolicy.exponential(6, Duration.ofMillis(200), Duration.ofSeconds(2));

  /** Recording the confirmation is retried for minutes: giving up would undo a sale that may have been recorded. */
  private static final RetryPolicy PERSISTENT = RetryPolicy.exponential(40, Duration.ofMillis(200), Duration.ofSeconds(10));

  private CheckoutSaga() {}

  public static String sagaId(String orderId) {
    return "checkout-" + orderId;
  }

  public static String reservationId(String orderId, int line) {
    return orderId + ":" + line;
  }

  public static SagaDefinition<Checkout> definition(CatalogClient catalogClient, Hooks hooks) {
    CatalogClient catalog = catalogClient.withoutRetries();
    return SagaDefinition.builder(NAME, Checkout.class)
        .step(SagaStep.<Checkout>action(RESERVE, hooked(hooks, false, ctx -> reserveAll(catalog, ctx)))
            .compensatedBy(hooked(hooks, true, ctx -> revertAll(catalog, ctx.input(), meta(ctx.meta()))))
            .withTimeout(Duration.ofSeconds(20))
            .withRetry(TRANSIENT)
            .withCompensationRetry(TRANSIENT))
        .step(SagaStep.<Checkout>action(CREATE, hooked(hooks, false, ctx -> createOrder(catalog, ctx)))
            .compensatedBy(hooked(hooks, true, ctx -> revertAll(catalog, ctx.input(), meta(ctx.meta()))
                .thenCompose(x -> closeOrder(ctx))))
            .withTimeout(Duration.ofSeconds(15))
            .withRetry(TRANSIENT)
            .withCompensationRetry(TRANSIENT))
        .step(SagaStep.<Checkout>awaitSignal(AWAIT, CheckoutSaga::untilExpiry)
            .onSignal((ctx, payload) -> StepOutcome.success(decide(payload, expiresAt(ctx), Instant.now())))
            .onDeadline(StepOutcome.success(new Decided(Outcome.EXPIRED, EXPIRED))))
        .step(SagaStep.<Checkout>action(COMMIT, hooked(hooks, false, ctx -> commitIfConfirmed(catalog, ctx)))
            .compensatedBy(hooked(hooks, true, ctx -> confirmed(ctx)
                ? revertAll(catalog, ctx.input(), meta(ctx.meta()))
                : CompletableFuture.completedFuture(null)))
            .withTimeout(Duration.ofSeconds(20))
            .withRetry(TRANSIENT)
            .withCompensationRetry(TRANSIENT))
        .step(SagaStep.<Checkout>action(CONFIRM, hooked(hooks, false, ctx -> Stages.onSystem(order(ctx.system(), ctx.input().orderId())
                .<OrderView>askWithStatus(r -> new OrderCommand.Confirm(meta(ctx.meta()), r), ctx.timeout()), ctx.system())
                .thenApply(OrderView::status)))
            .compensatedBy(hooked(hooks, true, CheckoutSaga::failUnlessConfirmed))
            .withRetry(PERSISTENT)
            .withCompensationRetry(TRANSIENT))
        .build();
  }

  /** {@code work} after the test hook. */
  private static <C extends SagaContext<Checkout>> Function<C, CompletionStage<Object>> hooked(
      Hooks hooks, boolean compensation, Function<C, ? extends CompletionStage<?>> work) {
    return ctx -> hooks.before(ctx.system(), ctx.input().orderId(), ctx.step(), compensation)
        .thenCompose(x -> work.apply(ctx).thenApply(result -> (Object) result));
  }

  // ---------------------------------------------------------------- step 1

  private static CompletionStage<Reserved> reserveAll(CatalogClient catalog, StepContext<Checkout> ctx) {
    Checkout in = ctx.input();
    Duration grace = ctx.system().settings().config().getDuration(GRACE);
    Duration hold = ctx.system().settings().config().getDuration(TTL).plus(grace);
    List<CompletableFuture<AskResult<Reservation>>> asks = new ArrayList<>();
    for (int i = 0; i < in.items().size(); i++) {
      OrderLine line = in.items().get(i);
      asks.add(catalog.reserve(line.productId(), reservationId(in.orderId(), i), line.quantity(), hold, meta(ctx.meta()))
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenCompose(x -> {
      List<String> reasons = new ArrayList<>();
      List<String> transientFailures = new ArrayList<>();
      Instant holdUntil = null;
      for (int i = 0; i < asks.size(); i++) {
        OrderLine line = in.items().get(i);
        AskResult<Reservation> result = asks.get(i).join();
        String which = "line " + (i + 1) + " (" + line.productId() + "): ";
        if (result instanceof AskResult.Ok<Reservation> ok) {
          Reservation r = ok.value();
          if (r.status() == Reservation.Status.ACTIVE || r.status() == Reservation.Status.COMMITTED) {
            if (r.expiresAt() != null && (holdUntil == null || r.expiresAt().isBefore(holdUntil))) holdUntil = r.expiresAt();
          } else {
            reasons.add(which + "reservation " + r.status().code());
          }
        } else if (result instanceof AskResult.Failed<Reservation> f) {
          if (f.failure() == AskResult.Failure.REJECTED) reasons.add(which + f.detail());
          else transientFailures.add(which + f.failure() + " " + f.detail());
        }
      }
      if (!transientFailures.isEmpty() && reasons.isEmpty()) {
        // the same ids are asked again on the next attempt: the catalog answers those it decided with the first answer
        return CompletableFuture.failedFuture(new IllegalStateException("catalog did not answer: " + transientFailures));
      }
      if (reasons.isEmpty()) {
        // every line was held for ttl + grace from its reserve: the order's deadline is ttl after the earliest
        Instant deadline = holdUntil == null ? null : holdUntil.minus(grace);
        return CompletableFuture.completedFuture(new Reserved(true, holdUntil, List.of(), deadline));
      }
      List<String> all = new ArrayList<>(reasons);
      all.addAll(transientFailures);
      return revertAll(catalog, in, meta(ctx.meta())).thenApply(y -> new Reserved(false, null, List.copyOf(all), null));
    });
  }

  /**
   * Reverts every line's reservation, whatever it holds: an active one is released, a committed
   * one's units return to stock, an id never reserved is closed. Fails (so the attempt is
   * retried) unless the catalog answered every line.
   */
  static CompletionStage<Void> revertAll(CatalogClient catalog, Checkout in, MessageMeta meta) {
    List<CompletableFuture<AskResult<Reservation>>> asks = new ArrayList<>();
    for (int i = 0; i < in.items().size(); i++) {
      asks.add(catalog.revert(in.items().get(i).productId(), reservationId(in.orderId(), i), meta).toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenCompose(x -> {
      for (int i = 0; i < asks.size(); i++) {
        AskResult<Reservation> result = asks.get(i).join();
        // a refusal means the product cannot hold the id at all (unknown product, invalid id): nothing to undo
        if (result instanceof AskResult.Failed<Reservation> f && f.failure() != AskResult.Failure.REJECTED) {
          return CompletableFuture.<Void>failedFuture(new IllegalStateException(
              "revert of line " + (i + 1) + " not answered: " + f.failure() + " " + f.detail()));
        }
      }
      return CompletableFuture.completedFuture(null);
    });
  }

  // ---------------------------------------------------------------- step 2

  private static CompletionStage<Created> createOrder(CatalogClient catalog, StepContext<Checkout> ctx) {
    Checkout in = ctx.input();
    Reserved reserved = ctx.result(RESERVE, Reserved.class).orElseThrow();
    EntityRef<OrderCommand> order = order(ctx.system(), in.orderId());
    MessageMeta meta = meta(ctx.meta());
    if (!reserved.ok()) {
      return Stages.onSystem(order.<OrderView>askWithStatus(
              r -> new OrderCommand.Fail(in.userId(), in.items(), reserved.reasons(), meta, r), ctx.timeout()), ctx.system())
          .thenApply(v -> {
            throw new SagaStep.PermanentFailure("stock could not be reserved: " + String.join("; ", reserved.reasons()));
          });
    }
    List<CompletableFuture<AskResult<ProductSummary>>> gets = in.items().stream()
        .map(l -> catalog.get(l.productId()).toCompletableFuture()).toList();
    return CompletableFuture.allOf(gets.toArray(CompletableFuture[]::new)).thenCompose(x -> {
      List<PricedLine> lines = new ArrayList<>();
      BigDecimal total = BigDecimal.ZERO;
      String currency = null;
      for (int i = 0; i < gets.size(); i++) {
        OrderLine line = in.items().get(i);
        AskResult<ProductSummary> got = gets.get(i).join();
        if (!(got instanceof AskResult.Ok<ProductSummary> ok) || !ok.value().exists()) {
          return CompletableFuture.<Created>failedFuture(
              new IllegalStateException("price of " + line.productId() + " not available: " + got));
        }
        ProductData data = ok.value().data();
        if (currency != null && !currency.equals(data.currency())) {
          return CompletableFuture.<Created>failedFuture(new SagaStep.PermanentFailure(
              "products are priced in different currencies (" + currency + ", " + data.currency() + ")"));
        }
        currency = data.currency();
        BigDecimal lineTotal = data.price().multiply(BigDecimal.valueOf(line.quantity()));
        total = total.add(lineTotal);
        lines.add(new PricedLine(line.productId(), name(data.name()), line.quantity(), data.price(), lineTotal));
      }
      String cur = currency;
      BigDecimal sum = total;
      Instant expiresAt = deadline(reserved, ctx);
      return Stages.onSystem(order.<OrderView>askWithStatus(
              r -> new OrderCommand.Create(in.userId(), lines, sum, cur, expiresAt, meta, r), ctx.timeout()), ctx.system())
          .thenApply(v -> new Created(v.expiresAt()));
    });
  }

  /**
   * The order's deadline: the reserve time + the order's TTL (the catalog holds the units
   * {@code commit-grace} longer). A result stored before the deadline was recorded gives the
   * catalog's expiry (those reservations have no grace: a late commit fails and is compensated).
   */
  private static Instant deadline(Reserved reserved, StepContext<Checkout> ctx) {
    if (reserved.deadline() != null) return reserved.deadline();
    if (reserved.holdUntil() != null) return reserved.holdUntil();
    return Instant.now().plus(ctx.system().settings().config().getDuration(TTL));
  }

  private static String name(Map<String, String> names) {
    if (names == null || names.isEmpty()) return null;
    return names.getOrDefault("en", names.values().iterator().next());
  }

  /** Records the order's final status, chosen by how {@value #AWAIT} ended: cancelled, expired, else failed. */
  private static CompletionStage<OrderView> closeOrder(CompensationContext<Checkout> ctx) {
    Checkout in = ctx.input();
    String why = ctx.failureReason() == null ? "checkout failed" : ctx.failureReason();
    MessageMeta meta = meta(ctx.meta());
    Outcome outcome = decided(ctx).map(Decided::outcome).orElse(null);
    Function<ActorRef<StatusReply<OrderView>>, OrderCommand> cmd;
    if (outcome == Outcome.CANCELLED) cmd = r -> new OrderCommand.Cancel(CANCELLED, meta, r);
    else if (outcome == Outcome.EXPIRED) cmd = r -> new OrderCommand.Expire(meta, r);
    else cmd = r -> new OrderCommand.Fail(in.userId(), in.items(), List.of(why), meta, r); // confirmed but not committed, or failed earlier
    return Stages.onSystem(order(ctx.system(), in.orderId()).<OrderView>askWithStatus(cmd::apply, ctx.timeout()), ctx.system())
        .exceptionallyCompose(e -> {
          Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
          // the order refused: it is already closed otherwise (or never existed), so there is nothing left to record
          return cause instanceof StatusReply.ErrorMessage
              ? CompletableFuture.completedFuture(null)
              : CompletableFuture.failedFuture(cause);
        });
  }

  // ---------------------------------------------------------------- step 3

  private static Instant expiresAt(SagaContext<Checkout> ctx) {
    return ctx.result(CREATE, Created.class).map(Created::expiresAt).orElse(null);
  }

  private static Duration untilExpiry(StepContext<Checkout> ctx) {
    Instant expiresAt = expiresAt(ctx);
    Duration left = Duration.between(Instant.now(), expiresAt != null ? expiresAt : Instant.now());
    return left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
  }

  /**
   * How a decision that reaches the saga at {@code now} ends the wait: {@code EXPIRED} at or after
   * {@code expiresAt}, whatever it says (the deadline timer may not have fired yet, e.g. on a node
   * that just took the saga over); else confirmed or cancelled. Any other payload is refused.
   */
  public static Decided decide(JsonNode payload, Instant expiresAt, Instant now) {
    String decision = payload == null ? "" : payload.path("decision").asText("");
    if (!decision.equals("confirm") && !decision.equals("cancel")) {
      throw new IllegalArgumentException("decision must be confirm or cancel (got '" + decision + "')");
    }
    if (expiresAt != null && !now.isBefore(expiresAt)) return new Decided(Outcome.EXPIRED, EXPIRED);
    if (decision.equals("confirm")) return new Decided(Outcome.CONFIRMED, null);
    String reason = payload.path("reason").asText("");
    return new Decided(Outcome.CANCELLED, reason.isBlank() ? CANCELLED : reason);
  }

  /**
   * How {@value #AWAIT} ended; empty when it did not (the saga failed before). A result stored as
   * the plain string {@code "confirm"} (before decisions were typed) reads as confirmed.
   */
  static Optional<Decided> decided(SagaContext<Checkout> ctx) {
    return ctx.result(AWAIT).map(result -> result.isTextual()
        ? new Decided("confirm".equals(result.asText()) ? Outcome.CONFIRMED : Outcome.CANCELLED, null)
        : ctx.result(AWAIT, Decided.class).orElseThrow());
  }

  private static boolean confirmed(SagaContext<Checkout> ctx) {
    return decided(ctx).map(d -> d.outcome() == Outcome.CONFIRMED).orElse(false);
  }

  // ---------------------------------------------------------------- steps 4 and 5

  /** Commits every line when the customer confirmed; otherwise fails for good, so the saga compensates. */
  private static CompletionStage<Integer> commitIfConfirmed(CatalogClient catalog, StepContext<Checkout> ctx) {
    Decided decided = decided(ctx).orElseThrow();
    if (decided.outcome() != Outcome.CONFIRMED) {
      return CompletableFuture.failedFuture(new SagaStep.PermanentFailure("not committed: " + decided.reason()));
    }
    Checkout in = ctx.input();
    List<CompletableFuture<AskResult<Reservation>>> asks = new ArrayList<>();
    for (int i = 0; i < in.items().size(); i++) {
      asks.add(catalog.commit(in.items().get(i).productId(), reservationId(in.orderId(), i), meta(ctx.meta()))
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenCompose(x -> {
      for (CompletableFuture<AskResult<Reservation>> a : asks) {
        if (a.join() instanceof AskResult.Failed<Reservation> f) {
          return CompletableFuture.<Integer>failedFuture(f.failure() == AskResult.Failure.REJECTED
              ? new SagaStep.PermanentFailure("commit refused: " + f.detail())
              : new IllegalStateException("commit not answered: " + f));
        }
      }
      return CompletableFuture.completedFuture(asks.size());
    });
  }

  /**
   * Compensation of {@value #CONFIRM}, which failed for good: records {@code failed} (so no late
   * confirmation can land afterwards), unless the order is confirmed after all (an attempt took
   * effect unheard): then the sale stands, and the saga stops for manual intervention instead of
   * returning the units of a confirmed order.
   */
  private static CompletionStage<OrderView> failUnlessConfirmed(CompensationContext<Checkout> ctx) {
    Checkout in = ctx.input();
    String why = ctx.failureReason() == null ? "checkout failed" : ctx.failureReason();
    return Stages.onSystem(order(ctx.system(), in.orderId()).<OrderView>askWithStatus(
            r -> new OrderCommand.Fail(in.userId(), in.items(), List.of(why), meta(ctx.meta()), r), ctx.timeout()), ctx.system())
        .exceptionallyCompose(e -> {
          Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
          return cause instanceof StatusReply.ErrorMessage
              ? CompletableFuture.failedFuture(new SagaStep.PermanentFailure(
                  "order " + in.orderId() + " was confirmed; its units stay sold (" + cause.getMessage() + ")"))
              : CompletableFuture.failedFuture(cause);
        });
  }

  static EntityRef<OrderCommand> order(ActorSystem<?> system, String orderId) {
    return ClusterSharding.get(system).entityRefFor(OrderCommand.ENTITY_KEY, orderId);
  }

  private static MessageMeta meta(MessageMeta sagaMeta) {
    return sagaMeta != null ? sagaMeta.causes(SOURCE) : MessageMeta.root(SOURCE, null);
  }
}
