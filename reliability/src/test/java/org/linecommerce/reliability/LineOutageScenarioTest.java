package org.linecommerce.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.reliability.WebhookTraffic.RATE;
import static org.linecommerce.reliability.WebhookTraffic.SECONDS;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.FakeLinePlatform;

/**
 * Scenario 3, LINE outage: the fake LINE platform answers 500 for 10 s, then holds every call
 * without an answer (client timeouts) for 10 s, then answers 429 (rate limit) for 10 s, under steady
 * webhook traffic. Reply tokens live 20 s and the nodes use them for 10 s ({@code
 * LINE_REPLY_WINDOW}), so answers held up by the outage go by push. Afterwards every acknowledged
 * event has exactly one answer, every push carries an {@code X-Line-Retry-Key}. Then LINE's monthly
 * quota runs out: deliveries stop at once (no retries), and the node shows it in {@code /metrics}
 * ({@code line_quota_exhausted 1}) and in {@code /health}'s {@code line} check.
 */
class LineOutageScenarioTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void answersHeldUpByALineOutageArriveOnceAfterItAndAnExhaustedQuotaStopsDeliveries() throws Exception {
    try (ShopCluster cluster = new ShopCluster(3, ShopCluster.Options.defaults().withEnv("LINE_REPLY_WINDOW", "10s"));
        WebhookTraffic traffic = new WebhookTraffic(cluster)) {
      FakeLinePlatform line = cluster.line;
      line.replyTokenLifetime(Duration.ofSeconds(20));
      traffic.start(RATE);
      Thread.sleep(SECONDS * 1000L / 3);

      long outageAt = System.currentTimeMillis();
      line.failFor(Duration.ofSeconds(10), 500);
      Thread.sleep(10_000);
      line.heal();
      line.hang();
      Thread.sleep(10_000);
      line.heal();
      line.rateLimitNext(1_000_000, false, Duration.ofSeconds(1));
      Thread.sleep(10_000);
      line.heal();
      long healedAt = System.currentTimeMillis();
      Thread.sleep(SECONDS * 1000L / 3);

      traffic.assertExactlyOnce("scenario 3: LINE outage (10 s of 500, 10 s without answers, 10 s of 429)", () -> {
        Map<String, Long> via = new TreeMap<>(line.deliveries().stream()
            .collect(Collectors.groupingBy(FakeLinePlatform.Delivery::via, Collectors.counting())));
        long duringOutage = line.deliveries().stream()
            .filter(d -> d.at().toEpochMilli() > outageAt && d.at().toEpochMilli() < healedAt).count();
        return String.format("answers delivered by %s; during the outage %d (each let through between its phases)",
            via, duringOutage);
      });
      List<FakeLinePlatform.Delivery> pushes = line.deliveries().stream().filter(d -> d.via().equals("push")).toList();
      assertThat(pushes).as("answers pushed once their reply tokens were too old").isNotEmpty();
      assertThat(pushes).as("pushes without X-Line-Retry-Key").allMatch(d -> d.retryKey() != null);

      // the monthly quota runs out: each delivery stops at its first 429, nothing is retried
      line.rateLimitNext(1_000_000, true, null);
      int callsBefore = line.calls(FakeLinePlatform.REPLY_PATH) + line.calls(FakeLinePlatform.PUSH_PATH);
      int events = 5;
      for (int i = 0; i < events; i++) {
        FakeLinePlatform.WebhookEvent e = line.textEvent("Uquota" + System.nanoTime() % 1_000_000 + "x" + i, "hello");
        assertThat(line.sendWebhook(cluster.webhookUrl(i % cluster.size()), e)).isEqualTo(200);
      }
      int shown = -1;
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (shown < 0 && System.nanoTime() < deadline) {
        for (int i = 0; i < cluster.size() && shown < 0; i++) {
          if (get(cluster.apiUrl(i, "/metrics")).body().contains("line_quota_exhausted 1.0")) shown = i;
        }
        Thread.sleep(250);
      }
      assertThat(shown).as("a node shows line_quota_exhausted 1 in /metrics").isNotNegative();
      Thread.sleep(5_000);
      int calls = line.calls(FakeLinePlatform.REPLY_PATH) + line.calls(FakeLinePlatform.PUSH_PATH) - callsBefore;
      HttpResponse<String> health = get(cluster.apiUrl(shown, "/health"));
      System.out.printf("quota exhausted: %d events, %d reply/push calls in all (no retries expected), /health %d %s%n",
          events, calls, health.statusCode(), health.body());
      assertThat(calls).as("reply and push calls for %d events once the quota ran out (one try each, no retry)", events)
          .isLessThanOrEqualTo(events);
      assertThat(health.body()).as("/health's line check").contains("exhausted");
      line.heal();
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
