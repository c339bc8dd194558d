package org.linecommerce.reliability;

import static org.linecommerce.reliability.WebhookTraffic.RATE;
import static org.linecommerce.reliability.WebhookTraffic.SECONDS;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Scenario 1, node crash: three nodes on PostgreSQL take webhooks at a steady rate (20% delivered
 * twice, the unacknowledged redelivered); a third into the run one node gets SIGKILL and nobody
 * downs it (the split brain resolver does), and it is started again later. Every acknowledged
 * event is answered exactly once at LINE, and on the journal each chat's inbox accepted its one
 * event once and handled it once. Prints the figures and the time until every webhook to a live
 * node was acknowledged again.
 */
class NodeCrashScenarioTest {

  @Test
  void aKilledNodeLosesNoAcknowledgedEventAndNoEventIsAnsweredTwice() throws Exception {
    try (ShopCluster cluster = new ShopCluster(3); WebhookTraffic traffic = new WebhookTraffic(cluster)) {
      int victim = 2;
      boolean[] down = new boolean[3];
      traffic.route(i -> !down[i]);
      traffic.start(RATE);

      Thread.sleep(SECONDS * 1000L / 3);
      long killedAt = System.currentTimeMillis();
      down[victim] = true; // the load balancer's health check takes it out
      cluster.kill(victim);
      Thread.sleep(SECONDS * 1000L / 3);
      cluster.start(victim);
      cluster.node(victim).awaitReady(Duration.ofMinutes(3));
      down[victim] = false;
      Thread.sleep(SECONDS * 1000L / 3);
      traffic.assertExactlyOnce("scenario 1: node crash (kill -9 of node " + victim + ")",
          () -> "live nodes refused webhooks until " + traffic.millisSinceLastLiveRefusal(killedAt) + " ms after the kill");
    }
  }
}
