package org.linecommerce.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.failWith;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameter;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.runtime.http.EdgeServer.ADMIN_TOKEN;
import static org.linecommerce.runtime.http.EdgeServer.API_TOKEN;
import static org.linecommerce.runtime.http.EdgeServer.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.StringUnmarshallers;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HttpEdgeTest {

  private static final String SECRET = "jdbc:postgresql://db/prod?password=hunter2";
  private static final int ONE_MIB = 1024 * 1024;
  private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private static EdgeServer server;

  /** A request DTO that validates itself, as domain DTOs do. */
  record Greeting(String name, int count) {
    Greeting {
      if (count < 0) throw new IllegalArgumentException("count must not be negative");
    }
  }

  @BeforeAll
  static void start() throws Exception {
    // the default 1 MiB body limit; rate limits out of the way (HttpEdgeRateLimitTest covers them)
    server = EdgeServer.start(
        Map.of("linecommerce.http.rate-limit.requests-per-second", 10_000,
            "linecommerce.http.rate-limit.burst", 10_000),
        HttpEdgeTest::routes);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static Route routes(ActorSystem<?> system) {
    return concat(
        pathPrefix("api", () -> pathPrefix("v1", () -> concat(
            path("echo", () -> post(() ->
                entity(Json.unmarshaller(system, Greeting.class), g -> complete(StatusCodes.OK, g, Json.marshaller(system))))),
            path("upload", () -> post(() ->
                entity(Unmarshaller.entityToString(), s -> complete("received " + s.length() + " bytes")))),
            path("upload-stream", () -> post(() -> extractRequestEntity(e -> extractMaterializer(m ->
                onSuccess(e.getDataBytes().runFold(0L, (n, bytes) -> n + bytes.size(), m),
                    n -> complete("streamed " + n + " bytes")))))),
            path("items", () -> get(() ->
                parameter(StringUnmarshallers.INTEGER, "limit", limit -> complete("limit " + limit)))),
            path("only-get", () -> get(() -> complete("got it"))),
            path("boom", () -> get(() -> {
              throw new IllegalStateException("cannot connect to " + SECRET);
            })),
            path("boom-async", () -> get(() -> completeWithFuture(
                CompletableFuture.supplyAsync(() -> {
                  throw new IllegalStateException("cannot connect to " + SECRET);
                })))),
            path("missing-product", () -> get(() ->
                Problems.complete(StatusCodes.NOT_FOUND, "Product not found", "No product 'p-404'."))),
            path("confirmed-order", () -> post(() ->
                onSuccess(CompletableFuture.supplyAsync(() -> {
                  throw ProblemException.conflict("Order o-1 is already confirmed.");
                }), ignored -> complete("never")))),
            path("rule", () -> post(() -> failWith(ProblemException.unprocessable("Quantity exceeds the stock.")))),
            path("correlation", () -> get(() -> HttpEdge.correlationId(id -> complete(id))))))),
        pathPrefix("admin", () -> path("ping", () -> get(() -> complete("admin ok")))),
        path("webhook", () -> post(() -> entity(Unmarshaller.entityToString(), body -> complete("webhook ok")))),
        path("plain-error", () -> get(() -> complete(StatusCodes.BAD_GATEWAY, "upstream refused"))));
  }

  private static HttpResponse<String> postJson(String path, String json) throws Exception {
    return server.send(server.request(path)
        .header("Authorization", "Bearer " + API_TOKEN)
        .header("Content-Type", "application/json")
        .POST(BodyPublishers.ofString(json)));
  }

  // --- 400 ---------------------------------------------------------------------------------

  @Test
  void malformedJsonBodyIsA400Problem() throws Exception {
    JsonNode problem = assertProblem(postJson("/api/v1/echo", "{\"name\": \"Aiko\", "), 400);
    assertThat(problem.path("type").asText()).isEqualTo("urn:linecommerce:problem:malformed-body");
    assertThat(problem.path("detail").asText()).contains("not well-formed JSON").doesNotContain("Greeting");
  }

  @Test
  void jsonOfTheWrongShapeIsA400ProblemNamingTheField() throws Exception {
    JsonNode problem = assertProblem(postJson("/api/v1/echo", "{\"name\": \"Aiko\", \"count\": \"many\"}"), 400);
    assertThat(problem.path("detail").asText()).contains("'count'").doesNotContain("org.linecommerce");
  }

  @Test
  void validationMessageOfADtoConstructorIsA400Problem() throws Exception {
    JsonNode problem = assertProblem(postJson("/api/v1/echo", "{\"name\": \"Aiko\", \"count\": -1}"), 400);
    assertThat(problem.path("detail").asText()).contains("count must not be negative");
  }

  @Test
  void wellFormedJsonIsHandedToTheRoute() throws Exception {
    HttpResponse<String> response = postJson("/api/v1/echo", "{\"name\": \"Aiko\", \"count\": 2}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"name\":\"Aiko\"");
  }

  @Test
  void missingQueryParameterIsA400Problem() throws Exception {
    JsonNode problem = assertProblem(server.get("/api/v1/items", API_TOKEN), 400);
    assertThat(problem.path("detail").asText()).contains("'limit'");
  }

  @Test
  void invalidQueryParameterIsA400Problem() throws Exception {
    JsonNode problem = assertProblem(server.get("/api/v1/items?limit=lots", API_TOKEN), 400);
    assertThat(problem.path("detail").asText()).contains("'limit'");
    assertThat(server.get("/api/v1/items?limit=5", API_TOKEN).body()).isEqualTo("limit 5");
  }

  // --- 401 ---------------------------------------------------------------------------------

  @Test
  void missingBearerTokenIsA401ProblemWithChallenge() throws Exception {
    HttpResponse<String> response = server.get("/api/v1/only-get", null);
    assertProblem(response, 401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
        assertThat(v).startsWith("Bearer").contains("realm=\"api\""));
  }

  @Test
  void wrongBearerTokenIsA401ProblemWithInvalidTokenChallenge() throws Exception {
    HttpResponse<String> response = server.get("/api/v1/only-get", "not-the-token");
    assertProblem(response, 401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
        assertThat(v).startsWith("Bearer").contains("invalid_token"));
  }

  @Test
  void adminTokenDoesNotOpenTheApi() throws Exception {
    assertProblem(server.get("/api/v1/only-get", ADMIN_TOKEN), 401);
  }

  @Test
  void apiTokenDoesNotOpenAdmin() throws Exception {
    assertProblem(server.get("/admin/ping", API_TOKEN), 401);
    assertProblem(server.get("/admin/ping", null), 401);
    assertThat(server.get("/admin/ping", ADMIN_TOKEN).body()).isEqualTo("admin ok");
  }

  @Test
  void apiTokenOpensTheApi() throws Exception {
    HttpResponse<String> response = server.get("/api/v1/only-get", API_TOKEN);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("got it");
  }

  @Test
  void protectedPrefixIsRecognisedHoweverThePathIsSpelled() throws Exception {
    assertProblem(server.get("/api/v%31/only-get", null), 401);
    assertProblem(server.get("/API/v1/only-get", null), 401);
  }

  @Test
  void pathsOutsideApiAndAdminNeedNoToken() throws Exception {
    HttpResponse<String> response = server.send(server.request("/webhook").POST(BodyPublishers.ofString("{}")));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("webhook ok");
  }

  // --- 404, 405, 415 -----------------------------------------------------------------------

  @Test
  void unknownPathIsA404Problem() throws Exception {
    assertProblem(server.get("/nowhere", null), 404);
    assertProblem(server.get("/api/v1/nowhere", API_TOKEN), 404);
  }

  @Test
  void wrongMethodIsA405ProblemWithAllow() throws Exception {
    HttpResponse<String> response = server.send(server.request("/api/v1/only-get")
        .header("Authorization", "Bearer " + API_TOKEN)
        .DELETE());
    assertProblem(response, 405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void unsupportedContentTypeIsA415Problem() throws Exception {
    HttpResponse<String> response = server.send(server.request("/api/v1/echo")
        .header("Authorization", "Bearer " + API_TOKEN)
        .header("Content-Type", "text/plain")
        .POST(BodyPublishers.ofString("name=Aiko")));
    JsonNode problem = assertProblem(response, 415);
    assertThat(problem.path("detail").asText()).contains("application/json");
  }

  // --- 413 ---------------------------------------------------------------------------------

  @Test
  void bodyDeclaredLargerThanTheLimitIsA413Problem() throws Exception {
    byte[] body = new byte[ONE_MIB + 1];
    Arrays.fill(body, (byte) ' ');
    HttpResponse<String> response = server.send(server.request("/api/v1/echo")
        .header("Authorization", "Bearer " + API_TOKEN)
        .header("Content-Type", "application/json")
        .POST(BodyPublishers.ofByteArray(body)));
    JsonNode problem = assertProblem(response, 413);
    assertThat(problem.path("detail").asText()).contains(String.valueOf(ONE_MIB));
  }

  @Test
  void chunkedBodyGrowingPastTheLimitIsA413Problem() throws Exception {
    assertProblem(postChunked("/api/v1/echo", ONE_MIB + ONE_MIB / 2), 413);
  }

  @Test
  void chunkedBodyGrowingPastTheLimitIsA413ProblemAlsoForRoutesReadingTheStream() throws Exception {
    assertProblem(postChunked("/api/v1/upload-stream", ONE_MIB + ONE_MIB / 2), 413);
  }

  @Test
  void chunkedBodyWithinTheLimitIsAccepted() throws Exception {
    HttpResponse<String> response = postChunked("/api/v1/upload", ONE_MIB / 2);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("received " + ONE_MIB / 2 + " bytes");
  }

  private static HttpResponse<String> postChunked(String path, int size) throws Exception {
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) ' ');
    // an InputStream publisher has no known length, so the client sends Transfer-Encoding: chunked
    return server.send(server.request(path)
        .header("Authorization", "Bearer " + API_TOKEN)
        .header("Content-Type", "application/json")
        .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
  }

  // --- 500 and domain problems -------------------------------------------------------------

  @Test
  void uncaughtExceptionIsA500ProblemThatDoesNotLeakItsMessage() throws Exception {
    for (String path : new String[] {"/api/v1/boom", "/api/v1/boom-async"}) {
      HttpResponse<String> response = server.get(path, API_TOKEN);
      JsonNode problem = assertProblem(response, 500);
      assertThat(problem.path("type").asText()).isEqualTo("urn:linecommerce:problem:internal-error");
      assertThat(response.body()).doesNotContain("hunter2", "jdbc", "IllegalStateException", "at org.");
    }
  }

  @Test
  void routesAnswerDomainErrorsAsProblemsWithTheCorrelationId() throws Exception {
    HttpResponse<String> response = server.send(server.request("/api/v1/missing-product")
        .header("Authorization", "Bearer " + API_TOKEN)
        .header(CorrelationId.HEADER, "trace-7"));
    JsonNode problem = assertProblem(response, 404);
    assertThat(problem.path("title").asText()).isEqualTo("Product not found");
    assertThat(problem.path("detail").asText()).isEqualTo("No product 'p-404'.");
    assertThat(problem.path("correlationId").asText()).isEqualTo("trace-7");
  }

  @Test
  void problemExceptionFromAFailedFutureKeepsItsStatusAndDetail() throws Exception {
    JsonNode problem = assertProblem(postJson("/api/v1/confirmed-order", "{}"), 409);
    assertThat(problem.path("detail").asText()).isEqualTo("Order o-1 is already confirmed.");
    JsonNode rule = assertProblem(postJson("/api/v1/rule", "{}"), 422);
    assertThat(rule.path("detail").asText()).isEqualTo("Quantity exceeds the stock.");
  }

  @Test
  void plainTextErrorsOfInnerRoutesBecomeProblems() throws Exception {
    JsonNode problem = assertProblem(server.get("/plain-error", null), 502);
    assertThat(problem.path("detail").asText()).isEqualTo("upstream refused");
  }

  // --- correlation id ----------------------------------------------------------------------

  @Test
  void correlationIdIsEchoedWhenGiven() throws Exception {
    HttpResponse<String> response = server.send(server.request("/api/v1/correlation")
        .header("Authorization", "Bearer " + API_TOKEN)
        .header(CorrelationId.HEADER, "order-42.retry:1"));
    assertThat(response.headers().firstValue(CorrelationId.HEADER)).hasValue("order-42.retry:1");
    assertThat(response.body()).isEqualTo("order-42.retry:1");
  }

  @Test
  void correlationIdIsGeneratedWhenAbsent() throws Exception {
    HttpResponse<String> response = server.get("/api/v1/correlation", API_TOKEN);
    String id = response.headers().firstValue(CorrelationId.HEADER).orElseThrow();
    assertThat(id).matches(UUID_PATTERN);
    assertThat(response.body()).isEqualTo(id);
  }

  @Test
  void maliciousCorrelationIdIsReplaced() throws Exception {
    for (String malicious : new String[] {"<script>alert(1)</script>", "a".repeat(129), "id with spaces", "x\ty"}) {
      HttpResponse<String> response = server.send(server.request("/api/v1/correlation")
          .header("Authorization", "Bearer " + API_TOKEN)
          .header(CorrelationId.HEADER, malicious));
      String id = response.headers().firstValue(CorrelationId.HEADER).orElseThrow();
      assertThat(id).isNotEqualTo(malicious).matches(UUID_PATTERN);
      assertThat(response.body()).as("what inner routes see").isEqualTo(id);
    }
  }

  @Test
  void correlationIdIsEchoedOnErrorResponses() throws Exception {
    String id = "err-" + UUID.randomUUID();
    for (String path : new String[] {"/nowhere", "/api/v1/only-get", "/api/v1/boom"}) {
      HttpResponse<String> response = server.send(server.request(path)
          .header(CorrelationId.HEADER, id)
          .header("Authorization", "Bearer " + (path.equals("/api/v1/only-get") ? "wrong" : API_TOKEN)));
      assertThat(response.statusCode()).isGreaterThanOrEqualTo(400);
      assertThat(response.headers().allValues(CorrelationId.HEADER)).containsExactly(id);
      assertThat(assertProblem(response, response.statusCode()).path("correlationId").asText()).isEqualTo(id);
    }
  }
}
