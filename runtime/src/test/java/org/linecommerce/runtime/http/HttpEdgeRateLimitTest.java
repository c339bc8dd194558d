package org.linecommerce.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.runtime.http.EdgeServer.API_TOKEN;
import static org.linecommerce.runtime.http.EdgeServer.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The edge's rate limit over real HTTP, with a bucket of 3 refilled at 1 request per second. Each
 * test first spends its client's bucket, so the tests do not depend on their order.
 */
@Timeout(60)
class HttpEdgeRateLimitTest {

  private static final int BURST = 3;
  private static EdgeServer server;

  @BeforeAll
  static void start() throws Exception {
    server = EdgeServer.start(
        Map.of("linecommerce.http.rate-limit.requests-per-second", 1,
            "linecommerce.http.rate-limit.burst", BURST),
        system -> concat(
            path("health", () -> complete("up")),
            path("metrics", () -> complete("# metrics")),
            path("webhook", () -> complete("webhook")),
            path("public", () -> complete("public")),
            pathPrefix("api", () -> pathPrefix("v1", () -> path("ping", () -> complete("pong"))))));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** Sends requests until one is refused; returns it and asserts the burst was allowed first. */
  private static HttpResponse<String> exhaust(String path, String token) throws Exception {
    int allowed = 0;
    for (int i = 0; i < 50; i++) {
      HttpResponse<String> response = server.get(path, token);
      if (response.statusCode() == 429) {
        assertThat(allowed).as("requests allowed before the first 429").isLessThanOrEqualTo(BURST + 1);
        return response;
      }
      assertThat(response.statusCode()).isEqualTo(200);
      allowed++;
    }
    throw new AssertionError("no 429 after 50 requests");
  }

  @Test
  void exceedingTheRateLimitIsA429ProblemWithRetryAfter() throws Exception {
    HttpResponse<String> refused = exhaust("/public", null);
    JsonNode problem = assertProblem(refused, 429);
    assertThat(problem.path("type").asText()).isEqualTo("urn:linecommerce:problem:rate-limited");
    assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(seconds ->
        assertThat(Long.parseLong(seconds)).isBetween(1L, 2L));
  }

  @Test
  void healthAndMetricsAreExemptFromTheRateLimit() throws Exception {
    exhaust("/public", null);
    for (int i = 0; i < BURST * 3; i++) {
      assertThat(server.get("/health", null).statusCode()).isEqualTo(200);
      assertThat(server.get("/metrics", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void linesWebhookIsExemptFromThePerClientLimit() throws Exception {
    // LINE sends a busy channel's webhooks from a few unpublished addresses; the route checks the signature
    exhaust("/public", null);
    for (int i = 0; i < BURST * 3; i++) {
      assertThat(server.get("/webhook", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void twoClientsWithTheSameApiTokenHaveIndependentBuckets() throws Exception {
    Map<String, String> token = Map.of("Authorization", "Bearer " + API_TOKEN);
    // client A (127.0.0.1) spends its bucket on the API
    assertProblem(exhaust("/api/v1/ping", API_TOKEN), 429);
    assertThat(server.statusFrom("127.0.0.1", "/api/v1/ping", token)).isEqualTo(429);
    // client B (127.0.0.2), same token, still has its whole burst
    for (int i = 0; i < BURST; i++) {
      assertThat(server.statusFrom("127.0.0.2", "/api/v1/ping", token)).as("client B request %d", i).isEqualTo(200);
    }
    int refusedB = 0;
    for (int i = 0; i < 10 && refusedB == 0; i++) {
      if (server.statusFrom("127.0.0.2", "/api/v1/ping", token) == 429) refusedB++;
    }
    assertThat(refusedB).as("client B is limited on its own").isEqualTo(1);
  }

  @Test
  void madeUpBearerTokensDoNotEscapeTheAddressBucket() throws Exception {
    exhaust("/public", null);
    assertProblem(server.get("/public", "made-up-token-1"), 429);
    assertProblem(server.get("/public", "made-up-token-2"), 429);
  }

  @Test
  void clientIdAndForwardedHeadersAreIgnoredUnlessTheProxyIsTrusted() throws Exception {
    exhaust("/public", null);
    assertThat(server.statusFrom("127.0.0.1", "/public", Map.of("X-Client-ID", "someone-else"))).isEqualTo(429);
    assertThat(server.statusFrom("127.0.0.1", "/public", Map.of("X-Forwarded-For", "203.0.113.9"))).isEqualTo(429);
  }

  @Test
  void behindATrustedProxyEachClientIdAndForwardedAddressHasItsOwnBucket() throws Exception {
    try (EdgeServer proxied = EdgeServer.start(
        Map.of("linecommerce.http.rate-limit.requests-per-second", 1,
            "linecommerce.http.rate-limit.burst", BURST,
            "linecommerce.http.rate-limit.trust-forwarded-headers", true),
        system -> path("public", () -> complete("public")))) {
      // every request comes from the proxy's address, 127.0.0.1
      assertThat(spend(proxied, Map.of("X-Client-ID", "partner-a"))).isEqualTo(BURST);
      assertThat(proxied.statusFrom("127.0.0.1", "/public", Map.of("X-Client-ID", "partner-a"))).isEqualTo(429);
      assertThat(spend(proxied, Map.of("X-Client-ID", "partner-b"))).as("partner-b has its own bucket").isEqualTo(BURST);
      assertThat(spend(proxied, Map.of("X-Forwarded-For", "203.0.113.7"))).isEqualTo(BURST);
      assertThat(spend(proxied, Map.of("X-Forwarded-For", "203.0.113.8"))).as("another forwarded address").isEqualTo(BURST);
    }
  }

  /** Requests allowed from {@code headers}' client until the first 429. */
  private static int spend(EdgeServer target, Map<String, String> headers) throws Exception {
    for (int allowed = 0; allowed < 50; allowed++) {
      if (target.statusFrom("127.0.0.1", "/public", headers) == 429) return allowed;
    }
    throw new AssertionError("no 429 after 50 requests");
  }
}
