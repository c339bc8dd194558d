package org.linecommerce.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.gateway.api.OutboundRequest;
import org.linecommerce.gateway.internal.ReplyDispatcher;
import org.linecommerce.gateway.line.DryRunLineMessaging;
import org.linecommerce.gateway.line.LineChannel;
import org.linecommerce.gateway.line.LineOutbox;
import org.linecommerce.gateway.line.LineResult;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.NodeTestKit;

/** Dry-run (no channel access token): nothing leaves the node; the outbox lists what was sent. */
class DevOutboxRoutesTest {

  @RegisterExtension
  static final NodeTestKit kit = NodeTestKit.h2();

  static String base;

  @BeforeAll
  static void start() throws Exception {
    ReplyDispatcher.init(kit.system());
    ServerBinding binding = Http.get(kit.system()).newServerAt("127.0.0.1", 0)
        .bind(new DevOutboxRoutes(kit.system()).route().orElseThrow())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  private static String get(String path) throws Exception {
    var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void withoutATokenTheDispatcherWritesToTheOutboxWhichTheRouteLists() throws Exception {
    LineChannel channel = LineChannel.get(kit.system());
    assertThat(channel.dryRun()).isTrue();
    assertThat(channel.messaging()).isInstanceOf(DryRunLineMessaging.class);
    List<LineOutbox.Entry> streamed = new CopyOnWriteArrayList<>();
    try (AutoCloseable subscription = channel.outbox().subscribe(streamed::add)) {
      ReplyDispatcher.send(kit.system(), new OutboundRequest("dry#1", "Udry", List.of("{\"type\":\"text\",\"text\":\"first\"}"),
          "token-1", Instant.now(), MessageMeta.root("test", "dry"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
      ReplyDispatcher.send(kit.system(), new OutboundRequest("dry#2", "Udry", List.of("{\"type\":\"text\",\"text\":\"second\"}"),
          null, null, MessageMeta.root("test", "dry"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
      Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> streamed.size() == 2);
    }
    assertThat(streamed).extracting(LineOutbox.Entry::kind).containsExactly("reply", "push");
    assertThat(streamed.get(0).chatId()).isEqualTo("Udry");
    assertThat(streamed.get(1).retryKey()).isNotNull();

    String all = get("/dev/line/outbox");
    assertThat(all).contains("\"dryRun\":true", "first", "second");
    assertThat(all.indexOf("first")).isLessThan(all.indexOf("second"));
    String since = get("/dev/line/outbox?since=" + streamed.get(0).seq());
    assertThat(since).contains("second").doesNotContain("first");
  }

  @Test
  void aRepeatedRetryKeyIsAlreadyAcceptedAsLineWouldAnswer() throws Exception {
    var line = LineChannel.get(kit.system()).messaging();
    UUID key = UUID.randomUUID();
    var msg = List.of("{\"type\":\"text\",\"text\":\"x\"}");
    assertThat(line.push("Ukey", msg, key, null).toCompletableFuture().get()).isInstanceOf(LineResult.Sent.class);
    assertThat(line.push("Ukey", msg, key, null).toCompletableFuture().get()).isInstanceOf(LineResult.AlreadyAccepted.class);
    assertThat(line.profile("Ukey", null).toCompletableFuture().get()).isPresent();
  }
}
