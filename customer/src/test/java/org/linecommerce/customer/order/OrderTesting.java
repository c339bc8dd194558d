package org.linecommerce.customer.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.resilience.AskResult;

/** Shared pieces of the order tests. */
final class OrderTesting {

  static final String API_TOKEN = "Bearer dev-api-token";
  static final Config SEED_OFF = ConfigFactory.parseString("linecommerce.catalog.seed = off");
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();

  private OrderTesting() {}

  static List<DomainModule> modules() {
    return List.of(new CatalogModule(), new OrderTestModule());
  }

  static Config ttl(String ttl) {
    return ConfigFactory.parseString(
        "linecommerce.orders.reservation-ttl = " + ttl + "\nlinecommerce.catalog.reservation-ttl = " + ttl)
        .withFallback(SEED_OFF);
  }

  static ProductData product(String id, int stock, String price) {
    return new ProductData(id, "SKU-" + id, "tea", Map.of("en", "Tea"), Map.of("en", "Product " + id),
        Map.of("en", "A product."), List.of("tea"), new BigDecimal(price), "THB", stock);
  }

  static <T> T ok(AskResult<T> result) {
    if (result instanceof AskResult.Ok<T> ok) return ok.value();
    throw new AssertionError("expected a reply, got " + result);
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Every event of {@code persistenceId}, read through the query side. */
  static List<Object> journal(org.apache.pekko.actor.typed.ActorSystem<?> system, String persistenceId) {
    return await(readJournal(system).currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
        .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), system))
        .stream().map(org.apache.pekko.persistence.query.EventEnvelope::event).toList();
  }

  /** The events carrying {@code tag}. */
  static List<Object> tagged(org.apache.pekko.actor.typed.ActorSystem<?> system, String tag) {
    return await(readJournal(system).currentEventsByTag(tag, org.apache.pekko.persistence.query.Offset.noOffset())
        .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), system))
        .stream().map(org.apache.pekko.persistence.query.EventEnvelope::event).toList();
  }

  private static org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal readJournal(
      org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return org.apache.pekko.persistence.query.PersistenceQuery.get(
            org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
        .getReadJournalFor(org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal.class,
            org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal.Identifier());
  }

  static HttpResponse<String> send(Node node, String method, String path, String body, String key, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", "application/json");
    if (key != null) request.header("Idempotency-Key", key);
    if (authorization != null) request.header("Authorization", authorization);
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }

  static HttpResponse<String> api(Node node, String method, String path, String body, String key) {
    return send(node, method, path, body, key, API_TOKEN);
  }

  static HttpResponse<String> placeOrder(Node node, String key, String userId, String... productAndQuantity) {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < productAndQuantity.length; i += 2) {
      if (i > 0) items.append(',');
      items.append("{\"productId\":\"").append(productAndQuantity[i]).append("\",\"quantity\":")
          .append(productAndQuantity[i + 1]).append('}');
    }
    return api(node, "POST", "/api/v1/orders", "{\"userId\":\"" + userId + "\",\"items\":[" + items + "]}", key);
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  static JsonNode order(Node node, String orderId) {
    HttpResponse<String> r = api(node, "GET", "/api/v1/orders/" + orderId, null, null);
    if (r.statusCode() != 200) throw new AssertionError("GET order " + orderId + ": " + r.statusCode() + " " + r.body());
    return json(r);
  }

  static String status(Node node, String orderId) {
    return order(node, orderId).path("status").asText();
  }
}
