package org.linecommerce.conversation.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.conversation.internal.provider.Fixtures.request;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linecommerce.conversation.api.GenerateOptions;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.testkit.FakeOpenAiServer;
import org.linecommerce.testkit.FakeOpenAiServer.ChatMessage;
import org.linecommerce.testkit.FakeOpenAiServer.ChatRequest;
import org.linecommerce.testkit.FakeOpenAiServer.Fault;

/**
 * The provider chain on a real actor system against a fake OpenAI-compatible vendor on loopback:
 * the vendor's breaker opens after 3 failures, the vendor's timeout is 3 s (a cold client's first call
 * may take a second) and its breaker tries again after 1 s.
 */
class ProviderChainTest {

  private static final FakeOpenAiServer vendor = new FakeOpenAiServer();
  private ActorTestKit kit;

  @AfterEach
  void stopNode() {
    vendor.reset();
    if (kit != null) kit.shutdownTestKit();
  }

  @AfterAll
  static void stopVendor() {
    vendor.close();
  }

  private ProviderChain chain(String providers) {
    kit = ActorTestKit.create("chain", ConfigFactory.parseString("""
        pekko.actor.provider = local
        linecommerce.conversation {
          providers = "%s"
          openai {
            base-url = "%s/"
            api-key = "test-key-123"
            model = "fake-model"
            timeout = 3s
            max-failures = 3
            reset-timeout = 1s
            max-reset-timeout = 1s
          }
        }
        """.formatted(providers, vendor.apiBaseUrl())).withFallback(ConfigFactory.load()));
    return ProviderChain.get(kit.system());
  }

