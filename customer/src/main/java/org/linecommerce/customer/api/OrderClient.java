package org.linecommerce.customer.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.Patterns;
import org.linecommerce.customer.internal.order.CheckoutSaga;
import org.linecommerce.customer.internal.order.OrderRequests;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.resilience.AskPolicy;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.ResilientAsk;
import org.linecommerce.runtime.saga.Saga;
import org.linecommerce.runtime.saga.SagaDefinition;
import org.linecommerce.runtime.saga.Sagas;

/**
 * How the HTTP edge (and later the bot gateway) works with orders. {@link #place} stores the
 * {@code Idempotency-Key} with the request ({@code order_requests}) and starts the checkout saga;
 * the saga reserves stock, creates the {@code Order} and waits for {@link #confirm} or
 * {@link #cancel} until the order expires. Needs {@code OrderModuleParts.init} on the node.
 */
public final class OrderClient {

  public static final int MAX_KEY_LENGTH = 128;
  public static final int MAX_ITEMS = 50;
  public static final int MAX_QUANTITY = 99;
  static final int MAX_USER_ID = 128;
  static final int LIST_LIMIT = 100;
  /** Product ids as the catalog spells them. */
  static final Pattern PRODUCT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final Duration DECISION_WAIT = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;
  private static final Duration POLL = Duration.ofMillis(100);

  private final ActorSystem<?> system;
  private final Sagas sagas;
  private final OrderRequests requests;
  private final ObjectMapper mapper;
  private final ResilientAsk asks;
  private final AskPolicy reads;

  public OrderClient(ActorSystem<?> system) {
    this.system = system;
    this.sagas = Sagas.get(system);
    this.requests = new OrderRequests(system);
    this.mapper = Json.mapper(system);
    this.asks = ResilientAsk.get(system);
    this.reads = asks.queryPolicy().withTimeout(system.settings().config().getDuration("linecommerce.sagas.ask-timeout"));
  }

  /** The request, normalized (ids trimmed, lines of one product merged in first-seen order), or why it is invalid. */
  public static Optional<String> violation(PlaceOrder request) {
    try {
      normalize(request);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  public static PlaceOrder normalize(PlaceOrder request) {
    if (request == null) throw new IllegalArgumentException("a body {userId, items:[{productId, quantity}]} is required");
    String userId = request.userId() == null ? "" : request.userId().trim();
    if (userId.isEmpty() || userId.length() > MAX_USER_ID) {
      throw new IllegalArgumentException("userId is required (1 to " + MAX_USER_ID + " characters)");
    }
    if (request.items().isEmpty() || request.items().size() > MAX_ITEMS) {
      throw new IllegalArgumentException("items must have 1 to " + MAX_ITEMS + " lines (got " + request.items().size() + ")");
    }
    Map<String, Integer> merged = new LinkedHashMap<>();
    for (int i = 0; i < request.items().size(); i++) {
      OrderLine line = request.items().get(i);
      if (line == null || line.productId() == null || !PRODUCT_ID.matcher(line.productId().trim()).matches()) {
        throw new IllegalArgumentException("items[" + i + "].productId is not a product id (a-z, 0-9 and '-', at most 64)");
      }
      if (line.quantity() < 1 || line.quantity() > MAX_QUANTITY) {
        throw new IllegalArgumentException("items[" + i + "].quantity must be 1 to " + MAX_QUANTITY + " (got " + line.quantity() + ")");
      }
      merged.merge(line.productId().trim(), line.quantity(), Integer::sum);
    }
    List<OrderLine> lines = new ArrayList<>();
    merged.forEach((id, q) -> {
      if (q > MAX_QUANTITY) {
        throw new IllegalArgumentException("quantity of " + id + " over all its lines must be at most " + MAX_QUANTITY + " (got " + q + ")");
      }
      lines.add(new OrderLine(id, q));
    });
    return new PlaceOrder(userId, lines);
  }

  /**
   * Accepts the order under {@code idempotencyKey} and starts its checkout saga: {@code Accepted}
   * with a new order id, or the first order's id when the key was used with the same request;
   * {@code KeyReused} when it was used with another; {@code Invalid} for a bad request or key.
   */
  public CompletionStage<Placement> place(String idempotencyKey, PlaceOrder request, MessageMeta meta) {
    if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > MAX_KEY_LENGTH) {
      return CompletableFuture.completedFuture(new Placement.Invalid(
          "the Idempotency-Key header is required (1 to " + MAX_KEY_LENGTH + " characters)"));
    }
    PlaceOrder order;
    String json;
    try {
      order = normalize(request);
      json = mapper.writeValueAsString(order);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Placement.Invalid(e.getMessage()));
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(e);
    }
    String hash = sha256(json);
    OrderRequests.Accepted candidate = new OrderRequests.Accepted(
        idempotencyKey, hash, json, UUID.randomUUID().toString(), order.userId(), Instant.now());
    return requests.accept(candidate).thenCompose(row -> {
      if (!row.requestHash().equals(hash)) {
        return CompletableFuture.completedFuture(new Placement.KeyReused(row.orderId(),
            "Idempotency-Key '" + idempotencyKey + "' was already used for order " + row.orderId()
                + " with a different request"));
      }
      boolean repeated = !row.orderId().equals(candidate.orderId());
      PlaceOrder stored = read(row.requestJson());
      // starting is idempotent per saga id: a repeat also starts a saga that a crash kept from starting
      return startAndMark(row.orderId(), stored, meta)
          .thenApply(s -> (Placement) new Placement.Accepted(row.orderId(), OrderStatus.PENDING, repeated))
          .exceptionally(e -> new Placement.Unavailable(row.orderId(), "order " + row.orderId()
              + " is stored but its checkout could not be started yet; repeat the request with the same Idempotency-Key"));
    });
  }

