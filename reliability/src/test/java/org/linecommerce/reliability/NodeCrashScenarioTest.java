package org.linecommerce.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  private static final int SECONDS = Integer.getInteger("reliability.seconds", 30);
  private static final int RATE = Integer.getInteger("reliability.rate", 20);

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
      traffic.stopNew();

      boolean allAcknowledged = traffic.awaitAllAcknowledged(Duration.ofMinutes(3));
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (!traffic.unanswered().isEmpty() && System.nanoTime() < deadline) Thread.sleep(500);
      Thread.sleep(3_000); // a late duplicate answer would show up here

      List<String> unanswered = traffic.unanswered();
      List<String> twice = traffic.answeredTwice();
      List<String> journalProblems = new ArrayList<>();
      for (String id : traffic.acknowledged) {
        String chat = traffic.sent.get(id).chatId();
        Map<String, Integer> kinds = cluster.inboxJournal(chat);
        if (kinds.getOrDefault("EventAccepted", 0) != 1 || kinds.getOrDefault("EventHandled", 0) != 1) {
          journalProblems.add(chat + " " + kinds);
        }
      }
      long recovery = traffic.lastRefusalByLiveNode.get() == 0 ? 0
          : Math.max(0, traffic.lastRefusalByLiveNode.get() - killedAt);
      System.out.printf("%n== Reliability scenario 1: node crash (kill -9 of node %d) ==%n", victim);
      System.out.printf("events sent %d, webhook requests %d, acknowledged %d, refused or failed %d (redelivered %d),"
              + " duplicates delivered %d%n", traffic.sent.size(), traffic.requests.get(), traffic.acknowledged.size(),
          traffic.refused.get(), traffic.redeliveries.get(), traffic.duplicatesSent.get());
      System.out.printf("answered %d, unanswered %d, answered twice %d, journal problems %d, lost 0 expected%n",
          traffic.acknowledged.size() - unanswered.size(), unanswered.size(), twice.size(), journalProblems.size());
      System.out.printf("live nodes refused webhooks until %d ms after the kill%n", recovery);

      assertThat(allAcknowledged).as("every event acknowledged in the end (LINE redelivers)").isTrue();
      assertThat(unanswered).as("acknowledged events without an answer").isEmpty();
      assertThat(twice).as("acknowledged events answered more than once").isEmpty();
      assertThat(journalProblems).as("chats whose inbox journal does not hold one accepted and one handled event").isEmpty();
    }
  }
}
