package org.linecommerce.customer.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.Stages;

/**
 * How the HTTP edge (and later the bot gateway) works with orders. {@link #place} stores the
 * request under its {@code Idempotency-Key}, scoped per caller and user, and starts the checkout
 * saga; the saga reserves stock, creates the {@code Order} and waits for {@link #confirm} or
 * {@link #cancel} until the order expires.
 *
 * <p>The customer module implements it internally and {@link #register registers} the
 * implementation with the actor system when it starts orders ({@code OrderModuleParts.init}); other
 * modules take it with {@link #get}, so this package never depends on the implementation.
 *
 * <p>Every call answers within a bounded time (one retry budget per call, see the README,
 * "Orders"): a stage that cannot be completed in time answers {@link Placement.Unavailable} or fails,
 * it never waits on nested retries.
 */
public interface OrderClient {

  int MAX_KEY_LENGTH = 128;
  int MAX_CALLER_LENGTH = 64;
  int MAX_ITEMS = 50;
  int MAX_QUANTITY = 99;
  int MAX_USER_ID = 128;
  int LIST_LIMIT = 100;
  /** Product ids as the catalog spells them. */
  Pattern PRODUCT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  /** Who places orders ({@code api}, {@code api:<client id>}, {@code bot-gateway}); idempotency keys are scoped by it. */
  Pattern CALLER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0," + (MAX_CALLER_LENGTH - 1) + "}");

  /**
   * Accepts the order under ({@code caller}, the request's user, {@code idempotencyKey}) and starts
   * its checkout saga: {@code Accepted} with a new order id, or, when that key was used before
   * with the same request, the first order's id and its current status ({@code repeated});
   * {@code KeyReused} when it was used with another request; {@code Invalid} for a bad request,
   * caller or key; {@code Unavailable} when the request is stored but its checkout could not be
   * started (or its status read) in time (repeat with the same key; the checkout sweeper starts it
   * meanwhile).
   */
  CompletionStage<Placement> place(String caller, String idempotencyKey, PlaceOrder request, MessageMeta meta);

  /**
   * The order; while the saga is still reserving, the accepted request as {@code pending} (no
   * prices, no {@code expiresAt}); {@code failed} with the saga's reason when it failed before the
   * order was recorded; empty for an unknown id. Fails when the order did not answer in time.
   */
  CompletionStage<Optional<OrderView>> get(String orderId);

  /**
   * Order {@code orderId} once its checkout has priced it (it has {@code expiresAt}: items named
   * and priced, stock reserved) or closed it, waiting up to {@code within}; when the time is up, the
   * last answer (possibly not priced yet, or empty). What a caller shows right after {@link #place}
   * is accepted, whose checkout runs on. The customer domain's client waits for the checkout saga
   * to reach that point; this default (for other implementations) asks every 100 ms.
   */
  default CompletionStage<Optional<OrderView>> getPriced(String orderId, Duration within, ActorSystem<?> system) {
    return pollPriced(this, orderId, System.nanoTime() + within.toNanos(), system);
  }

  private static CompletionStage<Optional<OrderView>> pollPriced(
      OrderClient client, String orderId, long deadline, ActorSystem<?> system) {
    // onSystem: continuing a Pekko ask's stage directly would hop onto a new thread
    return Stages.onSystem(client.get(orderId), system).thenCompose(found -> {
      boolean settled = found.isPresent()
          && (found.get().expiresAt() != null || (found.get().status() != null && found.get().status().isFinal()));
      if (settled || System.nanoTime() > deadline) return CompletableFuture.completedFuture(found);
      CompletableFuture<Optional<OrderView>> next = new CompletableFuture<>();
      system.scheduler().scheduleOnce(Duration.ofMillis(100),
          () -> pollPriced(client, orderId, deadline, system).whenComplete((v, e) -> {
            if (e != null) next.completeExceptionally(e);
            else next.complete(v);
          }), system.executionContext());
      return next;
    });
  }

  /**
   * Confirms a pending order (the stock is sold): DONE also when already confirmed; REFUSED when
   * closed otherwise, including a confirmation that reaches the checkout at or after the order's
   * {@code expiresAt} (the order is then {@code expired} and its stock released).
   */
  CompletionStage<OrderDecision> confirm(String orderId, MessageMeta meta);

  /** Cancels a pending order (the stock is released): DONE also when already cancelled; REFUSED when closed otherwise. */
  CompletionStage<OrderDecision> cancel(String orderId, String reason, MessageMeta meta);

  /**
   * The user's orders, newest first (at most {@value #LIST_LIMIT}), from the orders read model (one
   * query, no entity asks): accepted orders whose checkout has not created them yet show as
   * {@code pending} with the requested lines; a status change shows once the read model's
   * projection has seen it (usually within a second).
   */
  CompletionStage<List<OrderView>> listForUser(String userId);

  /** Makes {@code client} the one {@link #get} returns on {@code system}. */
  static void register(ActorSystem<?> system, OrderClient client) {
    OrderClientRegistry.get(system).register(client);
  }

  /** The order client of this node; the customer module must have started orders on it. */
  static OrderClient get(ActorSystem<?> system) {
    return OrderClientRegistry.get(system).current();
  }

  /** Why the request is invalid, if it is (see {@link #normalize}). */
  static Optional<String> violation(PlaceOrder request) {
    try {
      normalize(request);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The request, normalized (ids trimmed, lines of one product merged in first-seen order); throws {@link IllegalArgumentException} saying why it is invalid. */
  static PlaceOrder normalize(PlaceOrder request) {
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
}
