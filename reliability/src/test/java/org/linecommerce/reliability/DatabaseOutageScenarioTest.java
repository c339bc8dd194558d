package org.linecommerce.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.reliability.WebhookTraffic.RATE;
import static org.linecommerce.reliability.WebhookTraffic.SECONDS;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scenario 2, database outage: the three nodes reach PostgreSQL through a TCP proxy that is cut for
 * 15 s mid-run (every connection closed, new ones refused, as when the server stops). Meanwhile
 * webhooks keep coming and the back office places and confirms orders. While the database is away
 * no new event is acknowledged with 200 (the webhook answers 503 and LINE redelivers); afterwards
 * every event is handled exactly once, every order reaches a final state, and every order's final
 * state is told to its user exactly once (the order-notification subscription went on with no gap
 * and no repeat).
 */
class DatabaseOutageScenarioTest {

  private static final Duration OUTAGE = Duration.ofSeconds(15);

  @Test
  void whileTheDatabaseIsAwayNothingIsAcknowledgedAndAfterwardsEverythingIsHandledOnce() throws Exception {
    try (ShopCluster cluster = new ShopCluster(3, ShopCluster.Options.defaults().withDatabaseProxy());
        WebhookTraffic traffic = new WebhookTraffic(cluster);
        OrderTraffic orders = new OrderTraffic(cluster)) {
      traffic.start(RATE);
      orders.start(Duration.ofMillis(500));
      Thread.sleep(SECONDS * 1000L / 3);

      long cutAt = System.currentTimeMillis();
      cluster.databaseProxy.cut();
      Thread.sleep(OUTAGE.toMillis());
      cluster.databaseProxy.restore();
      long restoredAt = System.currentTimeMillis();
      Thread.sleep(SECONDS * 1000L / 3);
      orders.stopNew();

      List<WebhookTraffic.Attempt> during = traffic.attempts.stream()
          .filter(a -> a.startedAt() >= cutAt && a.endedAt() <= restoredAt).toList();
      Map<Integer, Long> statusesDuring = new TreeMap<>(during.stream()
          .collect(Collectors.groupingBy(WebhookTraffic.Attempt::status, Collectors.counting())));
      long acknowledgedDuring = during.stream().filter(WebhookTraffic.Attempt::firstAcknowledgement).count();
      long backAfter = traffic.attempts.stream().filter(a -> a.firstAcknowledgement() && a.startedAt() >= restoredAt)
          .mapToLong(a -> a.endedAt() - restoredAt).min().orElse(-1);

      traffic.assertExactlyOnce("scenario 2: database outage (" + OUTAGE.toSeconds() + " s)", () -> String.format(
          "during the outage: webhook answers by status %s (-1: no answer), new events acknowledged %d;"
              + " first new acknowledgement %d ms after the database returned",
          statusesDuring, acknowledgedDuring, backAfter));

      Map<String, String> finals = orders.awaitFinal(Duration.ofMinutes(3));
      Map<String, Long> byStatus = new TreeMap<>(finals.values().stream()
          .collect(Collectors.groupingBy(s -> s, Collectors.counting())));
      Thread.sleep(3_000); // a late repeated notification would show up here
      List<String> notOnce = orders.notNotifiedOnce();
      System.out.printf("orders placed %d (of %d users), calls repeated %d, final statuses %s, users not told exactly once %d%n",
          orders.orders.size(), orders.users.size(), orders.repeatedCalls.get(), byStatus, notOnce.size());

      assertThat(acknowledgedDuring).as("new events acknowledged while the database was away").isZero();
      assertThat(orders.orders).as("every order placed in the end").hasSameSizeAs(orders.users);
      assertThat(finals.values()).as("every order final").allMatch(s -> List.of("confirmed", "cancelled", "expired", "failed").contains(s));
      assertThat(notOnce).as("users whose order's final state was not told exactly once").isEmpty();
    }
  }
}
