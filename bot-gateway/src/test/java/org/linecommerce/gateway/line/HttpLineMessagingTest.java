package org.linecommerce.gateway.line;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.NodeTestKit;

/** HttpLineMessaging against the fake LINE platform over real HTTP: every kind of answer classified. */
class HttpLineMessagingTest {

  static final FakeLinePlatform LINE = new FakeLinePlatform();
  static final String HELLO = "{\"type\":\"text\",\"text\":\"hello\"}";

  @RegisterExtension
  static final NodeTestKit kit = NodeTestKit.h2().withConfig(LINE.nodeConfig()
      // the hang test waits this long; calls that succeed must not time out on a busy machine
      + "linecommerce.line.timeout = 3s\n"
      + "linecommerce.line.rate-limit.loading { requests-per-second = 0.01, burst = 1 }\n"
      + "linecommerce.resilience.breaker.max-failures = 1000\n");

  private final MessageMeta meta = MessageMeta.root("test", "corr-1");

  @org.junit.jupiter.api.AfterAll
  static void closeLine() {
    // every body this client sent met LINE's OpenAPI schema and limits (the fake refuses the rest),
    // except the deliberate six-message push of otherClientErrorsAreRefused
    assertThat(LINE.violations()).allSatisfy(v -> assertThat(v.body()).contains("\"Urefused\""));
    LINE.close();
  }

  @AfterEach
  void heal() {
    LINE.heal();
  }

  private LineMessaging line() {
    return LineChannel.get(kit.system()).messaging();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void aTokenInConfigurationMeansLiveHttpMessaging() {
    assertThat(LineChannel.get(kit.system()).dryRun()).isFalse();
    assertThat(line()).isInstanceOf(HttpLineMessaging.class);
  }

  @Test
  void pushIsSentWithBearerRetryKeyAndTraceparentThenTheSameKeyIsAlreadyAccepted() throws Exception {
    UUID key = UUID.randomUUID();
    LineResult first = await(line().push("Upush", List.of(HELLO), key, meta));
    LineResult second = await(line().push("Upush", List.of(HELLO), key, meta));
    assertThat(first).isInstanceOf(LineResult.Sent.class);
    assertThat(((LineResult.Sent) first).requestId()).isNotBlank();
    assertThat(second).isEqualTo(new LineResult.AlreadyAccepted(((LineResult.Sent) first).requestId()));
    assertThat(LINE.deliveriesTo("Upush")).hasSize(1);
    var request = LINE.requests(FakeLinePlatform.PUSH_PATH).stream().filter(r -> r.bodyText().contains("Upush")).findFirst().orElseThrow();
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + LINE.channelAccessToken());
    assertThat(request.header("X-Line-Retry-Key")).isEqualTo(key.toString());
    assertThat(request.header("traceparent")).isEqualTo(meta.traceparent());
  }

  @Test
  void aBurstOfConcurrentPushesIsSentWholeNotRefusedByTheClientsOwnPool() throws Exception {
    // Pekko's default pool (4 connections, 32 waiting calls) refused most of such a burst as Unavailable
    List<java.util.concurrent.CompletableFuture<LineResult>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 150; i++) {
      calls.add(line().push("Uburst" + i, List.of(HELLO), UUID.randomUUID(), meta).toCompletableFuture());
    }
    for (var call : calls) assertThat(await(call)).isInstanceOf(LineResult.Sent.class);
    assertThat(LINE.calls(FakeLinePlatform.PUSH_PATH)).isGreaterThanOrEqualTo(150);
  }

  @Test
  void aReplyTokenUsedTwiceIsInvalidReplyTokenAndReplyCarriesNoRetryKey() throws Exception {
    var event = LINE.textEvent("Ureply", "hi");
    assertThat(await(line().reply(event.replyToken(), List.of(HELLO), meta))).isInstanceOf(LineResult.Sent.class);
    assertThat(await(line().reply(event.replyToken(), List.of(HELLO), meta))).isInstanceOf(LineResult.InvalidReplyToken.class);
    assertThat(LINE.requests(FakeLinePlatform.REPLY_PATH)).allSatisfy(r -> assertThat(r.header("X-Line-Retry-Key")).isNull());
  }

  @Test
  void rateLimitAndMonthlyQuotaAreTold429sApart() throws Exception {
    LINE.rateLimitNext(1, false, Duration.ofSeconds(3));
    assertThat(await(line().push("U429", List.of(HELLO), UUID.randomUUID(), meta)))
        .isEqualTo(new LineResult.RateLimited(Duration.ofSeconds(3)));
    LINE.rateLimitNext(1, true, null);
    assertThat(await(line().push("U429", List.of(HELLO), UUID.randomUUID(), meta)))
        .isInstanceOf(LineResult.QuotaExhausted.class);
    assertThat(LINE.deliveriesTo("U429")).isEmpty();
  }

  @Test
  void serverErrorsAndTimeoutsAreUnavailable() throws Exception {
    LINE.failApiCalls(1, 500);
    assertThat(await(line().push("U5xx", List.of(HELLO), UUID.randomUUID(), meta))).isInstanceOf(LineResult.Unavailable.class);
    LINE.hang();
    long start = System.nanoTime();
    LineResult timedOut = await(line().push("U5xx", List.of(HELLO), UUID.randomUUID(), meta));
    assertThat(timedOut).isInstanceOf(LineResult.Unavailable.class);
    assertThat(((LineResult.Unavailable) timedOut).reason()).startsWith("timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void otherClientErrorsAreRefused() throws Exception {
    List<String> six = java.util.Collections.nCopies(6, HELLO);
    LineResult result = await(line().push("Urefused", six, UUID.randomUUID(), meta));
    assertThat(result).isInstanceOf(LineResult.Refused.class);
    assertThat(((LineResult.Refused) result).status()).isEqualTo(400);
  }

  @Test
  void loadingAnimationHasItsOwnClientSideRateLimit() throws Exception {
    assertThat(await(line().showLoading("Uload", 20, meta))).isInstanceOf(LineResult.Sent.class);
    assertThat(await(line().showLoading("Uload", 20, meta))).isInstanceOf(LineResult.RateLimited.class);
    assertThat(LINE.calls(FakeLinePlatform.LOADING_PATH)).isEqualTo(1);
  }

  @Test
  void profileOfAKnownUserAndEmptyFor404() throws Exception {
    LINE.addProfile("Uprofile", "Somchai", "th");
    assertThat(await(line().profile("Uprofile", meta)))
        .hasValueSatisfying(p -> {
          assertThat(p.displayName()).isEqualTo("Somchai");
          assertThat(p.language()).isEqualTo("th");
        });
    assertThat(await(line().profile("Unobody", meta))).isEmpty();
  }
}
