package org.linecommerce.customer.internal.order;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.linecommerce.customer.api.OrderClient;
import org.linecommerce.customer.api.OrderCommand;
import org.linecommerce.customer.api.OrderDecision;
import org.linecommerce.customer.api.OrderStatus;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.customer.api.PlaceOrder;
import org.linecommerce.customer.api.Placement;
import org.linecommerce.customer.api.PricedLine;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.resilience.AskPolicy;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.ResilientAsk;
import org.linecommerce.runtime.saga.Saga;
import org.linecommerce.runtime.saga.Sagas;

/**
 * The {@link OrderClient} of a node: the {@code order_requests} store, the checkout saga and the
 * orders read model behind one facade.
 *
 * <p><b>One budget per call.</b> Every ask on the call path goes through {@link ResilientAsk} with a
 * policy of {@code linecommerce.orders.api} (a timeout per attempt, retries with backoff for reads,
 * the target's circuit breaker) and nothing retries around it, so placing answers within about
 * {@code start-timeout} (plus one read for a repeat) and confirm and cancel within
 * {@code decision-wait} plus one read, well below {@code pekko.http.server.request-timeout}. The
 * saga start is asked once: starting is idempotent per order, a start that timed out is still
 * queued at the saga, and a start that does not succeed within the budget answers
 * {@link Placement.Unavailable}; the checkout sweeper starts the request later.
 */
public final class OrderDesk implements OrderClient {


  private final ActorSystem<?> system;
  private final Sagas sagas;
  private final OrderRequests requests;
  private final ObjectMapper mapper;
  private final ResilientAsk asks;
  /** reads and saga starts (both idempotent): timeout per attempt and retries */
  private final AskPolicy retried;
  /** a single attempt: signals, status reads inside a budget already partly spent */
  private final AskPolicy once;
  /** the saga start: one attempt with its own timeout */
  private final AskPolicy start;
  private final Duration decisionWait;

  public OrderDesk(ActorSystem<?> system) {
    this.system = system;
    this.sagas = Sagas.get(system);
    this.requests = new OrderRequests(system);
    this.mapper = Json.mapper(system);
    this.asks = ResilientAsk.get(system);
    Config c = system.settings().config().getConfig("linecommerce.orders.api");
    this.once = asks.commandPolicy().withTimeout(c.getDuration("attempt-timeout"));
    this.retried = once.retried(c.getInt("retries"));
    this.start = asks.commandPolicy().withTimeout(c.getDuration("start-timeout"));
    this.decisionWait = c.getDuration("decision-wait");
  }

