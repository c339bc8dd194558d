package org.linecommerce.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.reliability.WebhookTraffic.RATE;
import static org.linecommerce.reliability.WebhookTraffic.SECONDS;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.FakeOpenAiServer;

/**
 * Scenario 4, AI vendor outage: the nodes run {@code AI_PROVIDERS=openai,local} against the fake
 * OpenAI-compatible vendor, which stops answering (held calls: client timeouts) for a third of the
 * run. The breaker opens and {@code local} answers; the webhook's acknowledgement latency does not
 * move (it never waits for an answer); when the vendor returns its answers come back. Every event
 * is answered exactly once throughout.
 */
class AiVendorOutageScenarioTest {

  @Test
  void theLocalProviderAnswersWhileTheVendorIsDownAndAcknowledgementsDoNotSlowDown() throws Exception {
    try (FakeOpenAiServer vendor = new FakeOpenAiServer();
        ShopCluster cluster = new ShopCluster(3, ShopCluster.Options.defaults()
            .withEnv("AI_PROVIDERS", "openai,local")
            .withEnv("OPENAI_BASE_URL", vendor.apiBaseUrl())
            .withEnv("OPENAI_API_KEY", "reliability-vendor-key")
            .withEnv("OPENAI_MODEL", "fake-model"));
        WebhookTraffic traffic = new WebhookTraffic(cluster)) {
      traffic.start(RATE);
      Thread.sleep(SECONDS * 1000L / 3);
      long downAt = System.currentTimeMillis();
      vendor.failAll(FakeOpenAiServer.Fault.NO_ANSWER);
      Thread.sleep(SECONDS * 1000L / 3);
      vendor.heal();
      long upAt = System.currentTimeMillis();
      Thread.sleep(SECONDS * 1000L / 3);
      long endAt = System.currentTimeMillis();

      long[] before = ackMillis(traffic, 0, downAt);
      long[] during = ackMillis(traffic, downAt, upAt);
      long vendorBefore = vendorAnswers(cluster.line, traffic, 0, downAt);
      long vendorDuring = vendorAnswers(cluster.line, traffic, downAt + 1_000, upAt);
      long vendorAfter = vendorAnswers(cluster.line, traffic, upAt + (endAt - upAt) / 2, endAt);
      traffic.assertExactlyOnce("scenario 4: AI vendor outage (openai,local; the vendor silent for " + (upAt - downAt) / 1000 + " s)",
          () -> String.format("ack p50/p99 before %d/%d ms, during the outage %d/%d ms;"
                  + " answers by the vendor before %d, during %d, in the last half after %d; vendor calls %d",
              pct(before, 50), pct(before, 99), pct(during, 50), pct(during, 99), vendorBefore, vendorDuring, vendorAfter,
              vendor.chatRequests().size()));
      assertThat(vendorBefore).as("answers by the vendor before the outage").isPositive();
      assertThat(vendorDuring).as("answers by the vendor while it was silent").isZero();
      assertThat(vendorAfter).as("answers by the vendor after it returned (the breaker closed again)").isPositive();
      assertThat(pct(during, 99)).as("ack p99 during the outage (ms) against before").isLessThanOrEqualTo(Math.max(3 * pct(before, 99), 500));
    }
  }

  /** Durations of the 200 answers to webhooks sent in [from, to). */
  private static long[] ackMillis(WebhookTraffic traffic, long from, long to) {
    return traffic.attempts.stream().filter(a -> a.status() == 200 && a.startedAt() >= from && a.startedAt() < to)
        .mapToLong(a -> a.endedAt() - a.startedAt()).sorted().toArray();
  }

  private static long pct(long[] sorted, int p) {
    return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
  }

  /** Events first sent in [from, to) whose answer holds the vendor's text. */
  private static long vendorAnswers(FakeLinePlatform line, WebhookTraffic traffic, long from, long to) {
    List<String> chats = traffic.attempts.stream().filter(a -> a.startedAt() >= from && a.startedAt() < to)
        .map(a -> traffic.sent.get(a.eventId()).chatId()).distinct().toList();
    return chats.stream().filter(chat -> line.deliveriesTo(chat).stream()
        .anyMatch(d -> d.messages().stream().anyMatch(m -> m.contains(FakeOpenAiServer.DEFAULT_ANSWER)))).count();
  }

}
