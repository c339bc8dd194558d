package org.linecommerce.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeHttpServerTest {

  private final FakeHttpServer fake = new FakeHttpServer();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void stop() {
    fake.close();
  }

  private HttpResponse<String> post(String path, String body, Duration timeout) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
            .timeout(timeout)
            .header("X-Line-Retry-Key", "k-1")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersFromTheLongestMatchingPrefixAndRecordsEveryRequest() throws Exception {
    fake.on("/v2/bot", r -> FakeHttpServer.Reply.json(200, "{\"generic\":true}"))
        .on("/v2/bot/message/push", r -> FakeHttpServer.Reply.json(200, "{\"sentMessages\":[]}"));

    assertThat(post("/v2/bot/message/push", "{\"to\":\"U1\"}", Duration.ofSeconds(5)).body()).contains("sentMessages");
    assertThat(post("/v2/bot/profile/U1", "", Duration.ofSeconds(5)).body()).contains("generic");
    assertThat(post("/unknown", "", Duration.ofSeconds(5)).statusCode()).isEqualTo(404);

    assertThat(fake.requests()).hasSize(3);
    FakeHttpServer.RecordedRequest push = fake.requests("/v2/bot/message/push").get(0);
    assertThat(push.method()).isEqualTo("POST");
    assertThat(push.bodyText()).isEqualTo("{\"to\":\"U1\"}");
    assertThat(push.header("x-line-retry-key")).isEqualTo("k-1");
  }

  @Test
  void injectedFaultsFailDropAndDelayThenRecover() throws Exception {
    fake.on("/", r -> FakeHttpServer.Reply.json(200, "{}"));

    fake.failNext(2, FakeHttpServer.Reply.status(503));
    assertThat(post("/a", "", Duration.ofSeconds(5)).statusCode()).isEqualTo(503);
    assertThat(post("/a", "", Duration.ofSeconds(5)).statusCode()).isEqualTo(503);
    assertThat(post("/a", "", Duration.ofSeconds(5)).statusCode()).isEqualTo(200);

    fake.dropNext(1);
    assertThatThrownBy(() -> post("/a", "", Duration.ofSeconds(5))).isInstanceOf(IOException.class);
    assertThat(post("/a", "", Duration.ofSeconds(5)).statusCode()).isEqualTo(200);

    fake.delayEveryAnswer(Duration.ofMillis(1500));
    assertThatThrownBy(() -> post("/a", "", Duration.ofMillis(300))).isInstanceOf(HttpTimeoutException.class);
    fake.reset();
    assertThat(post("/a", "", Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
    assertThat(fake.requests()).hasSize(1);
  }
}
