package org.linecommerce.conversation.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.conversation.http.ConversationHttp.generateBody;
import static org.linecommerce.conversation.http.ConversationHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.conversation.ConversationModule;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * {@code POST /api/v1/ai/generate} waits for a slow turn longer than the edge's request timeout,
 * and answers 503 (repeat with the same key) when even the generate timeout passes. The turn is
 * made slow for real: the node hosts conversations but no customer, so the turn's profile lookup
 * waits its whole lookup timeout before the answer degrades.
 */
class GenerateRouteTimeoutTest {

  private static InProcessCluster slowTurns(TestDatabase db, String generateTimeout) throws Exception {
    DomainModule conversation = new ConversationModule();
    return InProcessCluster.start(1, db, List.of(new CatalogModule(), new CustomerModule(), conversation),
        ConfigFactory.parseString("""
            linecommerce.node.roles = "conversation,catalog"
            linecommerce.catalog.seed = off
            linecommerce.http.request-timeout = 1s
            linecommerce.conversation.lookup-timeout = 2500ms
            linecommerce.conversation.generate-timeout = %s
            """.formatted(generateTimeout)));
  }

  @Test
  void aTurnSlowerThanTheEdgesRequestTimeoutIsStillAnswered() throws Exception {
    try (TestDatabase db = TestDatabase.h2(); InProcessCluster cluster = slowTurns(db, "15s")) {
      ConversationHttp http = new ConversationHttp(cluster.node(0).httpPort());
      // the edge gives other routes 1 s
      long started = System.nanoTime();
      HttpResponse<String> r = http.post("/api/v1/ai/generate", generateBody("Uslow1", "hello"));
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(tookMs).as("the turn waited for the customer's profile").isGreaterThan(1000);
      assertThat(json(r).path("response").asText()).isNotBlank();
    }
  }

  @Test
  void aTurnSlowerThanTheGenerateTimeoutIs503AskingToRepeatWithTheSameKey() throws Exception {
    try (TestDatabase db = TestDatabase.h2(); InProcessCluster cluster = slowTurns(db, "1200ms")) {
      ConversationHttp http = new ConversationHttp(cluster.node(0).httpPort());
      HttpResponse<String> r = http.post("/api/v1/ai/generate", generateBody("Uslow2", "hello"),
          Map.of("Idempotency-Key", "slow-2"));
      ConversationRoutesValidationTest.assertProblem(r, 503, "same Idempotency-Key");
      JsonNode problem = json(r);
      assertThat(problem.path("type").asText()).isEqualTo("urn:linecommerce:problem:conversation-unavailable");
      assertThat(problem.path("detail").asText()).contains("timeout");
    }
  }
}
