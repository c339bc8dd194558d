package org.linecommerce.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.gateway.api.OutboundCommand.DeliveryStatus;
import org.linecommerce.gateway.api.OutboundRequest;
import org.linecommerce.gateway.line.LineChannel;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.health.HealthRoutes;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.NodeTestKit;

/** The reply dispatcher against the fake LINE platform on one node (H2). */
class ReplyDispatcherTest {

  static final FakeLinePlatform LINE = new FakeLinePlatform();

  @RegisterExtension
  static final NodeTestKit kit = NodeTestKit.h2().withConfig(LINE.nodeConfig()
      + "linecommerce.line.timeout = 500ms\n"
      + "linecommerce.resilience.breaker { max-failures = 3, reset-timeout = 200ms }\n"
      + "linecommerce.gateway.dispatcher.retry { min-backoff = 50ms, max-backoff = 300ms, max-attempts = 200 }\n");

  @BeforeAll
  static void start() {
    ReplyDispatcher.init(kit.system());
  }

  @org.junit.jupiter.api.AfterAll
  static void closeLine() {
    LINE.close();
  }

  @AfterEach
  void heal() {
    LINE.heal();
    LINE.replyTokenLifetime(Duration.ofMinutes(1));
  }

  static String text(String t) {
    return "{\"type\":\"text\",\"text\":\"" + t + "\"}";
  }

  static OutboundRequest request(String id, FakeLinePlatform.WebhookEvent event, Instant eventTime, String... texts) {
    List<String> messages = new ArrayList<>();
    for (String t : texts) messages.add(text(t));
    return new OutboundRequest(id, event.chatId(), messages, event.replyToken(), eventTime, MessageMeta.root("test", id));
  }

