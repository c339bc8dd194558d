package org.linecommerce.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.reliability.WebhookTraffic.RATE;
import static org.linecommerce.reliability.WebhookTraffic.SECONDS;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Scenario 6, partition: one of three nodes is frozen with SIGSTOP (no heartbeats, no answers) for
 * longer than the split brain resolver's {@code stable-after}, as a network partition that isolates
 * it would look to the others. The majority downs it and takes its shards over; thawed, the node
 * finds itself downed and exits (status 1, for its supervisor to start it again); started again, it
 * rejoins. No persistence id is ever written by two nodes at once (the journal's writer ids), and
 * every webhook is handled exactly once.
 */
class PartitionScenarioTest {

  @Test
  void theMajorityTakesOverAFrozenNodesShardsAndNothingIsWrittenTwice() throws Exception {
    try (ShopCluster cluster = new ShopCluster(3); WebhookTraffic traffic = new WebhookTraffic(cluster)) {
      int victim = 2;
      Set<Integer> down = ConcurrentHashMap.newKeySet();
      traffic.route(i -> !down.contains(i));
      traffic.start(RATE);
      Thread.sleep(SECONDS * 1000L / 3);

      down.add(victim);
      long frozenAt = System.currentTimeMillis();
      cluster.freeze(victim);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (cluster.upMembers(0) != 2 || cluster.upMembers(1) != 2) {
        assertThat(System.nanoTime()).as("the majority removes the frozen node within 2 minutes").isLessThan(deadline);
        Thread.sleep(250);
      }
      long removedAfter = System.currentTimeMillis() - frozenAt;
      Thread.sleep(SECONDS * 1000L / 3);

      long thawedAt = System.currentTimeMillis();
      cluster.thaw(victim);
      boolean exited = cluster.node(victim).process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(exited).as("a thawed node that was downed stops by itself:%n%s", cluster.node(victim).output()).isTrue();
      int exitCode = cluster.node(victim).process.exitValue();
      long exitedAfter = System.currentTimeMillis() - thawedAt;
      cluster.start(victim);
      cluster.node(victim).awaitReady(Duration.ofMinutes(3));
      down.remove(victim);
      Thread.sleep(SECONDS * 1000L / 3);

      traffic.assertExactlyOnce("scenario 6: partition (SIGSTOP of node " + victim + ")", () -> String.format(
          "the majority removed the frozen node %d ms after SIGSTOP; thawed, it exited with status %d after %d ms;"
              + " live nodes refused webhooks until %d ms after SIGSTOP",
          removedAfter, exitCode, exitedAfter, traffic.millisSinceLastLiveRefusal(frozenAt)));
      List<String> concurrent = cluster.concurrentWriters();
      System.out.println("persistence ids written by two nodes within a second: " + concurrent.size());
      assertThat(exitCode).as("a downed node exits with status 1").isEqualTo(1);
      assertThat(concurrent).as("persistence ids written by two writers within a second of each other").isEmpty();
    }
  }
}
