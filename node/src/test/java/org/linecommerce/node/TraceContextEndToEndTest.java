package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.DomainEvent;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.http.TraceContext;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * A caller's W3C {@code traceparent} reaches the events its request persists: read back from the
 * journal, not from the entity, on a whole node over real HTTP.
 */
class TraceContextEndToEndTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static TestDatabase db;
  private static InProcessCluster cluster;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, Main.modules(), ConfigFactory.parseString("linecommerce.catalog.seed = off"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  @Test
  void theCallersTraceparentAndCorrelationIdAreInTheMetaOfTheCustomerEventsItsRequestPersists() {
    String userId = "U" + "1".repeat(32);
    HttpResponse<String> created = send("PUT", "/api/v1/customers/" + userId, "Bearer dev-api-token", TRACEPARENT,
        "{\"displayName\":\"Aiko\",\"language\":\"ja\",\"preferences\":[],\"interests\":[\"tea\"]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    List<MessageMeta> metas = metas("Customer|" + userId);
    assertThat(metas).isNotEmpty().allSatisfy(meta -> {
      assertThat(meta.traceparent()).isEqualTo(TRACEPARENT);
      assertThat(meta.correlationId()).isEqualTo("trace-test-1");
    });
  }

  @Test
  void anInvalidTraceparentStartsANewTraceInsteadOfBeingStored() {
    String invalid = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"; // uppercase is not allowed
    HttpResponse<String> created = send("PUT", "/admin/products/trace-kite", "Bearer dev-admin-token", invalid,
        "{\"name\":{\"en\":\"Kite\"},\"price\":10,\"currency\":\"JPY\",\"stock\":1}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    List<MessageMeta> metas = metas("Product|trace-kite");
    assertThat(metas).isNotEmpty().allSatisfy(meta -> {
      assertThat(meta.traceparent()).isNotEqualToIgnoringCase(invalid);
      assertThat(TraceContext.parse(meta.traceparent())).hasValue(meta.traceparent());
    });
  }

  private static List<MessageMeta> metas(String persistenceId) {
    ActorSystem<?> system = cluster.system(0);
    JdbcReadJournal journal = PersistenceQuery.get(Adapter.toClassic(system))
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    try {
      return journal.currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
          .runWith(Sink.seq(), system)
          .toCompletableFuture().get(30, TimeUnit.SECONDS)
          .stream().map(EventEnvelope::event).map(e -> ((DomainEvent) e).meta()).toList();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<String> send(String method, String path, String authorization, String traceparent, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(0).httpPort() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", authorization)
        .header("X-Correlation-ID", "trace-test-1")
        .header("traceparent", traceparent)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }
}