  /**
   * Starts the checkout of an accepted request that a crash may have left unstarted (the checkout
   * sweeper's call); idempotent per order.
   */
  public CompletionStage<Saga.Summary> resume(String orderId, String requestJson) {
    return startAndMark(orderId, read(requestJson), MessageMeta.root("checkout-sweeper", orderId));
  }

  private CompletionStage<Saga.Summary> startAndMark(String orderId, PlaceOrder stored, MessageMeta meta) {
    return start(new CheckoutSaga.Checkout(orderId, stored.userId(), stored.items()), meta, START_ATTEMPTS)
        .thenCompose(summary -> requests.markStarted(orderId)
            .handle((marked, error) -> summary)); // unmarked only means the sweeper looks once more
  }

  /** Starts the checkout (idempotent per saga id), asking again when a busy cluster did not answer in time. */
  private CompletionStage<Saga.Summary> start(CheckoutSaga.Checkout checkout, MessageMeta meta, int attemptsLeft) {
    return sagas.start(CheckoutSaga.sagaId(checkout.orderId()), definition(), checkout, meta)
        .exceptionallyCompose(e -> attemptsLeft > 1
            ? start(checkout, meta, attemptsLeft - 1)
            : CompletableFuture.failedFuture(e));
  }

  /**
   * The order; while the saga is still reserving, the accepted request as {@code pending} (no
   * prices, no {@code expiresAt}); {@code failed} with the saga's reason when it failed before the
   * order was recorded; empty for an unknown id.
   */
  public CompletionStage<Optional<OrderView>> get(String orderId) {
    if (orderId == null || orderId.isBlank() || orderId.length() > 64) return CompletableFuture.completedFuture(Optional.empty());
    return asks.<OrderCommand, OrderView>ask(
            ClusterSharding.get(system).entityRefFor(OrderCommand.ENTITY_KEY, orderId), OrderCommand.Get::new, reads)
        .thenCompose(result -> {
          if (!(result instanceof AskResult.Ok<OrderView> ok)) {
            AskResult.Failed<OrderView> failed = (AskResult.Failed<OrderView>) result;
            return CompletableFuture.<Optional<OrderView>>failedFuture(
                new IllegalStateException("order " + orderId + " did not answer: " + failed.detail()));
          }
          return ok.value().exists()
              ? CompletableFuture.completedFuture(Optional.of(ok.value()))
              : fromRequest(orderId);
        });
  }

