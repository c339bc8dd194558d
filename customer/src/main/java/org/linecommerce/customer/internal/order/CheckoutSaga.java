package org.linecommerce.customer.internal.order;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
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
import org.linecommerce.runtime.saga.CompensationContext;
import org.linecommerce.runtime.saga.RetryPolicy;
import org.linecommerce.runtime.saga.SagaDefinition;
import org.linecommerce.runtime.saga.SagaStep;
import org.linecommerce.runtime.saga.StepContext;
import org.linecommerce.runtime.saga.StepOutcome;

/**
 * The checkout saga (one per order, id {@code checkout-<orderId>}), on the runtime's saga engine:
 *
 * <ol>
 *   <li>{@value #RESERVE}: reserves every line at the catalog, reservation id {@code <orderId>:<line>}
 *       (stable, so a retry or a re-run after a crash reserves once). If a line is refused, the
 *       lines already reserved are released in the step and its result says why, line by line.
 *   <li>{@value #CREATE}: creates the {@code pending} Order, priced from the catalog, held until the
 *       earliest reservation expiry ({@code linecommerce.orders.reservation-ttl} after reserving)
 *       less a small margin;
 *       or, when reserving failed, records the order as {@code failed} and stops the saga.
 *   <li>{@value #AWAIT}: waits for {@code {"decision":"confirm"|"cancel"}} until the order's
 *       {@code expiresAt} (a durable deadline, re-armed after a restart).
 *   <li>{@value #COMMIT}: commits the reservations (the units are sold).
 *   <li>{@value #CONFIRM}: records {@code confirmed}.
 * </ol>
 *
 * A cancel or the deadline fails step 3, so the saga compensates: {@value #CREATE}'s compensation
 * releases the stock and then records {@code cancelled}, {@code expired} (or {@code failed} for any
 * other reason) on the order; {@value #RESERVE}'s releases again (idempotent) for the case where
 * the order was never created. Releasing before recording means that once a reader sees the final
 * status, the stock is back.
 */
public final class CheckoutSaga {

  public static final String NAME = "checkout";
  public static final String RESERVE = "reserve-stock";
  public static final String CREATE = "create-order";
  public static final String AWAIT = "await-confirmation";
  public static final String COMMIT = "commit-stock";
  public static final String CONFIRM = "confirm-order";

  static final String CANCELLED = "cancelled by the customer";
  static final String EXPIRED = "not confirmed before the reservation expired";
  private static final String SOURCE = "checkout-saga";

  /** The saga's input. */
  public record Checkout(String orderId, String userId, List<OrderLine> items) {}

  /**
   * Result of {@value #RESERVE}.
   *
   * @param holdUntil the earliest expiry of the reservations (null when not reserved)
   * @param reasons one per refused line (empty when all were reserved)
   */
  public record Reserved(boolean ok, Instant holdUntil, List<String> reasons) {}

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

  /** Test seam: runs before {@value #CREATE} on the node executing it (e.g. to hold a step for a crash test). */
  @FunctionalInterface
  public interface Hooks {
    Hooks NONE = (system, orderId) -> CompletableFuture.completedFuture(null);

    CompletionStage<Void> beforeCreateOrder(ActorSystem<?> system, String orderId);
  }

  private static final RetryPolicy TRANSIENT =
      RetryPolicy.exponential(6, Duration.ofMillis(200), Duration.ofSeconds(2));

  private CheckoutSaga() {}

  public static String sagaId(String orderId) {
    return "checkout-" + orderId;
  }

  public static String reservationId(String orderId, int line) {
    return orderId + ":" + line;
  }

  public static SagaDefinition<Checkout> definition(CatalogClient catalog, Hooks hooks) {
    return SagaDefinition.builder(NAME, Checkout.class)
        .step(SagaStep.<Checkout>action(RESERVE, ctx -> reserveAll(catalog, ctx))
            .compensatedBy(ctx -> releaseAll(catalog, ctx.input(), meta(ctx.meta())))
            .withTimeout(Duration.ofSeconds(20))
            .withRetry(TRANSIENT)
            .withCompensationRetry(TRANSIENT))
        .step(SagaStep.<Checkout>action(CREATE, ctx -> hooks.beforeCreateOrder(ctx.system(), ctx.input().orderId())
                .thenCompose(x -> createOrder(catalog, ctx)))
            .compensatedBy(ctx -> releaseAll(catalog, ctx.input(), meta(ctx.meta()))
                .thenCompose(x -> closeOrder(ctx)))
            .withTimeout(Duration.ofSeconds(15))
            .withRetry(TRANSIENT)
            .withCompensationRetry(TRANSIENT))
        .step(SagaStep.<Checkout>awaitSignal(AWAIT, CheckoutSaga::untilExpiry)
            .onSignal((ctx, payload) -> "confirm".equals(payload.path("decision").asText())
                ? StepOutcome.success("confirm")
                : StepOutcome.failure(CANCELLED))
            .onDeadline(StepOutcome.failure(EXPIRED)))
        .step(SagaStep.<Checkout>action(COMMIT, ctx -> commitAll(catalog, ctx))
            .withTimeout(Duration.ofSeconds(20))
            .withRetry(TRANSIENT))
        .step(SagaStep.<Checkout>action(CONFIRM, ctx -> order(ctx.system(), ctx.input().orderId())
                .<OrderView>askWithStatus(r -> new OrderCommand.Confirm(meta(ctx.meta()), r), ctx.timeout())
                .thenApply(OrderView::status))
            .withRetry(TRANSIENT))
        .build();
  }

