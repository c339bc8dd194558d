package org.linecommerce.conversation.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.conversation.http.ConversationHttp.generateBody;
import static org.linecommerce.conversation.http.ConversationHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * What the conversation routes refuse before any conversation is asked, over real HTTP on a real
 * node behind the HTTP edge: authentication, malformed bodies (400), invalid values (422), bad
 * query parameters and headers (400), every refusal as problem+json with the correlation id.
 */
class ConversationRoutesValidationTest {

  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static ConversationHttp http;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, List.of(new RoutesOnlyModule()), ConfigFactory.parseString("linecommerce.catalog.seed = off"));
    http = new ConversationHttp(cluster.node(0).httpPort());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private static final String GENERATE = "/api/v1/ai/generate";

  static void assertProblem(HttpResponse<String> r, int status, String detailContains) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.headers().firstValue("X-Correlation-ID")).hasValue(ConversationHttp.CORRELATION_ID);
    JsonNode body = json(r);
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("type").asText()).startsWith("urn:linecommerce:problem:");
    assertThat(body.path("correlationId").asText()).isEqualTo(ConversationHttp.CORRELATION_ID);
    if (detailContains != null) assertThat(body.path("detail").asText()).contains(detailContains);
  }

  @Test
  void everyRouteNeedsItsBearerToken() {
    assertProblem(http.send("POST", GENERATE, generateBody("U1", "hi"), null, Map.of()), 401, null);
    assertProblem(http.send("POST", GENERATE, generateBody("U1", "hi"), "Bearer wrong", Map.of()), 401, null);
    assertProblem(http.send("GET", "/api/v1/conversations/U1", null, null, Map.of()), 401, null);
    assertProblem(http.send("GET", "/api/v1/ai/providers/stats", null, null, Map.of()), 401, null);
    // the API token does not open /admin
    assertProblem(http.send("POST", "/admin/conversations/U1/handback", null, ConversationHttp.API_TOKEN, Map.of()), 401, null);
    assertThat(http.send("POST", "/admin/conversations/U1/handback", null, null, Map.of())
        .headers().firstValue("WWW-Authenticate")).isPresent();
  }

  @Test
  void aBodyThatIsNotAJsonObjectIs400() {
    assertProblem(http.post(GENERATE, "{\"userId\": "), 400, null);
    assertProblem(http.post(GENERATE, "hello"), 400, null);
    assertProblem(http.post(GENERATE, "[1,2]"), 400, "JSON object");
    assertProblem(http.post(GENERATE, "\"text\""), 400, "JSON object");
  }

  @ParameterizedTest(name = "{0} → 422 ({1})")
  @CsvSource(delimiter = '|', value = {
      "{\"message\":\"hi\"}| userId is required",
      "{\"userId\":\"bad id!\",\"message\":\"hi\"}| userId must be 1 to 64 characters",
      "{\"userId\":\"\",\"message\":\"hi\"}| userId must be 1 to 64 characters",
      "{\"userId\":7,\"message\":\"hi\"}| userId must be a string",
      "{\"userId\":\"U1\"}| message is required",
      "{\"userId\":\"U1\",\"message\":\"\"}| message is required",
      "{\"userId\":\"U1\",\"message\":\"  \\n\\t \"}| message is required",
      "{\"userId\":\"U1\",\"message\":42}| message must be a string",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"context\":\"ja\"}| context must be a JSON object",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"context\":{\"language\":\"fr\"}}| context.language must be a BCP 47 tag of en, ja, th",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"context\":{\"language\":\"zh-TW\"}}| got 'zh-TW'",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"context\":{\"language\":5}}| context.language must be a string",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"context\":{\"messageId\":5}}| context.messageId must be a string",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"options\":[]}| options must be a JSON object",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"options\":{\"provider\":\"gpt-4\"}}| options.provider must be one of local, openai, fallback",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"options\":{\"maxTokens\":0}}| options.maxTokens must be a whole number from 1 to 4096",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"options\":{\"maxTokens\":4097}}| options.maxTokens must be a whole number from 1 to 4096",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"options\":{\"maxTokens\":1.5}}| options.maxTokens",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"options\":{\"maxTokens\":\"100\"}}| options.maxTokens",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"options\":{\"temperature\":-0.1}}| options.temperature must be a number from 0 to 2",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"options\":{\"temperature\":2.01}}| options.temperature must be a number from 0 to 2",
      "{\"userId\":\"U1\",\"message\":\"hi\",\"options\":{\"temperature\":\"hot\"}}| options.temperature"})
  void invalidGenerateValuesAre422(String body, String detail) {
    assertProblem(http.post(GENERATE, body), 422, detail);
  }

  @Test
  void aUserIdLongerThan64Is422() {
    assertProblem(http.post(GENERATE, generateBody("U" + "a".repeat(64), "hi")), 422, "userId must be 1 to 64");
  }

  @Test
  void aMessageOf5001Utf16UnitsIs422() {
    assertProblem(http.post(GENERATE, generateBody("U1", "a".repeat(5001))), 422, "longer than 5000");
    // 2,501 emoji are 2,501 code points but 5,002 UTF-16 units
    assertProblem(http.post(GENERATE, generateBody("U1", "\uD83C\uDF75".repeat(2501))), 422, "5002");
  }

  @Test
  void anIdempotencyKeyOver128CharactersIs400() {
    assertProblem(http.post(GENERATE, generateBody("U1", "hi"), Map.of("Idempotency-Key", "k".repeat(129))), 400,
        "Idempotency-Key");
    assertProblem(http.post(GENERATE, generateBody("U1", "hi"), Map.of("Idempotency-Key", "   ")), 400, "Idempotency-Key");
  }

  @ParameterizedTest(name = "limit={0} → 400")
  @ValueSource(strings = {"0", "101", "-1", "ten", "1.5", ""})
  void aHistoryLimitOutside1To100Is400(String limit) {
    assertProblem(http.get("/api/v1/conversations/U1?limit=" + limit), 400, "'limit' must be a whole number from 1 to 100");
  }

  @Test
  void anInvalidUserIdInAPathIs422() {
    assertProblem(http.get("/api/v1/conversations/bad%20id!"), 422, "userId must be 1 to 64");
    assertProblem(http.get("/api/v1/conversations/" + "a".repeat(65)), 422, "userId must be 1 to 64");
    assertProblem(http.post("/admin/conversations/bad%20id!/handback", null), 422, "userId must be 1 to 64");
  }

  @Test
  void aHandbackBodyMustBeEmptyOrAJsonObject() {
    assertProblem(http.post("/admin/conversations/U1/handback", "{\"operator\":"), 400, "not well-formed JSON");
    assertProblem(http.post("/admin/conversations/U1/handback", "[\"ops\"]"), 400, "JSON object");
    assertProblem(http.post("/admin/conversations/U1/handback", "{\"operator\":5}"), 422, "operator must be a string");
    assertProblem(http.post("/admin/conversations/U1/handback", "{\"operator\":\"" + "o".repeat(101) + "\"}"), 422,
        "operator must be at most 100");
  }

  @Test
  void aConversationThatDoesNotAnswerIs503AskingToRepeatWithTheSameKey() {
    // this node runs the routes but no Conversation sharding: every ask fails
    HttpResponse<String> r = http.post(GENERATE, generateBody("U503", "hello"), Map.of("Idempotency-Key", "k-503"));
    assertProblem(r, 503, "Idempotency-Key");
    assertThat(json(r).path("type").asText()).isEqualTo("urn:linecommerce:problem:conversation-unavailable");
    assertProblem(http.get("/api/v1/conversations/U503"), 503, "did not answer");
    assertProblem(http.post("/admin/conversations/U503/handback", null), 503, "did not answer");
  }

  @Test
  void providerStatsListEachProviderWithItsFigures() {
    HttpResponse<String> r = http.get("/api/v1/ai/providers/stats");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode providers = json(r).path("providers");
    assertThat(providers.isArray()).as(r.body()).isTrue();
    for (JsonNode p : providers) {
      assertThat(p.path("name").isTextual()).isTrue();
      for (String field : List.of("requests", "failures", "p50Ms", "p95Ms", "promptTokens", "completionTokens")) {
        assertThat(p.path(field).isNumber()).as(field + " in " + p).isTrue();
      }
      assertThat(p.path("breaker").asText()).isIn("closed", "open", "half-open");
    }
  }

  @Test
  void theGenerateRouteWaitsLongerThanTheEdgeButAnswersBeforeTheConnectionGoesIdle() {
    com.typesafe.config.Config config = cluster.system(0).settings().config();
    Duration edge = config.getDuration("pekko.http.server.request-timeout");
    Duration generate = config.getDuration("linecommerce.conversation.generate-timeout");
    Duration route = ConversationRoutes.generateRouteTimeout(config, generate);
    assertThat(generate).isEqualTo(Duration.ofSeconds(60));
    assertThat(route).isEqualTo(Duration.ofSeconds(65)).isGreaterThan(edge);
    assertThat(route).isLessThan(config.getDuration("pekko.http.server.idle-timeout"));
    // a deployment whose idle timeout is too short gets the route answering just before it
    assertThat(ConversationRoutes.generateRouteTimeout(
        ConfigFactory.parseString("pekko.http.server.idle-timeout = 30s"), generate)).isEqualTo(Duration.ofSeconds(29));
  }
}
