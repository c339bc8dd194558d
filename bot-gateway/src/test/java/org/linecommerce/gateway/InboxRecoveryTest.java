package org.linecommerce.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * A node that dies with accepted but unhandled events (its reactions never finished) on
 * PostgreSQL: once a node runs again, remember-entities wakes the chat's inbox without a new
 * message, and every accepted event is reacted to, in timestamp order, once.
 */
class InboxRecoveryTest {

  private static final CountingReactions reactions = new CountingReactions();
  private static TestDatabase db;
  private static InProcessCluster cluster;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.postgres();
    cluster = InProcessCluster.start(1, db, List.of(new GatewayModule(context -> reactions)),
        ConfigFactory.parseString("linecommerce.gateway.inbox.reorder-delay = 50 ms"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  @Test
  void aRestartedNodeResumesAcceptedButUnhandledEventsWithoutANewMessage() {
    String userId = "Urecovery" + System.nanoTime();
    String first = "01RECOVER1" + userId;
    String second = "01RECOVER2" + userId;
    reactions.hold(userId);
    WebhookHttp line = new WebhookHttp(cluster.node(0).httpPort());
    assertThat(line.signed(WebhookHttp.events(WebhookHttp.textEventJson(userId, second, 2000, "two"),
        WebhookHttp.textEventJson(userId, first, 1000, "one"))).statusCode()).isEqualTo(200);

    cluster.stopAbruptly(0);
    assertThat(reactions.order(userId)).isEmpty();
    reactions.release(userId);
    cluster.startNode();

    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInSameThread()
        .untilAsserted(() -> assertThat(reactions.order(userId)).containsExactly(first, second));
    assertThat(reactions.calls(first)).isEqualTo(1);
    assertThat(reactions.calls(second)).isEqualTo(1);
  }
}
