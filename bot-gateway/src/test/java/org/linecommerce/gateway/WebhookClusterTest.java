package org.linecommerce.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * The webhook on a 3-node in-process cluster on PostgreSQL: the same event delivered to each node
 * (at once, and one after another) reaches the one ChatInbox of its chat wherever it lives, and
 * is recorded and reacted to once.
 */
class WebhookClusterTest {

  private static final CountingReactions reactions = new CountingReactions();
  private static TestDatabase db;
  private static InProcessCluster cluster;

  @BeforeAll
  static void startCluster() {
    db = TestDatabase.postgres();
    cluster = InProcessCluster.start(3, db, List.of(new GatewayModule(context -> reactions)),
        ConfigFactory.parseString("linecommerce.gateway.inbox.reorder-delay = 100 ms"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private static WebhookHttp node(int i) {
    return new WebhookHttp(cluster.node(i).httpPort());
  }

  @Test
  void theSameEventDeliveredToThreeNodesAtOnceIsReactedToOnce() {
    String userId = "Ucluster-concurrent-" + System.nanoTime();
    String eventId = "01CLUSTERCON" + System.nanoTime();
    String body = WebhookHttp.textEvent(userId, eventId, 1000, "hello");
    List<CompletableFuture<Integer>> posts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      WebhookHttp http = node(i);
      posts.add(CompletableFuture.supplyAsync(() -> http.signed(body).statusCode()));
    }
    assertThat(posts).allMatch(p -> p.join() == 200);
    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInSameThread().until(() -> reactions.calls(eventId) == 1);
    assertThat(reactions.order(userId)).containsExactly(eventId);
  }

  @Test
  void theSameEventDeliveredToEachNodeInTurnIsReactedToOnce() {
    String userId = "Ucluster-sequential-" + System.nanoTime();
    String eventId = "01CLUSTERSEQ" + System.nanoTime();
    String body = WebhookHttp.textEvent(userId, eventId, 1000, "hello");
    for (int i = 0; i < 3; i++) assertThat(node(i).signed(body).statusCode()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInSameThread().until(() -> reactions.calls(eventId) == 1);
    // a late redelivery to yet another node changes nothing
    assertThat(node(2).signed(body).body()).contains("\"duplicates\":1");
    assertThat(reactions.order(userId)).containsExactly(eventId);
  }
}
