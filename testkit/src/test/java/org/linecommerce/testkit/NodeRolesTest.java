package org.linecommerce.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;

/** NODE_ROLES decides where a domain's entities and routes live; every node reaches every domain. */
class NodeRolesTest {

  @Test
  void entitiesAndRoutesLiveOnlyOnNodesWithTheirRoleAndEveryNodeReachesThem() throws Exception {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, List.of(Tally.module()),
            ConfigFactory.parseString("linecommerce.node.roles = \"catalog\""))) {
      int gateway = cluster.startNode(ConfigFactory.parseString("linecommerce.node.roles = \"gateway\""));
      cluster.awaitAllUp();
      ActorSystem<?> gatewayNode = cluster.system(gateway);
      String catalogAddress = cluster.system(0).address().toString();

      for (int i = 0; i < 6; i++) {
        Tally.Snapshot s = ClusterSharding.get(gatewayNode).entityRefFor(Tally.ENTITY_KEY, "r-" + i)
            .ask(Tally.Get::new, Duration.ofSeconds(10)).toCompletableFuture().get();
        assertThat(s.hostAddress()).as("entity r-" + i + " lives on the catalog node").isEqualTo(catalogAddress);
      }

      HttpClient http = HttpClient.newHttpClient();
      assertThat(get(http, cluster.node(0).httpPort()).statusCode()).isEqualTo(200);
      assertThat(get(http, cluster.node(gateway).httpPort()).statusCode()).isEqualTo(404);
    }
  }

  private static HttpResponse<String> get(HttpClient http, int port) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tally-host")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
