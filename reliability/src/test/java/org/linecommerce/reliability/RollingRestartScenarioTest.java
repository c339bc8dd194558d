package org.linecommerce.reliability;

import static org.linecommerce.reliability.WebhookTraffic.RATE;
import static org.linecommerce.reliability.WebhookTraffic.SECONDS;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Scenario 7, rolling restart: under steady webhook traffic each of the three nodes in turn is taken
 * out of the load balancer, stopped with SIGTERM (it leaves the cluster and hands its shards off),
 * started again and put back once ready. Nothing is lost and nothing is answered twice.
 */
class RollingRestartScenarioTest {

  @Test
  void restartingEveryNodeInTurnLosesNothingAndDuplicatesNothing() throws Exception {
    try (ShopCluster cluster = new ShopCluster(3); WebhookTraffic traffic = new WebhookTraffic(cluster)) {
      Set<Integer> down = ConcurrentHashMap.newKeySet();
      traffic.route(i -> !down.contains(i));
      traffic.start(RATE);
      Thread.sleep(SECONDS * 1000L / 4);

      List<String> restarts = new ArrayList<>();
      for (int i = 0; i < cluster.size(); i++) {
        down.add(i); // the load balancer drains it first
        Thread.sleep(1_000);
        long stoppedAt = System.currentTimeMillis();
        cluster.stop(i);
        long exitedAt = System.currentTimeMillis();
        cluster.start(i);
        cluster.node(i).awaitReady(Duration.ofMinutes(3));
        down.remove(i);
        restarts.add(String.format("node %d: stopped in %d ms, ready again %d ms after SIGTERM", i,
            exitedAt - stoppedAt, System.currentTimeMillis() - stoppedAt));
        Thread.sleep(SECONDS * 1000L / 4);
      }
      long lastRestart = System.currentTimeMillis();
      traffic.assertExactlyOnce("scenario 7: rolling restart of all three nodes (SIGTERM, start, ready)",
          () -> String.join("\n", restarts) + "\nwebhooks refused by nodes in the load balancer: "
              + traffic.attempts.stream().filter(a -> a.status() != 200 && a.endedAt() <= lastRestart).count());
    }
  }
}