  @Override
  public CompletionStage<Placement> place(String caller, String idempotencyKey, PlaceOrder request, MessageMeta meta) {
    if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > MAX_KEY_LENGTH) {
      return CompletableFuture.completedFuture(new Placement.Invalid(
          "the Idempotency-Key header is required (1 to " + MAX_KEY_LENGTH + " characters)"));
    }
    if (caller == null || !CALLER.matcher(caller).matches()) {
      return CompletableFuture.completedFuture(new Placement.Invalid(
          "the caller must be 1 to " + MAX_CALLER_LENGTH + " of [A-Za-z0-9._:-]"));
    }
    PlaceOrder order;
    String json;
    try {
      order = OrderClient.normalize(request);
      json = mapper.writeValueAsString(order);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Placement.Invalid(e.getMessage()));
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(e);
    }
    String hash = sha256(json);
    OrderRequests.Accepted candidate = new OrderRequests.Accepted(
        caller, idempotencyKey, hash, json, UUID.randomUUID().toString(), order.userId(), Instant.now());
    return requests.accept(candidate).thenCompose(row -> {
      if (!row.requestHash().equals(hash)) {
        return CompletableFuture.completedFuture(new Placement.KeyReused(
            "Idempotency-Key '" + idempotencyKey + "' was already used with a different request"));
      }
      boolean repeated = !row.orderId().equals(candidate.orderId());
      String orderId = row.orderId();
      // starting is idempotent per saga id: a repeat also starts a saga that a crash kept from starting
      return startAndMark(orderId, readRequest(row.requestJson()), meta).thenCompose(started -> {
        if (!started) return unavailable(orderId, "its checkout could not be started yet");
        if (!repeated) return CompletableFuture.completedFuture(new Placement.Accepted(orderId, OrderStatus.PENDING, false));
        return view(orderId, once)
            .thenApply(v -> (Placement) new Placement.Accepted(orderId, v.map(OrderView::status).orElse(OrderStatus.PENDING), true))
            .exceptionallyCompose(e -> unavailable(orderId, "its status could not be read in time"));
      });
    });
  }

  private static CompletionStage<Placement> unavailable(String orderId, String why) {
    return CompletableFuture.completedFuture(new Placement.Unavailable(orderId, "order " + orderId
        + " is stored but " + why + "; repeat the request with the same Idempotency-Key"));
  }

  /**
   * Starts the checkout of an accepted request that a crash may have left unstarted (the checkout
   * sweeper's call); idempotent per order. Completes with whether it started.
   */
  public CompletionStage<Boolean> resume(String orderId, PlaceOrder stored) {
    return startAndMark(orderId, stored, MessageMeta.root("checkout-sweeper", orderId));
  }

  private CompletionStage<Boolean> startAndMark(String orderId, PlaceOrder stored, MessageMeta meta) {
    if (sagas.definition(CheckoutSaga.NAME).isEmpty()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the checkout saga is not registered: call OrderModuleParts.init"));
    }
    String input;
    try {
      input = mapper.writeValueAsString(new CheckoutSaga.Checkout(orderId, stored.userId(), stored.items()));
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(e);
    }
    return asks.<Saga.Command, Saga.Summary>askWithStatus(sagas.entityRef(CheckoutSaga.sagaId(orderId)),
            r -> new Saga.Start(CheckoutSaga.NAME, input, meta, r), start)
        .thenCompose(result -> {
          if (!(result instanceof AskResult.Ok<Saga.Summary>)) {
            system.log().warn("Order {}: checkout not started within the budget ({})", orderId, result);
            return CompletableFuture.completedFuture(false);
          }
          // batched, off the answer's path: unmarked only means the sweeper looks once more
          requests.markStartedSoon(orderId);
          return CompletableFuture.completedFuture(true);
        });
  }

  @Override
  public CompletionStage<Optional<OrderView>> get(String orderId) {
    return view(orderId, retried);
  }

  /**
   * The order once its checkout has priced it or closed it: the checkout saga answers when it
   * reaches {@value CheckoutSaga#AWAIT} (the order is created and priced), compensates or ends
   * ({@link Sagas#awaitStep}); then one read of the order. No polling: a pending order used to be
   * read every 100 ms (an `Order` ask, the stored request and the saga's status each time).
   */
  @Override
  public CompletionStage<Optional<OrderView>> getPriced(String orderId, Duration within, ActorSystem<?> system) {
    if (orderId == null || orderId.isBlank() || orderId.length() > 64) return CompletableFuture.completedFuture(Optional.empty());
    return sagas.awaitStep(CheckoutSaga.sagaId(orderId), CheckoutSaga.AWAIT, within)
        .handle((summary, error) -> null) // the saga's answer, late or missing, only says when to read
        .thenCompose(ignored -> get(orderId));
  }

  private CompletionStage<Optional<OrderView>> view(String orderId, AskPolicy policy) {
    if (orderId == null || orderId.isBlank() || orderId.length() > 64) return CompletableFuture.completedFuture(Optional.empty());
    return asks.<OrderCommand, OrderView>ask(
            ClusterSharding.get(system).entityRefFor(OrderCommand.ENTITY_KEY, orderId), OrderCommand.Get::new, policy)
        .thenCompose(result -> {
          if (!(result instanceof AskResult.Ok<OrderView> ok)) {
            return CompletableFuture.<Optional<OrderView>>failedFuture(
                new IllegalStateException("order " + orderId + " did not answer: " + result));
          }
          return ok.value().exists()
              ? CompletableFuture.completedFuture(Optional.of(ok.value()))
              : fromRequest(orderId, policy);
        });
  }

  private CompletionStage<Optional<OrderView>> fromRequest(String orderId, AskPolicy policy) {
    return requests.byOrderId(orderId).thenCompose(row -> {
      if (row.isEmpty()) return CompletableFuture.completedFuture(Optional.<OrderView>empty());
      PlaceOrder req = readRequest(row.get().requestJson());
      return asks.<Saga.Command, Saga.Summary>ask(sagas.entityRef(CheckoutSaga.sagaId(orderId)), Saga.GetStatus::new, policy)
          .thenApply(result -> {
            Saga.Summary saga = result instanceof AskResult.Ok<Saga.Summary> ok ? ok.value() : null;
            boolean failed = saga != null
                && (saga.status() == Saga.Status.FAILED || saga.status() == Saga.Status.REQUIRES_MANUAL_INTERVENTION);
            return Optional.of(requested(orderId, req, failed ? OrderStatus.FAILED : OrderStatus.PENDING,
                failed ? List.of(String.valueOf(saga.failureReason())) : List.of()));
          });
    });
  }

  /** The accepted request as an order view (no prices, no {@code expiresAt}). */
  static OrderView requested(String orderId, PlaceOrder req, OrderStatus status, List<String> reasons) {
    List<PricedLine> lines = req.items().stream()
        .map(l -> new PricedLine(l.productId(), null, l.quantity(), null, null)).toList();
    return new OrderView(orderId, true, req.userId(), status, lines, null, null, null, List.of(), reasons);
  }

  @Override
  public CompletionStage<OrderDecision> confirm(String orderId, MessageMeta meta) {
    return decide(orderId, OrderStatus.CONFIRMED, CheckoutSaga.Decision.confirm(), meta);
  }

  @Override
  public CompletionStage<OrderDecision> cancel(String orderId, String reason, MessageMeta meta) {
    return decide(orderId, OrderStatus.CANCELLED, CheckoutSaga.Decision.cancel(reason), meta);
  }

  @Override
  public CompletionStage<List<OrderView>> listForUser(String userId) {
    if (userId == null || userId.isBlank() || userId.length() > MAX_USER_ID) return CompletableFuture.completedFuture(List.of());
    return requests.listForUser(userId, LIST_LIMIT).thenApply(rows -> {
      List<OrderView> views = new ArrayList<>(rows.size());
      for (OrderRequests.Listed row : rows) {
        try {
          views.add(row.viewJson() != null
              ? CustomerOrdersProjectionHandler.readView(mapper, row.viewJson())
              : requested(row.request().orderId(), readRequest(row.request().requestJson()), OrderStatus.PENDING, List.of()));
        } catch (IllegalStateException e) { // one unreadable row must not hide the customer's other orders
          system.log().warn("Order {} left out of the list of {}: {}", row.request().orderId(), userId, e.getMessage());
        }
      }
      return views;
    });
  }

  /**
   * Signals the decision and waits until the order is closed or {@code decision-wait} has passed
   * since the call began (then IN_PROGRESS), waiting for the checkout saga to finish (no polling).
   */
  private CompletionStage<OrderDecision> decide(
      String orderId, OrderStatus wanted, CheckoutSaga.Decision decision, MessageMeta meta) {
    Instant giveUpAt = Instant.now().plus(decisionWait);
    return get(orderId).thenCompose(found -> {
      if (found.isEmpty()) {
        return CompletableFuture.completedFuture(new OrderDecision(OrderDecision.Outcome.NOT_FOUND, null, "no order " + orderId));
      }
      OrderView view = found.get();
      if (view.status().isFinal()) return CompletableFuture.completedFuture(verdict(view, wanted));
      String payload;
      try {
        payload = mapper.writeValueAsString(decision);
      } catch (JsonProcessingException e) {
        return CompletableFuture.failedFuture(e);
      }
      // refused when the step no longer waits (e.g. the deadline just passed): the order will tell
      return asks.<Saga.Command, Saga.Summary>askWithStatus(sagas.entityRef(CheckoutSaga.sagaId(orderId)),
              r -> new Saga.Signal(CheckoutSaga.AWAIT, payload, meta, r), once)
          .thenCompose(x -> awaitFinal(orderId, view, giveUpAt))
          .thenApply(v -> v.status().isFinal()
              ? verdict(v, wanted)
              : new OrderDecision(OrderDecision.Outcome.IN_PROGRESS, v, null));
    });
  }

  private static OrderDecision verdict(OrderView view, OrderStatus wanted) {
    if (view.status() == wanted) return new OrderDecision(OrderDecision.Outcome.DONE, view, null);
    String verb = wanted == OrderStatus.CONFIRMED ? "confirmed" : "cancelled";
    String detail = view.status() == OrderStatus.EXPIRED && view.expiresAt() != null
        ? "order " + view.orderId() + " expired at " + view.expiresAt() + " and can no longer be " + verb
            + "; its stock was released"
        : "order " + view.orderId() + " is " + view.status().code() + " and can no longer be " + verb;
    return new OrderDecision(OrderDecision.Outcome.REFUSED, view, detail);
  }

  /** The order once its checkout saga has finished, or as it is at {@code giveUpAt}: no polling. */
  private CompletionStage<OrderView> awaitFinal(String orderId, OrderView last, Instant giveUpAt) {
    Duration left = Duration.between(Instant.now(), giveUpAt);
    if (last.status().isFinal() || left.isNegative() || left.isZero()) return CompletableFuture.completedFuture(last);
    return sagas.awaitStep(CheckoutSaga.sagaId(orderId), null, left)
        .handle((summary, error) -> null) // only says when to read
        .thenCompose(ignored -> view(orderId, once))
        .handle((v, e) -> v != null && v.isPresent() ? v.get() : last);
  }

  /** The stored request; {@link IllegalStateException} when it cannot be read. */
  PlaceOrder readRequest(String json) {
    try {
      return mapper.readValue(json, PlaceOrder.class);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalStateException("stored order request is unreadable: " + e.getMessage(), e);
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