  private static ChainAnswer ask(ProviderChain chain, ProviderRequest request) throws Exception {
    return chain.answer(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ProviderStats stats(ProviderChain chain, String provider) {
    return chain.stats().stream().filter(s -> s.provider().equals(provider)).findFirst().orElseThrow();
  }

  @Test
  void aHealthyVendorAnswersAndItsRequestCarriesTheProductsTheLastTurnsAndTheLanguage() throws Exception {
    ProviderChain chain = chain("openai,local");
    vendor.answer("抹茶パウダー 50gは234バーツです。").usage(120, 30);
    ProviderRequest request = request(Outcome.Kind.PRODUCTS_FOUND, "ja");

    ChainAnswer answer = ask(chain, request);

    assertThat(answer.provider()).isEqualTo("openai");
    assertThat(answer.reply()).isEqualTo(new ProviderReply("抹茶パウダー 50gは234バーツです。", 0.8, 120, 30));
    assertThat(answer.failures()).isEmpty();

    ChatRequest sent = vendor.lastChatRequest();
    assertThat(sent.header("Authorization")).isEqualTo("Bearer test-key-123");
    assertThat(sent.header("traceparent")).isEqualTo(request.meta().traceparent());
    assertThat(sent.model()).isEqualTo("fake-model");
    assertThat(sent.maxTokens()).isEqualTo(2000);
    assertThat(sent.temperature()).isEqualTo(0.7);
    assertThat(sent.system())
        .contains("Japanese")
        .contains("Somchai")
        .contains("PRODUCTS_FOUND")
        .contains("id matcha-powder-1 | 抹茶パウダー 50g | 234 THB | stock 120")
        .contains("id matcha-powder-2 | 抹茶パウダー 100g | 390 THB | stock 3")
        .contains("id matcha-latte-1 | 抹茶ラテミックス | 1250.5 THB | out of stock")
        .contains("never invent");
    assertThat(sent.messages().subList(1, sent.messages().size())).containsExactly(
        new ChatMessage("user", "history-1 ja matcha?"),
        new ChatMessage("assistant", "history-2 found two"),
        new ChatMessage("user", "history-3 how much is it?"),
        new ChatMessage("assistant", "history-4 it is 234"),
        new ChatMessage("user", "抹茶はありますか？"));

    ProviderStats openai = stats(chain, "openai");
    assertThat(openai.requests()).isEqualTo(1);
    assertThat(openai.failures()).isZero();
    assertThat(openai.breaker()).isEqualTo("closed");
    assertThat(openai.promptTokens()).isEqualTo(120);
    assertThat(openai.completionTokens()).isEqualTo(30);
  }

  @Test
  void aFailingVendorOpensItsBreakerThenLocalAnswersAtOnceAndTheVendorIsTriedAgainWhenItHeals() throws Exception {
    ProviderChain chain = chain("openai,local");
    vendor.failAll(Fault.SERVER_ERROR);

    for (int i = 0; i < 3; i++) {
      ChainAnswer answer = ask(chain, request(Outcome.Kind.PRICE_GIVEN, "en"));
      assertThat(answer.provider()).isEqualTo("local");
      assertThat(answer.reply().text()).contains("Matcha Green Tea Powder 50g").contains("฿234");
      assertThat(answer.failures()).singleElement().satisfies(f -> {
        assertThat(f.provider()).isEqualTo("openai");
        assertThat(f.reason()).contains("HTTP 500").doesNotContain("test-key-123");
      });
    }
    assertThat(stats(chain, "openai").breaker()).isEqualTo("open");
    assertThat(vendor.chatRequests()).hasSize(3);

    long start = System.nanoTime();
    ChainAnswer whileOpen = ask(chain, request(Outcome.Kind.PRICE_GIVEN, "en"));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(whileOpen.provider()).isEqualTo("local");
    assertThat(ms).isLessThan(1000);
    assertThat(whileOpen.failures()).singleElement()
        .satisfies(f -> assertThat(f.reason()).contains("circuit breaker open"));
    assertThat(vendor.chatRequests()).as("an open breaker skips the vendor").hasSize(3);
    ProviderStats open = stats(chain, "openai");
    assertThat(open.breaker()).isEqualTo("open");
    assertThat(open.requests()).isEqualTo(4);
    assertThat(open.failures()).isEqualTo(4);
    assertThat(stats(chain, "local").requests()).isEqualTo(4);
    assertThat(Metrics.get(kit.system()).registry().scrape())
        .contains("ai_provider_breaker_state{")
        .containsPattern("ai_provider_latency_seconds\\{[^}]*provider=\"openai\"[^}]*quantile=\"0.95\"");

    vendor.heal();
    vendor.answer("The Matcha Green Tea Powder 50g is ฿234.");
    await().pollInSameThread().atMost(Duration.ofSeconds(5))
        .until(() -> stats(chain, "openai").breaker().equals("half-open"));

    ChainAnswer recovered = ask(chain, request(Outcome.Kind.PRICE_GIVEN, "en"));

    assertThat(recovered.provider()).isEqualTo("openai");
    assertThat(recovered.reply().text()).isEqualTo("The Matcha Green Tea Powder 50g is ฿234.");
    assertThat(recovered.failures()).isEmpty();
    // the breaker closes when the trial call's future completes, which may be just after the answer
    await().pollInSameThread().atMost(Duration.ofSeconds(2))
        .until(() -> stats(chain, "openai").breaker().equals("closed"));
    assertThat(ask(chain, request(Outcome.Kind.GREETED, "en")).provider()).isEqualTo("openai");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "MALFORMED_JSON, not JSON",
      "MISSING_CHOICES, no choices",
      "EMPTY_CONTENT, empty answer",
      "RATE_LIMITED, HTTP 429",
      "SERVER_ERROR, HTTP 500",
      "NO_ANSWER, timed out after 3000 ms"})
  void aBadVendorAnswerFallsToTheNextProviderWithItsReason(Fault fault, String reason) throws Exception {
    ProviderChain chain = chain("openai,local");
    vendor.failNext(1, fault);

    ChainAnswer answer = ask(chain, request(Outcome.Kind.STOCK_GIVEN, "th"));

    assertThat(answer.provider()).isEqualTo("local");
    assertThat(answer.reply().text()).contains("ผงชาเขียวมัทฉะ 50 กรัม").contains("120");
    assertThat(answer.failures()).singleElement().satisfies(f -> {
      assertThat(f.provider()).isEqualTo("openai");
      assertThat(f.reason()).contains(reason);
    });
    assertThat(stats(chain, "openai").failures()).isEqualTo(1);
    assertThat(stats(chain, "openai").breaker()).as("one failure does not open it").isEqualTo("closed");
  }

  @Test
  void whenEveryProviderFailsTheFallbackApologisesInTheCustomersLanguage() throws Exception {
    ProviderChain chain = chain("openai");
    vendor.failAll(Fault.SERVER_ERROR);

    ChainAnswer th = ask(chain, request(Outcome.Kind.PRODUCTS_FOUND, "th"));
    ChainAnswer ja = ask(chain, request(Outcome.Kind.PRODUCTS_FOUND, "ja"));
    ChainAnswer en = ask(chain, request(Outcome.Kind.PRODUCTS_FOUND, "en"));

    assertThat(List.of(th, ja, en)).allSatisfy(a -> {
      assertThat(a.provider()).isEqualTo("fallback");
      assertThat(a.reply().confidence()).isEqualTo(0.1);
      assertThat(a.failures()).extracting(ProviderFailure::provider).containsExactly("openai");
    });
    assertThat(th.reply().text()).contains("ขออภัยค่ะ");
    assertThat(Fixtures.hasJapanese(ja.reply().text())).isTrue();
    assertThat(en.reply().text()).isEqualTo("I'm having trouble processing your request. Please try again.");
    assertThat(chain.names()).containsExactly("openai", "fallback");
    assertThat(stats(chain, "fallback").requests()).isEqualTo(3);
  }

  @Test
  void aProviderNamedInTheOptionsIsAskedFirst() throws Exception {
    ProviderChain chain = chain("openai,local");

    ChainAnswer local = ask(chain, Fixtures.withOptions(request(Outcome.Kind.GREETED, "en"),
        new GenerateOptions("local", 2000, 0.7)));
    ChainAnswer unknownPreference = ask(chain, Fixtures.withOptions(request(Outcome.Kind.GREETED, "en"),
        new GenerateOptions("claude", 2000, 0.7)));

    assertThat(local.provider()).isEqualTo("local");
    assertThat(local.reply().text()).startsWith("Hello Somchai!");
    assertThat(chain.suggestions().forAnswer(request(Outcome.Kind.GREETED, "en"))).hasSize(4);
    assertThat(unknownPreference.provider()).isEqualTo("openai");
    assertThat(vendor.chatRequests()).hasSize(1);
  }

  @Test
  void theVendorGetsTheRequestsTokenLimitAndTemperatureAndItsLatencyIsMeasured() throws Exception {
    ProviderChain chain = chain("openai,local");
    vendor.latency(Duration.ofMillis(300));

    ChainAnswer answer = ask(chain, Fixtures.withOptions(request(Outcome.Kind.GREETED, "en"),
        new GenerateOptions(null, 256, 0.2)));

    assertThat(answer.provider()).isEqualTo("openai");
    assertThat(vendor.lastChatRequest().maxTokens()).isEqualTo(256);
    assertThat(vendor.lastChatRequest().temperature()).isEqualTo(0.2);
    ProviderStats openai = stats(chain, "openai");
    assertThat(openai.p50Ms()).isGreaterThan(250);
    assertThat(openai.p95Ms()).isGreaterThanOrEqualTo(openai.p50Ms());
  }
}
