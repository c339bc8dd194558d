package org.linecommerce.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.linecommerce.gateway.CountingReactions;
import org.linecommerce.gateway.GatewayModule;
import org.linecommerce.gateway.WebhookHttp;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * The node's bound on chat reactions is steered by its own webhook acknowledgements: on a real node
 * (H2, HTTP), webhooks slower than the latency target shrink it, and {@code max = 0} means no bound.
 */
class ChatReactionBulkheadTest {

  private static final String SECRET = "reaction-bulkhead-test-secret";

  private static InProcessCluster node(TestDatabase db, String reactions) {
    return InProcessCluster.start(1, db, List.of(new GatewayModule(context -> new CountingReactions())),
        ConfigFactory.parseString("linecommerce.line.channel-secret = \"" + SECRET + "\"\n"
            + "linecommerce.gateway.inbox.reactions { " + reactions + " }"));
  }

  /** {@code rounds} rounds of 20 webhooks sent at once (each round within one window), 150 ms apart. */
  private static void webhooks(WebhookHttp line, int rounds, String prefix) throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(20);
    try {
      for (int round = 0; round < rounds; round++) {
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          String id = prefix + "-" + round + "-" + i;
          String body = WebhookHttp.events(WebhookHttp.textEventJson("U" + id, id, System.currentTimeMillis(), "hello"));
          statuses.add(senders.submit(() -> line.signed(body).statusCode()));
        }
        for (Future<Integer> status : statuses) assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(200);
        Thread.sleep(150);
      }
    } finally {
      senders.shutdownNow();
    }
  }

  @Test
  void acknowledgementsSlowerThanTheTargetHalveTheBoundEachWindow() throws Exception {
    // every real acknowledgement takes more than a microsecond: each full window counts as slow
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = node(db, "initial = 64, min = 2, latency-target = 1 us, window = 100 ms")) {
      ChatReactionBulkhead reactions = ChatReactionBulkhead.get(cluster.system(0));
      assertThat(reactions.bulkhead().limit()).isEqualTo(64);
      WebhookHttp line = new WebhookHttp(cluster.node(0).httpPort(), SECRET);
      webhooks(line, 4, "slow");

      assertThat(reactions.bulkhead().limit()).as("halved at least once by slow windows").isLessThanOrEqualTo(32);
      assertThat(Metrics.get(cluster.system(0)).registry().get("bulkhead_limit").tag("name", "chat-reactions")
          .gauge().value()).isEqualTo(reactions.bulkhead().limit());
    }
  }

  @Test
  void acknowledgementsWithinTheTargetLeaveTheBoundAloneWhileItIsNotInUse() throws Exception {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = node(db, "initial = 64, latency-target = 10 s, window = 100 ms")) {
      WebhookHttp line = new WebhookHttp(cluster.node(0).httpPort(), SECRET);
      webhooks(line, 4, "fast");
      assertThat(ChatReactionBulkhead.get(cluster.system(0)).bulkhead().limit()).isEqualTo(64);
    }
  }

  @Test
  void maxZeroMeansNoBound() {
    try (TestDatabase db = TestDatabase.h2(); InProcessCluster cluster = node(db, "max = 0")) {
      assertThat(ChatReactionBulkhead.get(cluster.system(0)).bulkhead().limit()).isEqualTo(Integer.MAX_VALUE);
    }
  }
}
