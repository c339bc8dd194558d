package org.linecommerce.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.FakeOpenAiServer.ChatMessage;
import org.linecommerce.testkit.FakeOpenAiServer.Fault;

class FakeOpenAiServerTest {

  private static final FakeOpenAiServer vendor = new FakeOpenAiServer();
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String BODY = """
      {"model":"m","max_tokens":50,"temperature":0.3,
       "messages":[{"role":"system","content":"products: P1"},{"role":"user","content":"hi"}]}""";

  @AfterEach
  void reset() {
    vendor.reset();
  }

  @AfterAll
  static void close() {
    vendor.close();
  }

  private static HttpResponse<String> post(String body, Duration timeout) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(vendor.apiBaseUrl() + "/chat/completions"))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer k")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersQueuedTextsThenTheFixedOneWithUsageAndRecordsTheParsedRequests() throws Exception {
    vendor.answer("fixed").answers("first", "second").usage(7, 3);

    assertThat(post(BODY, Duration.ofSeconds(5)).body()).contains("\"content\":\"first\"").contains("\"prompt_tokens\":7");
    assertThat(post(BODY, Duration.ofSeconds(5)).body()).contains("\"content\":\"second\"");
    assertThat(post(BODY, Duration.ofSeconds(5)).body()).contains("\"content\":\"fixed\"").contains("\"completion_tokens\":3");

    FakeOpenAiServer.ChatRequest last = vendor.lastChatRequest();
    assertThat(last.messages()).containsExactly(new ChatMessage("system", "products: P1"), new ChatMessage("user", "hi"));
    assertThat(last.system()).isEqualTo("products: P1");
    assertThat(last.lastUserMessage()).isEqualTo("hi");
    assertThat(last.maxTokens()).isEqualTo(50);
    assertThat(last.temperature()).isEqualTo(0.3);
    assertThat(last.header("authorization")).isEqualTo("Bearer k");
    assertThat(vendor.answered()).isEqualTo(3);
  }

  @Test
  void anAnswerCanBeComputedFromTheRequest() throws Exception {
    vendor.answerWith(r -> "echo " + r.lastUserMessage());

    assertThat(post(BODY, Duration.ofSeconds(5)).body()).contains("\"content\":\"echo hi\"");
  }

  @Test
  void faultsHitTheNextRequestsOrAllUntilHealed() throws Exception {
    vendor.failNext(1, Fault.RATE_LIMITED);
    HttpResponse<String> limited = post(BODY, Duration.ofSeconds(5));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(limited.body()).contains("rate_limit_exceeded");
    assertThat(post(BODY, Duration.ofSeconds(5)).statusCode()).isEqualTo(200);

    vendor.failAll(Fault.MISSING_CHOICES);
    assertThat(post(BODY, Duration.ofSeconds(5)).body()).doesNotContain("choices");
    vendor.failAll(Fault.MALFORMED_JSON);
    assertThat(post(BODY, Duration.ofSeconds(5)).body()).startsWith("{\"choices\"").doesNotEndWith("}");
    vendor.failAll(Fault.SERVER_ERROR);
    assertThat(post(BODY, Duration.ofSeconds(5)).statusCode()).isEqualTo(500);
    vendor.heal();
    assertThat(post(BODY, Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
  }

  @Test
  void aVendorThatNeverAnswersTimesTheClientOut() {
    vendor.failAll(Fault.NO_ANSWER);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> post(BODY, Duration.ofMillis(300)))
        .isInstanceOf(java.net.http.HttpTimeoutException.class);
  }
}
