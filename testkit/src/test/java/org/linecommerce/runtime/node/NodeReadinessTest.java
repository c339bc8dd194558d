package org.linecommerce.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** /ready and /health follow the database: a node whose database is gone stops being ready. */
class NodeReadinessTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void readyAndHealthyWhileUpWithDatabaseThenNotReadyWhenTheDatabaseIsGone() throws Exception {
    TestDatabase db = TestDatabase.postgres();
    try (InProcessCluster cluster = InProcessCluster.start(1, db, List.of())) {
      Node node = cluster.node(0);
      String ready = node.managementUri() + "/ready";
      String health = "http://127.0.0.1:" + node.httpPort() + "/health";

      assertThat(get(ready).statusCode()).isEqualTo(200);
      HttpResponse<String> healthy = get(health);
      assertThat(healthy.statusCode()).isEqualTo(200);
      assertThat(healthy.body()).contains("\"status\":\"up\"", "\"database\":{\"status\":\"up\"");

      db.close(); // drops the database, closing every connection to it

      // Pekko Management answers a failed readiness check with 500 and the check's name
      HttpResponse<String> notReady = Awaitility.await("not ready").atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> get(ready), r -> r.statusCode() != 200);
      assertThat(notReady.statusCode()).isEqualTo(500);
      assertThat(notReady.body()).contains("Not Healthy");
      HttpResponse<String> down = get(health);
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("\"status\":\"down\"", "\"database\":{\"status\":\"down\"");
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
