package org.linecommerce.customer.http;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.linecommerce.customer.api.OrderClient;
import org.linecommerce.customer.api.OrderDecision;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.customer.api.PlaceOrder;
import org.linecommerce.customer.api.Placement;
import org.linecommerce.runtime.http.HttpEdge;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.http.ProblemException;

/**
 * The order API (the HTTP edge authenticates {@code /api/v1} with the API token):
 *
 * <ul>
 *   <li>{@code POST /api/v1/orders} with {@code Idempotency-Key} (1..128 characters), optionally
 *       {@code X-Client-Id} (1..64 of {@code [A-Za-z0-9._-]}) and
 *       {@code {userId, items:[{productId, quantity}]}} (1..50 lines, quantity 1..99, lines of one
 *       product merged, at most 99 in all) → 202 {@code {orderId, status:"pending"}}. The key is
 *       scoped per caller ({@code api}, or {@code api:<X-Client-Id>}) and user: the same key with the
 *       same request → 202 with the same order id and its current status (one order, one saga);
 *       with another request → 409 (naming no order); the same key of another user or client is
 *       another order. No/blank/long key or invalid body → 400; 503 when the order is stored but
 *       its checkout saga did not start within the call's budget (repeat with the same key; the
 *       checkout sweeper starts it meanwhile).
 *   <li>{@code GET /api/v1/orders/{orderId}} → 200 {@link OrderJson} or 404. While the saga still
 *       reserves stock the order shows {@code pending} with the requested lines and no prices,
 *       {@code expiresAt} or timeline yet.
 *   <li>{@code POST /api/v1/orders/{orderId}/confirm} → 200 with the confirmed order (also when it
 *       was confirmed before), 409 when it is cancelled, expired or failed (a confirmation that
 *       reaches the checkout at or after {@code expiresAt} expires the order: 409, stock released),
 *       404 unknown, 202 when the saga took the decision but has not finished within 10 s.
 *       {@code /cancel} likewise.
 *   <li>{@code GET /api/v1/customers/{userId}/orders} → 200 {@code {items:[OrderJson]}}, newest first (≤ 100),
 *       from the orders read model (one query; statuses follow the order events within about a second).
 * </ul>
 */
public final class OrderRoutes {

  private static final String SOURCE = "order-api";
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  public static final String CLIENT_ID = "X-Client-Id";
  private static final java.util.regex.Pattern CLIENT = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final OrderClient orders;
  private final Unmarshaller<HttpEntity, PlaceOrderJson> placeBody;
  private final Marshaller<Object, RequestEntity> json;

  public OrderRoutes(ActorSystem<?> system, OrderClient orders) {
    this.orders = orders;
    this.placeBody = Json.unmarshaller(system, PlaceOrderJson.class);
    this.json = Json.marshaller(system);
  }

  public record LineJson(String productId, Integer quantity) {}

  public record PlaceOrderJson(String userId, List<LineJson> items) {}

  public record PlacedJson(String orderId, String status) {}

  public record ItemJson(String productId, int quantity, BigDecimal unitPrice, BigDecimal lineTotal, String name) {}

  public record TransitionJson(String status, Instant at) {}

  public record OrderJson(
      String orderId, String userId, String status, List<ItemJson> items, BigDecimal total, String currency,
      Instant expiresAt, List<TransitionJson> timeline, List<String> failureReasons) {

    static OrderJson of(OrderView v) {
      return new OrderJson(v.orderId(), v.userId(), v.status().code(),
          v.items().stream().map(i -> new ItemJson(i.productId(), i.quantity(), i.unitPrice(), i.lineTotal(), i.name())).toList(),
          v.total(), v.currency(), v.expiresAt(),
          v.timeline().stream().map(t -> new TransitionJson(t.status().code(), t.at())).toList(),
          v.failureReasons().isEmpty() ? null : v.failureReasons());
    }
  }

  public record OrderListJson(List<OrderJson> items) {}

