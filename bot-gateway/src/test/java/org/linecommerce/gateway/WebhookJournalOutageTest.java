package org.linecommerce.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TcpProxy;
import org.linecommerce.testkit.TestDatabase;

/**
 * The database stops while LINE sends a webhook: the node reaches PostgreSQL through a
 * {@link TcpProxy} that the test cuts. The webhook answers 503 (never 200 for events it could not
 * record); once the database is back, LINE's redelivery of the same signed request is answered
 * 200 and each event is recorded and reacted to exactly once.
 */
class WebhookJournalOutageTest {

  private static final CountingReactions reactions = new CountingReactions();
  private static TestDatabase db;
  private static TcpProxy proxy;
  private static InProcessCluster cluster;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.postgres();
    URI target = URI.create(db.url().substring("jdbc:".length()));
    proxy = TcpProxy.start(target.getHost(), target.getPort());
    String proxied = db.url().replace(target.getHost() + ":" + target.getPort(), "127.0.0.1:" + proxy.port());
    cluster = InProcessCluster.start(1, db, List.of(new GatewayModule(context -> reactions)),
        ConfigFactory.parseString("""
            linecommerce.gateway.inbox.reorder-delay = 50 ms
            linecommerce.resilience.breaker.reset-timeout = 1 s
            pekko.cluster.sharding.shard-failure-backoff = 1 s
            """).withFallback(ConfigFactory.parseMap(java.util.Map.of("linecommerce.db.url", proxied))));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (proxy != null) proxy.close();
    if (db != null) db.close();
  }

  private static int journalRows(String chatId) throws Exception {
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM event_journal WHERE persistence_id = ?")) {
      s.setString(1, "ChatInbox|" + chatId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  @Test
  void journalDownIs503AndTheRedeliveredRequestIsHandledOnceAfterRecovery() throws Exception {
    WebhookHttp line = new WebhookHttp(cluster.node(0).httpPort());
    String warm = "Uwarm" + System.nanoTime();
    assertThat(line.signed(WebhookHttp.textEvent(warm, "01WARM" + warm, 1, "hi")).statusCode()).isEqualTo(200);

    String alice = "Ualice" + System.nanoTime();
    String bob = "Ubob" + System.nanoTime();
    String aliceEvent = "01OUTAGEA" + alice;
    String bobEvent = "01OUTAGEB" + bob;
    String body = WebhookHttp.events(WebhookHttp.textEventJson(alice, aliceEvent, 1000, "hello"),
        WebhookHttp.textEventJson(bob, bobEvent, 1001, "hi"));

    proxy.cut();
    HttpResponse<String> during = line.signed(body);
    assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
    assertThat(during.headers().firstValue("Content-Type")).hasValue("application/problem+json");

    proxy.restore();
    // LINE redelivers the same signed request until it gets a 2xx
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).pollInSameThread()
        .until(() -> line.signed(body).statusCode() == 200);
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInSameThread()
        .until(() -> reactions.calls(aliceEvent) == 1 && reactions.calls(bobEvent) == 1);
    assertThat(line.signed(body).body()).contains("\"duplicates\":2");
    assertThat(journalRows(alice)).as("accepted and handled, once").isEqualTo(2);
    assertThat(journalRows(bob)).isEqualTo(2);
    assertThat(reactions.calls(aliceEvent)).isEqualTo(1);
    assertThat(reactions.calls(bobEvent)).isEqualTo(1);
  }
}
