package org.linecommerce.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.InetAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeLinePlatformTest {

  private final FakeLinePlatform line = new FakeLinePlatform();
  private final HttpClient client = HttpClient.newHttpClient();
  private static final String HELLO = "{\"type\":\"text\",\"text\":\"hello\"}";

  @AfterEach
  void close() {
    line.close();
  }

  private HttpResponse<String> call(String path, String body, String token, String retryKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(line.apiBaseUrl() + path))
        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (retryKey != null) b.header("X-Line-Retry-Key", retryKey);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> reply(String token, String... messages) throws Exception {
    return call(FakeLinePlatform.REPLY_PATH, "{\"replyToken\":\"" + token + "\",\"messages\":[" + String.join(",", messages) + "]}",
        line.channelAccessToken(), null);
  }

  private HttpResponse<String> push(String to, String retryKey, String... messages) throws Exception {
    return call(FakeLinePlatform.PUSH_PATH, "{\"to\":\"" + to + "\",\"messages\":[" + String.join(",", messages) + "]}",
        line.channelAccessToken(), retryKey);
  }

  @Test
  void replyTokenWorksOnceForTheChatOfItsEvent() throws Exception {
    var event = line.textEvent("U1", "hi");
    assertThat(reply(event.replyToken(), HELLO).statusCode()).isEqualTo(200);
    var again = reply(event.replyToken(), HELLO);
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("Invalid reply token");
    assertThat(reply("unknown-token", HELLO).statusCode()).isEqualTo(400);
    assertThat(line.deliveriesTo("U1")).singleElement().satisfies(d -> {
      assertThat(d.via()).isEqualTo("reply");
      assertThat(d.webhookEventId()).isEqualTo(event.webhookEventId());
      assertThat(d.texts()).containsExactly("hello");
    });
  }

  @Test
  void expiredReplyTokenIsInvalid() throws Exception {
    line.replyTokenLifetime(Duration.ofMillis(1));
    var event = line.textEvent("U1", "hi");
    org.awaitility.Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(2))
        .until(() -> reply(event.replyToken(), HELLO).statusCode() == 400);
    assertThat(line.deliveries()).isEmpty();
  }

  @Test
  void pushWithAnAcceptedRetryKeyAnswers409AndIsNotDeliveredTwice() throws Exception {
    String key = UUID.randomUUID().toString();
    var first = push("U2", key, HELLO);
    var second = push("U2", key, HELLO);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(second.headers().firstValue("x-line-accepted-request-id"))
        .contains(first.headers().firstValue("x-line-request-id").orElseThrow());
    assertThat(line.deliveriesTo("U2")).hasSize(1);
  }

  @Test
  void lineLimitsAndTheBearerTokenAreEnforced() throws Exception {
    String six = String.join(",", java.util.Collections.nCopies(6, HELLO));
    assertThat(push("U3", null, six).statusCode()).isEqualTo(400);
    String longText = "{\"type\":\"text\",\"text\":\"" + "x".repeat(5001) + "\"}";
    assertThat(push("U3", null, longText).statusCode()).isEqualTo(400);
    assertThat(call(FakeLinePlatform.PUSH_PATH, "{\"to\":\"U3\",\"messages\":[" + HELLO + "]}", "wrong", null).statusCode())
        .isEqualTo(401);
    assertThat(call(FakeLinePlatform.REPLY_PATH, "{\"replyToken\":\"x\",\"messages\":[" + HELLO + "]}",
        line.channelAccessToken(), UUID.randomUUID().toString()).statusCode()).isEqualTo(400);
    assertThat(line.deliveries()).isEmpty();
  }

  @Test
  void aBodyBreakingLinesSchemaIs400WithTheViolationsRecorded() throws Exception {
    var answer = push("U3", null, "{\"type\":\"text\"}");
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(line.violations()).singleElement().satisfies(v -> assertThat(v.schema()).isEqualTo("PushMessageRequest"));
  }

  @Test
  void loadingAnimationIsForOneToOneChatsOnly() throws Exception {
    String token = line.channelAccessToken();
    assertThat(call(FakeLinePlatform.LOADING_PATH, "{\"chatId\":\"U4\",\"loadingSeconds\":20}", token, null).statusCode())
        .isEqualTo(202);
    assertThat(call(FakeLinePlatform.LOADING_PATH, "{\"chatId\":\"C4\",\"loadingSeconds\":20}", token, null).statusCode())
        .isEqualTo(400);
  }

  @Test
  void profilesAreTheConfiguredOnesElse404() throws Exception {
    line.addProfile("U5", "Aiko", "ja");
    var known = client.send(HttpRequest.newBuilder(URI.create(line.apiBaseUrl() + "/v2/bot/profile/U5"))
        .header("Authorization", "Bearer " + line.channelAccessToken()).build(), HttpResponse.BodyHandlers.ofString());
    var unknown = client.send(HttpRequest.newBuilder(URI.create(line.apiBaseUrl() + "/v2/bot/profile/U6"))
        .header("Authorization", "Bearer " + line.channelAccessToken()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(known.statusCode()).isEqualTo(200);
    assertThat(known.body()).contains("\"displayName\":\"Aiko\"", "\"language\":\"ja\"");
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  void failuresOnDemandThenHealed() throws Exception {
    line.failApiCalls(2, 500);
    assertThat(push("U7", null, HELLO).statusCode()).isEqualTo(500);
    assertThat(push("U7", null, HELLO).statusCode()).isEqualTo(500);
    assertThat(push("U7", null, HELLO).statusCode()).isEqualTo(200);
    line.rateLimitNext(1, true, null);
    var quota = push("U7", null, HELLO);
    assertThat(quota.statusCode()).isEqualTo(429);
    assertThat(quota.body()).contains(FakeLinePlatform.QUOTA_BODY);
    line.rateLimitNext(1, false, Duration.ofSeconds(2));
    var limited = push("U7", null, HELLO);
    assertThat(limited.body()).contains(FakeLinePlatform.RATE_LIMIT_BODY);
    assertThat(limited.headers().firstValue("Retry-After")).contains("2");
    line.failFor(Duration.ofMinutes(1), 503);
    assertThat(push("U7", null, HELLO).statusCode()).isEqualTo(503);
    line.heal();
    assertThat(push("U7", null, HELLO).statusCode()).isEqualTo(200);
    assertThat(line.deliveriesTo("U7")).hasSize(2);
  }

  @Test
  void webhooksAreSignedWithTheChannelSecretAndRedeliveriesKeepTheEventId() throws Exception {
    List<String> bodies = new CopyOnWriteArrayList<>();
    List<String> signatures = new CopyOnWriteArrayList<>();
    HttpServer target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    target.createContext("/webhook", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      signatures.add(exchange.getRequestHeaders().getFirst("x-line-signature"));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    target.start();
    try {
      String url = "http://127.0.0.1:" + target.getAddress().getPort() + "/webhook";
      var event = line.textEvent("U8", "こんにちは \uD83E\uDD28");
      var follow = line.followEvent("U9", false);
      assertThat(line.sendWebhook(url, List.of(follow, event))).isEqualTo(200);
      var redelivered = event.redelivered(line);
      assertThat(line.sendWebhook(url, redelivered)).isEqualTo(200);
      assertThat(bodies).hasSize(2);
      for (int i = 0; i < 2; i++) {
        assertThat(signatures.get(i)).isEqualTo(line.sign(bodies.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      assertThat(bodies.get(1)).contains(event.webhookEventId(), "\"isRedelivery\":true");
      assertThat(redelivered.replyToken()).isNotEqualTo(event.replyToken());
      assertThat(reply(redelivered.replyToken(), HELLO).statusCode()).isEqualTo(200);
    } finally {
      target.stop(0);
    }
  }
}
