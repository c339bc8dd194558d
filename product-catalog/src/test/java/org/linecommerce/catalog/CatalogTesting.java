package org.linecommerce.catalog;

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
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.resilience.AskResult;

/** Shared pieces of the catalog's node tests. */
final class CatalogTesting {

  static final String ADMIN_TOKEN = "Bearer dev-admin-token";
  static final Config SEED_OFF = ConfigFactory.parseString("linecommerce.catalog.seed = off");
  static final List<DomainModule> MODULES = List.of(new CatalogTestModule());
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private CatalogTesting() {}

  static ProductData product(String id, int stock) {
    return new ProductData(id, "SKU-" + id, "tea", Map.of("en", "Tea"), Map.of("en", "Product " + id),
        Map.of("en", "A product."), List.of("tea"), new BigDecimal("100"), "THB", stock);
  }

  static <T> T ok(AskResult<T> result) {
    if (result instanceof AskResult.Ok<T> ok) return ok.value();
    throw new AssertionError("expected a reply, got " + result);
  }

  static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Every event of {@code persistenceId} in the journal (read through the query side, not the entity). */
  static List<Object> journal(ActorSystem<?> system, String persistenceId) {
    JdbcReadJournal journal = PersistenceQuery.get(Adapter.toClassic(system))
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    List<EventEnvelope> envelopes = await(journal.currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
        .runWith(Sink.seq(), system));
    return envelopes.stream().map(EventEnvelope::event).toList();
  }

  static HttpResponse<String> send(Node node, String method, String path, String body, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", "application/json");
    if (authorization != null) request.header("Authorization", authorization);
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }

  static HttpResponse<String> admin(Node node, String method, String path, String body) {
    return send(node, method, path, body, ADMIN_TOKEN);
  }
}
