package org.linecommerce.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.gateway.api.OutboundRequest;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.FakeHttpServer.RecordedRequest;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.NodeTestKit;

/**
 * A node dies while its push is with LINE (LINE accepted it, the answer never came back): after the
 * restart on the same PostgreSQL journal the dispatcher resumes by itself, pushes again with the
 * same retry key, takes LINE's 409 as delivered, and the customer got the message once.
 */
class ReplyDispatcherCrashTest {

  static final FakeLinePlatform LINE = new FakeLinePlatform();

  @RegisterExtension
  static final NodeTestKit kit = NodeTestKit.postgres().withConfig(LINE.nodeConfig()
      // long enough that the push is still in flight when the node dies
      + "linecommerce.line.timeout = 30s\n"
      + "linecommerce.gateway.dispatcher.retry { min-backoff = 50ms, max-backoff = 300ms }\n");

  @AfterAll
  static void close() {
    LINE.close();
  }

  @Test
  void aCrashBetweenPushAndItsAnswerResumesWithTheSameRetryKeyAndDeliversOnce() throws Exception {
    ReplyDispatcher.init(kit.system());
    LINE.acceptThenHang();
    var event = LINE.textEvent("Ucrash", "hi");
    var request = new OutboundRequest("crash#answer", "Ucrash", List.of("{\"type\":\"text\",\"text\":\"once\"}"),
        event.replyToken(), Instant.now().minusSeconds(120), MessageMeta.root("test", "crash"));
    ReplyDispatcher.send(kit.system(), request).toCompletableFuture().get(10, TimeUnit.SECONDS);
    Awaitility.await("LINE got the push").pollInSameThread().atMost(Duration.ofSeconds(10))
        .until(() -> LINE.deliveriesTo("Ucrash").size() == 1);
    String key = LINE.deliveriesTo("Ucrash").get(0).retryKey();

    kit.restart();
    LINE.heal();
    ReplyDispatcher.init(kit.system());

    // nobody sends a command: remember-entities brings the pending delivery back
    Awaitility.await("the push is retried after the restart").pollInSameThread().atMost(Duration.ofSeconds(30))
        .until(() -> pushes().size() >= 2);
    assertThat(pushes()).allSatisfy(r -> assertThat(r.header("X-Line-Retry-Key")).isEqualTo(key));
    Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() ->
        ReplyDispatcher.status(kit.system(), "crash#answer").toCompletableFuture().get(5, TimeUnit.SECONDS).status(),
        "delivered"::equals);
    assertThat(LINE.deliveriesTo("Ucrash")).hasSize(1);
  }

  private static List<RecordedRequest> pushes() {
    return LINE.requests(FakeLinePlatform.PUSH_PATH).stream().filter(r -> r.bodyText().contains("Ucrash")).toList();
  }
}