  public Route route() {
    return Directives.pathPrefix("api", () -> Directives.pathPrefix("v1", () -> Directives.concat(
        Directives.pathPrefix("orders", () -> Directives.concat(
            Directives.pathEnd(() -> Directives.post(this::place)),
            Directives.path(PathMatchers.segment(), id -> Directives.get(() -> read(id))),
            Directives.path(PathMatchers.segment().slash("confirm"), id -> Directives.post(() -> confirm(id))),
            Directives.path(PathMatchers.segment().slash("cancel"), id -> Directives.post(() -> cancel(id))))),
        Directives.path(PathMatchers.segment("customers").slash(PathMatchers.segment()).slash("orders"),
            userId -> Directives.get(() -> list(userId))))));
  }

  private Route place() {
    return Directives.optionalHeaderValueByName(IDEMPOTENCY_KEY, key -> {
      if (key.isEmpty() || key.get().isBlank() || key.get().length() > OrderClient.MAX_KEY_LENGTH) {
        throw ProblemException.badRequest(
            "the " + IDEMPOTENCY_KEY + " header is required (1 to " + OrderClient.MAX_KEY_LENGTH + " characters)");
      }
      return Directives.optionalHeaderValueByName(CLIENT_ID, client -> {
        if (client.isPresent() && !CLIENT.matcher(client.get()).matches()) {
          throw ProblemException.badRequest("the " + CLIENT_ID + " header must be 1 to 64 of [A-Za-z0-9._-]");
        }
        String caller = client.map(c -> "api:" + c).orElse("api");
        return Directives.entity(placeBody, body -> HttpEdge.rootMeta(SOURCE, meta -> {
        PlaceOrder request = toRequest(body);
        return Directives.onSuccess(orders.place(caller, key.get(), request, meta), p -> {
          if (p instanceof Placement.Accepted a) {
            return Directives.complete(StatusCodes.ACCEPTED, new PlacedJson(a.orderId(), a.status().code()), json);
          }
          if (p instanceof Placement.KeyReused r) throw ProblemException.conflict(r.detail());
          if (p instanceof Placement.Unavailable u) {
            throw new ProblemException(StatusCodes.SERVICE_UNAVAILABLE, "Checkout not started", u.detail());
          }
          throw ProblemException.badRequest(((Placement.Invalid) p).detail());
        });
      }));
      });
    });
  }

  private static PlaceOrder toRequest(PlaceOrderJson body) {
    if (body == null || body.items() == null) throw ProblemException.badRequest("a body {userId, items:[{productId, quantity}]} is required");
    List<OrderLine> lines = body.items().stream()
        .map(l -> l == null ? null : new OrderLine(l.productId(), l.quantity() == null ? 0 : l.quantity()))
        .toList();
    try {
      return OrderClient.normalize(new PlaceOrder(body.userId(), lines));
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest(e.getMessage());
    }
  }

  private Route read(String orderId) {
    return Directives.onSuccess(orders.get(orderId), found -> found
        .map(v -> Directives.complete(StatusCodes.OK, OrderJson.of(v), json))
        .orElseThrow(() -> ProblemException.notFound("no order " + orderId)));
  }

  private Route confirm(String orderId) {
    return HttpEdge.rootMeta(SOURCE, meta -> Directives.onSuccess(orders.confirm(orderId, meta), this::decided));
  }

  private Route cancel(String orderId) {
    return HttpEdge.rootMeta(SOURCE, meta -> Directives.onSuccess(
        orders.cancel(orderId, "cancelled through the API", meta), this::decided));
  }

  private Route decided(OrderDecision d) {
    return switch (d.outcome()) {
      case DONE -> Directives.complete(StatusCodes.OK, OrderJson.of(d.order()), json);
      case IN_PROGRESS -> Directives.complete(StatusCodes.ACCEPTED, OrderJson.of(d.order()), json);
      case REFUSED -> throw ProblemException.conflict(d.detail());
      case NOT_FOUND -> throw ProblemException.notFound(d.detail());
    };
  }

  private Route list(String userId) {
    return Directives.onSuccess(orders.listForUser(userId), views ->
        Directives.complete(StatusCodes.OK, new OrderListJson(views.stream().map(OrderJson::of).toList()), json));
  }
}
