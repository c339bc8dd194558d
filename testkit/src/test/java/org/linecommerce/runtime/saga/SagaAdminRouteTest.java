package org.linecommerce.runtime.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.runtime.saga.TestSagas.awaitStatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.node.NodeContext;
import org.linecommerce.runtime.saga.TestSagas.LedgerInput;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** {@code GET /admin/sagas/{sagaId}} on a real node over real HTTP. */
class SagaAdminRouteTest {

  static final SagaDefinition<LedgerInput> THREE_STEPS = TestSagas.threeSteps(
      "route-three-steps", Duration.ofSeconds(3), RetryPolicy.exponential(2, Duration.ofMillis(50), Duration.ofMillis(200)));

  /** A module that registers its saga definition on every node, as real modules will. */
  static final DomainModule MODULE = new DomainModule() {
    @Override
    public String name() {
      return "saga-test";
    }

    @Override
    public String role() {
      return "gateway";
    }

    @Override
    public void init(NodeContext context) {
      Ledger.init(context.system());
      Sagas.get(context.system()).register(THREE_STEPS);
    }
  };

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void adminRouteAnswersStatusWithTimelineForAKnownSagaAnd404ProblemForAnUnknownId() throws Exception {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, List.of(MODULE))) {
      Node node = cluster.node(0);
      ActorSystem<Void> system = node.system();
      Sagas.get(system).start("route-1", THREE_STEPS, new LedgerInput("ledger-route"))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      awaitStatus(system, "route-1", Saga.Status.COMPLETED);

      HttpResponse<String> known = get(node, "/admin/sagas/route-1", "corr-known");
      assertThat(known.statusCode()).isEqualTo(200);
      assertThat(known.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
      JsonNode body = json.readTree(known.body());
      assertThat(body.path("sagaId").asText()).isEqualTo("route-1");
      assertThat(body.path("definition").asText()).isEqualTo("route-three-steps");
      assertThat(body.path("status").asText()).isEqualTo("completed");
      assertThat(body.path("currentStep").asText()).isEqualTo("step-3");
      JsonNode timeline = body.path("timeline");
      assertThat(timeline.size()).isEqualTo(8);
      assertThat(timeline.get(0).path("event").asText()).isEqualTo("saga.started");
      assertThat(timeline.get(1).path("event").asText()).isEqualTo("saga.step.started");
      assertThat(timeline.get(1).path("step").asText()).isEqualTo("step-1");
      assertThat(timeline.get(7).path("event").asText()).isEqualTo("saga.completed");
      assertThat(timeline.get(0).path("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

      HttpResponse<String> unknown = get(node, "/admin/sagas/no-such-saga", "corr-404");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
      JsonNode problem = json.readTree(unknown.body());
      assertThat(problem.path("type").isTextual()).isTrue();
      assertThat(problem.path("title").asText()).isEqualTo("Saga not found");
      assertThat(problem.path("status").asInt()).isEqualTo(404);
      assertThat(problem.path("detail").asText()).contains("no-such-saga");
      assertThat(problem.path("correlationId").asText()).isEqualTo("corr-404");
    }
  }

  private HttpResponse<String> get(Node node, String path, String correlationId) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        // /admin will require the admin bearer token once the HTTP edge lands; this is its dev default
        .header("Authorization", "Bearer dev-admin-token")
        .header("X-Correlation-ID", correlationId)
        .timeout(Duration.ofSeconds(15))
        .GET()
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
