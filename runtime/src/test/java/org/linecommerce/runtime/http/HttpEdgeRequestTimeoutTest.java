package org.linecommerce.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.runtime.http.EdgeServer.API_TOKEN;
import static org.linecommerce.runtime.http.EdgeServer.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A route slower than the configured request timeout is answered in time with problem+json. */
@Timeout(60)
class HttpEdgeRequestTimeoutTest {

  private static EdgeServer server;

  @BeforeAll
  static void start() throws Exception {
    server = EdgeServer.start(
        Map.of("linecommerce.http.request-timeout", "700ms"),
        system -> concat(
            // answers after 5 s, timed by Pekko's scheduler: far past the request timeout
            path("slow", () -> onSuccess(
                Patterns.after(Duration.ofSeconds(5), system.classicSystem().scheduler(), system.executionContext(),
                    () -> CompletableFuture.completedFuture("late")),
                text -> complete(text))),
            path("fast", () -> complete("fast"))));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void theConfiguredRequestTimeoutBecomesPekkosServerTimeout() {
    assertThat(server.system.settings().config().getDuration("pekko.http.server.request-timeout"))
        .isEqualTo(Duration.ofMillis(700));
  }

  @Test
  void aRouteSlowerThanTheRequestTimeoutIsA503ProblemWithTheCorrelationId() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = server.send(server.request("/slow")
        .header("X-Correlation-ID", "slow-request-1").header("Authorization", "Bearer " + API_TOKEN).GET());
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    JsonNode problem = assertProblem(response, 503);
    assertThat(problem.path("type").asText()).isEqualTo("urn:linecommerce:problem:request-timeout");
    assertThat(problem.path("correlationId").asText()).isEqualTo("slow-request-1");
    assertThat(problem.path("detail").asText()).contains("700 ms");
    assertThat(response.headers().firstValue("Retry-After")).as("every 503 says when to come back").hasValue("1");
    assertThat(took).as("answered at the timeout, not when the route finished").isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aRouteFasterThanTheRequestTimeoutAnswersNormally() throws Exception {
    HttpResponse<String> response = server.get("/fast", null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("fast");
  }
}