  // ---------------------------------------------------------------- step 1

  private static CompletionStage<Reserved> reserveAll(CatalogClient catalog, StepContext<Checkout> ctx) {
    Checkout in = ctx.input();
    Duration ttl = ctx.system().settings().config().getDuration("linecommerce.orders.reservation-ttl");
    List<CompletableFuture<AskResult<Reservation>>> asks = new ArrayList<>();
    for (int i = 0; i < in.items().size(); i++) {
      OrderLine line = in.items().get(i);
      asks.add(catalog.reserve(line.productId(), reservationId(in.orderId(), i), line.quantity(), ttl, meta(ctx.meta()))
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
      if (reasons.isEmpty()) return CompletableFuture.completedFuture(new Reserved(true, holdUntil, List.of()));
      List<String> all = new ArrayList<>(reasons);
      all.addAll(transientFailures);
      return releaseAll(catalog, in, meta(ctx.meta())).thenApply(y -> new Reserved(false, null, List.copyOf(all)));
    });
  }

  /** Releases every line's reservation; a refusal (committed, already released) counts as done. */
  static CompletionStage<Void> releaseAll(CatalogClient catalog, Checkout in, MessageMeta meta) {
    List<CompletableFuture<AskResult<Reservation>>> asks = new ArrayList<>();
    for (int i = 0; i < in.items().size(); i++) {
      asks.add(catalog.release(in.items().get(i).productId(), reservationId(in.orderId(), i), meta).toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenCompose(x -> {
      for (CompletableFuture<AskResult<Reservation>> a : asks) {
        if (a.join() instanceof AskResult.Failed<Reservation> f && f.failure() != AskResult.Failure.REJECTED) {
          return CompletableFuture.failedFuture(new IllegalStateException("release not answered: " + f));
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
      return order.<OrderView>askWithStatus(
              r -> new OrderCommand.Fail(in.userId(), in.items(), reserved.reasons(), meta, r), ctx.timeout())
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
      Instant expiresAt = closesBefore(reserved.holdUntil(), ctx);
      return order.<OrderView>askWithStatus(
              r -> new OrderCommand.Create(in.userId(), lines, sum, cur, expiresAt, meta, r), ctx.timeout())
          .thenApply(v -> new Created(v.expiresAt()));
    });
  }

  /**
   * The order closes a little before the catalog would expire its reservations (a tenth of the ttl,
   * at most 2 s), so a confirmation accepted just before the deadline still finds them to commit.
   */
  private static Instant closesBefore(Instant holdUntil, StepContext<Checkout> ctx) {
    Duration ttl = ctx.system().settings().config().getDuration("linecommerce.orders.reservation-ttl");
    Duration margin = ttl.dividedBy(10).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : ttl.dividedBy(10);
    return (holdUntil != null ? holdUntil : Instant.now().plus(ttl)).minus(margin);
  }

  private static String name(Map<String, String> names) {
    if (names == null || names.isEmpty()) return null;
    return names.getOrDefault("en", names.values().iterator().next());
  }

  private static CompletionStage<OrderView> closeOrder(CompensationContext<Checkout> ctx) {
    Checkout in = ctx.input();
    String why = ctx.failureReason() == null ? "" : ctx.failureReason();
    MessageMeta meta = meta(ctx.meta());
    Function<org.apache.pekko.actor.typed.ActorRef<org.apache.pekko.pattern.StatusReply<OrderView>>, OrderCommand> cmd;
    if (why.contains(CANCELLED)) cmd = r -> new OrderCommand.Cancel(CANCELLED, meta, r);
    else if (why.contains(EXPIRED)) cmd = r -> new OrderCommand.Expire(meta, r);
    else cmd = r -> new OrderCommand.Fail(in.userId(), in.items(), List.of(why), meta, r);
    return order(ctx.system(), in.orderId()).<OrderView>askWithStatus(cmd::apply, ctx.timeout())
        .exceptionallyCompose(e -> {
          Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
          // the order refused: it is already closed otherwise (or never existed), so there is nothing left to record
          return cause instanceof org.apache.pekko.pattern.StatusReply.ErrorMessage
              ? CompletableFuture.completedFuture(null)
              : CompletableFuture.failedFuture(cause);
        });
  }

  // ---------------------------------------------------------------- steps 3 and 4

  private static Duration untilExpiry(StepContext<Checkout> ctx) {
    Instant expiresAt = ctx.result(CREATE, Created.class).map(Created::expiresAt).orElse(Instant.now());
    Duration left = Duration.between(Instant.now(), expiresAt);
    return left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
  }

  private static CompletionStage<Integer> commitAll(CatalogClient catalog, StepContext<Checkout> ctx) {
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

  static EntityRef<OrderCommand> order(ActorSystem<?> system, String orderId) {
    return ClusterSharding.get(system).entityRefFor(OrderCommand.ENTITY_KEY, orderId);
  }

  private static MessageMeta meta(MessageMeta sagaMeta) {
    return sagaMeta != null ? sagaMeta.causes(SOURCE) : MessageMeta.root(SOURCE, null);
  }
}
