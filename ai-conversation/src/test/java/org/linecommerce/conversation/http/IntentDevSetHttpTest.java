package org.linecommerce.conversation.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.conversation.ConversationModule;
import org.linecommerce.conversation.ConversationTesting;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * The intent dev set ({@code shared/catalog/intents-dev.json}) as its header asks: {@code POST
 * /api/v1/ai/generate} with {@code {userId, message}} on a real node answers every utterance with
 * its {@code intent} and {@code language}, and every answer has the shape INTERFACES.md gives.
 */
class IntentDevSetHttpTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static TestDatabase db;
  static InProcessCluster cluster;

  @BeforeAll
  static void start() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, List.of(new CatalogModule(), new CustomerModule(), new ConversationModule()));
    ConversationTesting.awaitCatalog(cluster.system(0));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  /** {@code shared/catalog/intents-dev.json} beside the repository when it is there, else the copy bundled with the tests. */
  static JsonNode devSet() throws java.io.IOException {
    for (String candidate : List.of("../shared/catalog/intents-dev.json", "../../shared/catalog/intents-dev.json")) {
      Path p = Path.of(System.getProperty("user.dir")).resolve(candidate).normalize();
      if (Files.exists(p)) return JSON.readTree(p.toFile());
    }
    try (var in = IntentDevSetHttpTest.class.getResourceAsStream("/conversation/intents-dev.json")) {
      assertThat(in).as("intents-dev.json beside the repository or bundled with the tests").isNotNull();
      return JSON.readTree(in);
    }
  }

  static HttpResponse<String> generate(Node node, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/ai/generate"))
            .header("Authorization", "Bearer dev-api-token")
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyDevUtteranceGetsItsIntentAndLanguageOverHttp() throws Exception {
    JsonNode set = devSet();
    List<String> misses = new ArrayList<>();
    int i = 0;
    for (JsonNode u : set.path("utterances")) {
      ObjectNode body = JSON.createObjectNode();
      body.put("userId", "U-devset-" + (i++)); // one user per utterance: no dialogue context
      body.put("message", u.path("text").asText());
      HttpResponse<String> response = generate(cluster.node(0), body.toString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode answer = JSON.readTree(response.body());
      assertThat(answer.path("response").asText()).as("response to %s", u).isNotBlank();
      assertThat(answer.has("provider") && answer.has("confidence") && answer.has("products")
          && answer.has("quickReplies") && answer.has("mode") && answer.has("processingTimeMs")).as(response.body()).isTrue();
      assertThat(answer.path("quickReplies").size()).isLessThanOrEqualTo(4);
      if (!u.path("intent").asText().equals(answer.path("intent").asText())
          || !u.path("lang").asText().equals(answer.path("language").asText())) {
        misses.add(u.path("text").asText() + " → " + answer.path("intent").asText() + "/" + answer.path("language").asText()
            + " (expected " + u.path("intent").asText() + "/" + u.path("lang").asText() + ")");
      }
    }
    assertThat(i).isEqualTo(27);
    assertThat(misses).as("misses").isEmpty();
  }
}