  static void send(OutboundRequest request) throws Exception {
    ReplyDispatcher.send(kit.system(), request).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static DeliveryStatus status(String id) throws Exception {
    return ReplyDispatcher.status(kit.system(), id).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static void awaitStatus(String id, String expected) {
    Awaitility.await(id + " " + expected).pollInSameThread().atMost(Duration.ofSeconds(20))
        .until(() -> status(id).status(), expected::equals);
  }

  @Test
  void aYoungReplyTokenIsUsedForTheAnswer() throws Exception {
    var event = LINE.textEvent("Uyoung", "hi");
    send(request("young#answer", event, Instant.now(), "hello"));
    awaitStatus("young#answer", "delivered");
    assertThat(LINE.deliveriesTo("Uyoung")).singleElement().satisfies(d -> {
      assertThat(d.via()).isEqualTo("reply");
      assertThat(d.webhookEventId()).isEqualTo(event.webhookEventId());
    });
    assertThat(LINE.calls(FakeLinePlatform.PUSH_PATH + "")).isZero();
  }

  @Test
  void aReplyTokenPastTheWindowIsNotUsedAndThePushCarriesAPersistedRetryKey() throws Exception {
    var event = LINE.textEvent("Uold", "hi");
    send(request("old#answer", event, Instant.now().minusSeconds(120), "late hello"));
    awaitStatus("old#answer", "delivered");
    var delivery = LINE.deliveriesTo("Uold");
    assertThat(delivery).singleElement().satisfies(d -> {
      assertThat(d.via()).isEqualTo("push");
      assertThat(d.retryKey()).isEqualTo(status("old#answer").retryKeys().get(0));
    });
    assertThat(LINE.requests(FakeLinePlatform.REPLY_PATH)).noneMatch(r -> r.bodyText().contains(event.replyToken()));
  }

  @Test
  void aReplyTokenLineNoLongerHonoursFallsBackToPush() throws Exception {
    LINE.replyTokenLifetime(Duration.ZERO);
    var event = LINE.textEvent("Uexpired", "hi");
    send(request("expired#answer", event, Instant.now(), "hello"));
    awaitStatus("expired#answer", "delivered");
    assertThat(LINE.deliveriesTo("Uexpired")).singleElement().satisfies(d -> assertThat(d.via()).isEqualTo("push"));
    assertThat(status("expired#answer").via()).isEqualTo("push");
  }

  @Test
  void lineDownLongerThanTheReplyTokenLivesIsDeliveredOnceByPushAfterRecovery() throws Exception {
    LINE.replyTokenLifetime(Duration.ofMillis(300));
    var event = LINE.textEvent("Udown", "hi");
    LINE.failFor(Duration.ofSeconds(2), 500);
    send(request("down#answer", event, Instant.now(), "sorry for the wait"));
    Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(5))
        .until(() -> LINE.calls(FakeLinePlatform.PUSH_PATH) > 1 || status("down#answer").status().equals("delivered"));
    awaitStatus("down#answer", "delivered");
    assertThat(LINE.deliveriesTo("Udown")).singleElement().satisfies(d -> {
      assertThat(d.via()).isEqualTo("push");
      assertThat(d.texts()).containsExactly("sorry for the wait");
    });
    // every push attempt of the delivery carried the one retry key
    String key = status("down#answer").retryKeys().get(0);
    assertThat(LINE.requests(FakeLinePlatform.PUSH_PATH).stream().filter(r -> r.bodyText().contains("Udown")))
        .isNotEmpty().allSatisfy(r -> assertThat(r.header("X-Line-Retry-Key")).isEqualTo(key));
  }

  @Test
  void aPushWhoseAnswerWasLostIsRetriedWithTheSameKeyAndDeliveredOnce() throws Exception {
    var event = LINE.textEvent("Ulost", "hi");
    LINE.acceptThenHang();
    send(request("lost#answer", event, Instant.now().minusSeconds(120), "once"));
    // LINE delivered the first push but its answer never came: the client timed out and pushed again
    Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() ->
        LINE.requests(FakeLinePlatform.PUSH_PATH).stream().filter(r -> r.bodyText().contains("Ulost")).count() >= 2);
    LINE.heal();
    awaitStatus("lost#answer", "delivered");
    assertThat(LINE.deliveriesTo("Ulost")).hasSize(1);
    assertThat(LINE.requests(FakeLinePlatform.PUSH_PATH).stream().filter(r -> r.bodyText().contains("Ulost")).count())
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void theMonthlyQuotaStopsRetryingAndShowsInHealth() throws Exception {
    var event = LINE.textEvent("Uquota", "hi");
    LINE.rateLimitNext(1, true, null);
    send(request("quota#answer", event, Instant.now().minusSeconds(120), "hello"));
    awaitStatus("quota#answer", "failed-quota");
    assertThat(LINE.deliveriesTo("Uquota")).isEmpty();
    assertThat(LineChannel.get(kit.system()).quotaExhausted()).isTrue();
    Map<String, Object> report = new HealthRoutes(kit.system()).report().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(String.valueOf(report)).contains("quota=exhausted");
    assertThat(org.linecommerce.runtime.health.Metrics.get(kit.system()).registry().scrape())
        .containsPattern("line_quota_exhausted\\{[^}]*} 1.0");
    // a later accepted call clears it
    send(request("quota#next", LINE.textEvent("Uquota", "again"), Instant.now(), "hello"));
    awaitStatus("quota#next", "delivered");
    assertThat(LineChannel.get(kit.system()).quotaExhausted()).isFalse();
  }

  @Test
  void theSameOutboundIdSentTwiceAndConcurrentlyIsDeliveredOnce() throws Exception {
    var event = LINE.textEvent("Utwice", "hi");
    OutboundRequest r = request("twice#answer", event, Instant.now(), "only once");
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int i = 0; i < 5; i++) sends.add(ReplyDispatcher.send(kit.system(), r).toCompletableFuture());
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    awaitStatus("twice#answer", "delivered");
    send(r);
    assertThat(status("twice#answer").status()).isEqualTo("delivered");
    assertThat(LINE.deliveriesTo("Utwice")).hasSize(1);
  }

  @Test
  void moreThanFiveMessagesArePushedInBatchesEachWithItsOwnKey() throws Exception {
    var event = LINE.textEvent("Umany", "hi");
    send(request("many#answer", event, Instant.now(), "1", "2", "3", "4", "5", "6", "7"));
    awaitStatus("many#answer", "delivered");
    var deliveries = LINE.deliveriesTo("Umany");
    assertThat(deliveries).hasSize(2);
    assertThat(deliveries.get(0).texts()).containsExactly("1", "2", "3", "4", "5");
    assertThat(deliveries.get(1).texts()).containsExactly("6", "7");
    assertThat(deliveries.get(0).retryKey()).isNotEqualTo(deliveries.get(1).retryKey());
  }

  @Test
  void aRequestLineWouldRefuseIsRecordedAsFailedWithoutACall() throws Exception {
    var event = LINE.textEvent("Utoolong", "hi");
    send(request("toolong#answer", event, Instant.now(), "x".repeat(5001)));
    awaitStatus("toolong#answer", "failed");
    assertThat(LINE.requests()).noneMatch(r -> r.bodyText().contains("Utoolong") || r.bodyText().contains(event.replyToken()));
  }
}
