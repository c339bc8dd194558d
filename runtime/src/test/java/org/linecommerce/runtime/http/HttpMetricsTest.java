package org.linecommerce.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.runtime.http.EdgeServer.API_TOKEN;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.pattern.Patterns;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linecommerce.runtime.health.Metrics;

/** Every request behind the edge is counted by method, route template (never the raw path) and final status. */
@Timeout(60)
class HttpMetricsTest {

  private static EdgeServer server;

  @BeforeAll
  static void start() throws Exception {
    server = EdgeServer.start(
        Map.of("linecommerce.http.request-timeout", "700ms"),
        system -> pathPrefix("api", () -> pathPrefix("v1", () -> concat(
            pathPrefix("orders", () -> concat(
                path(PathMatchers.segment(), id -> complete("order " + id)),
                path(PathMatchers.segment().slash("confirm"), id -> onSuccess(
                    Patterns.after(Duration.ofSeconds(3), system.classicSystem().scheduler(), system.executionContext(),
                        () -> CompletableFuture.completedFuture("late")),
                    text -> complete(text))))),
            // a route with its own, longer request timeout answers after the edge's default
            path(PathMatchers.segment("ai").slash("generate"), () -> withRequestTimeout(Duration.ofSeconds(5), () ->
                onSuccess(Patterns.after(Duration.ofMillis(1500), system.classicSystem().scheduler(),
                        system.executionContext(), () -> CompletableFuture.completedFuture("generated")),
                    text -> complete(text))))))));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
      "/webhook, /webhook",
      "/, /",
      "/api/v1/customers/U4af4980629, /api/v1/customers/{id}",
      "/api/v1/customers/U4af4980629/orders, /api/v1/customers/{id}/orders",
      "/api/v1/products/recommendations, /api/v1/products/recommendations",
      "/api/v1/products/matcha-powder-1, /api/v1/products/{id}",
      "/api/v1/orders/ord-123/confirm, /api/v1/orders/{id}/confirm",
      "/admin/dead-letters/42/retry, /admin/dead-letters/{id}/retry",
      "/admin/products/import, /admin/products/import",
      "/dev/chat/app.js, /dev/chat/**",
      "/dev/dashboard, /dev/dashboard",
      "/api/v1/orders/ord-123/refund, unmatched",
      "/api/v1/customers//orders, unmatched",
      "/api/v1/products/, unmatched",
      "/wp-login.php, unmatched",
      "/api/v1/customers/U1/orders/extra, unmatched",
      "/metrics/, unmatched",
      "relative, unmatched"})
  void theRouteLabelIsTheTemplateOrUnmatched(String path, String label) {
    assertThat(HttpMetrics.route(path)).isEqualTo(label);
  }

  @Test
  void everyRouteTemplateLabelsItself() {
    for (String route : HttpMetrics.ROUTES) {
      String sample = route.replace("{id}", "x1").replace("**", "a/b");
      assertThat(HttpMetrics.route(sample)).as(sample).isEqualTo(route);
    }
  }

  @Test
  void requestsAreCountedByTemplateAndFinalStatus() throws Exception {
    assertThat(server.get("/api/v1/orders/ord-1", API_TOKEN).statusCode()).isEqualTo(200);
    assertThat(server.get("/api/v1/orders/ord-2", API_TOKEN).statusCode()).isEqualTo(200);
    assertThat(server.get("/api/v1/orders/ord-3", null).statusCode()).isEqualTo(401);
    assertThat(server.get("/no/such/path-" + System.nanoTime(), null).statusCode()).isEqualTo(404);
    assertThat(server.get("/api/v1/orders/ord-4/confirm", API_TOKEN).statusCode()).isEqualTo(503);
    assertThat(server.get("/api/v1/ai/generate", API_TOKEN).statusCode()).isEqualTo(200);

    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInSameThread().untilAsserted(() -> {
      assertThat(count("GET", "/api/v1/orders/{id}", "200")).isEqualTo(2);
      assertThat(count("GET", "/api/v1/orders/{id}", "401")).isEqualTo(1);
      assertThat(count("GET", "unmatched", "404")).isEqualTo(1);
      assertThat(count("GET", "/api/v1/orders/{id}/confirm", "503")).isEqualTo(1);
      assertThat(count("GET", "/api/v1/ai/generate", "200")).as("a route's own longer timeout is respected").isEqualTo(1);
    });
    assertThat(count("GET", "/api/v1/ai/generate", "503")).isZero();
    // the timed-out route's late answer (after 3 s) is not counted a second time
    Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).pollInSameThread()
        .until(() -> count("GET", "/api/v1/orders/{id}/confirm", "200") == 0
            && count("GET", "/api/v1/orders/{id}/confirm", "503") == 1);

    String scraped = Metrics.get(server.system).registry().scrape();
    assertThat(scraped)
        .contains("http_server_requests_seconds_bucket{")
        .contains("route=\"/api/v1/orders/{id}\"")
        .doesNotContain("ord-1");
  }

  private static long count(String method, String route, String status) {
    Timer timer = Metrics.get(server.system).registry().find("http_server_requests")
        .tags("method", method, "route", route, "status", status).timer();
    return timer == null ? 0 : timer.count();
  }
}