  private CompletionStage<Optional<OrderView>> fromRequest(String orderId) {
    return requests.byOrderId(orderId).thenCompose(row -> {
      if (row.isEmpty()) return CompletableFuture.completedFuture(Optional.<OrderView>empty());
      PlaceOrder req = read(row.get().requestJson());
      List<PricedLine> lines = req.items().stream()
          .map(l -> new PricedLine(l.productId(), null, l.quantity(), null, null)).toList();
      return sagas.status(CheckoutSaga.sagaId(orderId)).thenApply(saga -> {
        boolean failed = saga.status() == Saga.Status.FAILED || saga.status() == Saga.Status.REQUIRES_MANUAL_INTERVENTION;
        OrderStatus status = failed ? OrderStatus.FAILED : OrderStatus.PENDING;
        return Optional.of(new OrderView(orderId, true, req.userId(), status, lines, null, null, null,
            List.of(), failed ? List.of(String.valueOf(saga.failureReason())) : List.of()));
      });
    });
  }

  /**
   * Confirms a pending order (the stock is sold): DONE also when already confirmed; REFUSED when
   * closed otherwise, including a confirmation that reaches the checkout at or after the order's
   * {@code expiresAt} (the order is then {@code expired} and its stock released).
   */
  public CompletionStage<OrderDecision> confirm(String orderId, MessageMeta meta) {
    return decide(orderId, OrderStatus.CONFIRMED, CheckoutSaga.Decision.confirm(), meta);
  }

  /** Cancels a pending order (the stock is released): DONE also when already cancelled; REFUSED when closed otherwise. */
  public CompletionStage<OrderDecision> cancel(String orderId, String reason, MessageMeta meta) {
    return decide(orderId, OrderStatus.CANCELLED, CheckoutSaga.Decision.cancel(reason), meta);
  }

  /** The user's orders, newest first (at most 100). */
  public CompletionStage<List<OrderView>> listForUser(String userId) {
    return requests.byUser(userId, LIST_LIMIT).thenCompose(rows -> {
      List<CompletableFuture<Optional<OrderView>>> views = rows.stream()
          .map(r -> get(r.orderId()).toCompletableFuture()).toList();
      return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
          .thenApply(x -> views.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList());
    });
  }

  private CompletionStage<OrderDecision> decide(
      String orderId, OrderStatus wanted, CheckoutSaga.Decision decision, MessageMeta meta) {
    return get(orderId).thenCompose(found -> {
      if (found.isEmpty()) {
        return CompletableFuture.completedFuture(new OrderDecision(OrderDecision.Outcome.NOT_FOUND, null, "no order " + orderId));
      }
      OrderView view = found.get();
      if (view.status().isFinal()) return CompletableFuture.completedFuture(verdict(view, wanted));
      return sagas.signal(CheckoutSaga.sagaId(orderId), CheckoutSaga.AWAIT, decision, meta)
          // refused when the step no longer waits (e.g. the deadline just passed): the order will tell
          .handle((s, e) -> null)
          .thenCompose(x -> awaitFinal(orderId, Instant.now().plus(DECISION_WAIT)))
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

  private CompletionStage<OrderView> awaitFinal(String orderId, Instant giveUpAt) {
    return get(orderId).thenCompose(v -> {
      OrderView view = v.orElseThrow();
      if (view.status().isFinal() || Instant.now().isAfter(giveUpAt)) return CompletableFuture.completedFuture(view);
      return Patterns.after(POLL, system.classicSystem().scheduler(), system.executionContext(),
              () -> awaitFinal(orderId, giveUpAt));
    });
  }

  @SuppressWarnings("unchecked")
  private SagaDefinition<CheckoutSaga.Checkout> definition() {
    return (SagaDefinition<CheckoutSaga.Checkout>) sagas.definition(CheckoutSaga.NAME)
        .orElseThrow(() -> new IllegalStateException("the checkout saga is not registered: call OrderModuleParts.init"));
  }

  private PlaceOrder read(String json) {
    try {
      return mapper.readValue(json, PlaceOrder.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored order request is unreadable", e);
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
