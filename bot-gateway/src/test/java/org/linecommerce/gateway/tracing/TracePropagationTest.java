package org.linecommerce.gateway.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.conversation.ConversationModule;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.gateway.GatewayModule;
import org.linecommerce.testkit.FakeHttpServer;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.FakeOpenAiServer;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * One webhook event's W3C trace reaches both HTTP calls it causes, through the inbox's persisted
 * event, the chat reaction, the conversation ask, the AI provider chain and the reply dispatcher:
 * the fake AI vendor's chat-completions request and the fake LINE platform's reply carry a
 * {@code traceparent} with the trace id the webhook came with. With tracing off (no OTLP endpoint)
 * and with it on, when the node's spans also reach an OTLP collector (a loopback server here).
 */
class TracePropagationTest {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String PARENT_ID = "b7ad6b7169203331";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void withTracingOffTheWebhooksTraceIdReachesTheAiVendorAndTheLineReply() throws Exception {
    try (Node node = Node.start(null)) {
      node.send(node.line.textEvent("Utraceoff" + Long.toHexString(System.nanoTime()), "do you have matcha?"), TRACEPARENT);
      node.awaitAnswered();
      // no spans: the meta's traceparent travels unchanged
      assertThat(node.lineTraceparents()).allSatisfy(tp -> assertThat(tp).isEqualTo(TRACEPARENT));
      assertThat(node.vendorTraceparents()).allSatisfy(tp -> assertThat(tp).isEqualTo(TRACEPARENT));
    }
  }

  /**
   * A follow starts the onboarding saga (profile call, welcome); an order left unconfirmed is
   * expired by the checkout saga's deadline, and the order-event subscription pushes the expiry.
   * Each LINE call carries the trace of the webhook that caused it, across the sagas' persisted
   * steps and the subscription.
   */
  @Test
  void sagasAndSubscriptionsContinueTheTraceOfTheWebhookThatCausedThem() throws Exception {
    String follow = "00-" + "1f".repeat(16) + "-" + PARENT_ID + "-01";
    String order = "00-" + "2e".repeat(16) + "-" + PARENT_ID + "-01";
    try (Node node = Node.start(null)) {
      String userId = "Utracesaga" + Long.toHexString(System.nanoTime());
      node.line.addProfile(userId, "Aiko", "en");
      node.send(node.line.followEvent(userId, false), follow);
      node.awaitDeliveries(userId, 1);
      int afterFollow = node.line.requests().size();

      node.send(node.line.postbackEvent(userId, "action=order_product&productId=matcha-powder-1&quantity=1"), order);
      node.awaitDeliveries(userId, 3); // the order summary, then the expiry pushed by the subscription
      assertThat(node.line.deliveriesTo(userId).get(2).via()).isEqualTo("push");

      List<FakeHttpServer.RecordedRequest> calls = node.line.requests();
      assertThat(calls.subList(0, afterFollow)).as("the onboarding saga's calls (profile, welcome)")
          .anySatisfy(r -> assertThat(r.path()).startsWith(FakeLinePlatform.PROFILE_PATH))
          .allSatisfy(r -> assertThat(r.header("traceparent")).isEqualTo(follow));
      assertThat(calls.subList(afterFollow, calls.size())).as("the order summary and the expiry push")
          .anySatisfy(r -> assertThat(r.path()).isEqualTo(FakeLinePlatform.PUSH_PATH))
          .allSatisfy(r -> assertThat(r.header("traceparent")).isEqualTo(order));
    }
  }

  @Test
  void withOtlpOnTheTraceIdReachesBothCallsUnderTheNodesSpansAndTheSpansAreExported() throws Exception {
    List<byte[]> exports = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/", exchange -> {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      exchange.getRequestBody().transferTo(body);
      if (exchange.getRequestMethod().equals("POST") && exchange.getRequestURI().getPath().equals("/v1/traces")) {
        exports.add(body.toByteArray());
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    collector.start();
    try (Node node = Node.start("http://127.0.0.1:" + collector.getAddress().getPort())) {
      node.send(node.line.textEvent("Utraceon" + Long.toHexString(System.nanoTime()), "do you have matcha?"), TRACEPARENT);
      node.awaitAnswered();
      // the trace id stays; the parent is a span of the node (the webhook's server span, a client span)
      assertThat(node.lineTraceparents()).allSatisfy(tp ->
          assertThat(tp).startsWith("00-" + TRACE_ID + "-").doesNotContain(PARENT_ID));
      assertThat(node.vendorTraceparents()).allSatisfy(tp ->
          assertThat(tp).startsWith("00-" + TRACE_ID + "-").doesNotContain(PARENT_ID));

      byte[] traceId = HexFormat.of().parseHex(TRACE_ID);
      byte[] lineSpan = HexFormat.of().parseHex(node.lineTraceparents().get(0).substring(36, 52));
      Awaitility.await("the LINE call's span exported to the collector").atMost(Duration.ofSeconds(30))
          .pollInSameThread().pollInterval(Duration.ofMillis(200))
          .until(() -> exports.stream().anyMatch(b -> contains(b, traceId) && contains(b, lineSpan)));
    } finally {
      collector.stop(0);
    }
  }

  /** One node with all four domains, the fake LINE platform and the fake AI vendor (openai, then local). */
  private record Node(TestDatabase db, InProcessCluster cluster, FakeLinePlatform line, FakeOpenAiServer vendor)
      implements AutoCloseable {

    static Node start(String otlpEndpoint) {
      FakeLinePlatform line = new FakeLinePlatform();
      FakeOpenAiServer vendor = new FakeOpenAiServer().answer("We have matcha powder.");
      TestDatabase db = TestDatabase.h2();
      String config = line.nodeConfig()
          + "linecommerce.gateway.inbox.reorder-delay = 100 ms\n"
          + "linecommerce.orders.reservation-ttl = 3s\n"
          + "linecommerce.conversation.providers = \"openai,local\"\n"
          + "linecommerce.conversation.openai.base-url = \"" + vendor.apiBaseUrl() + "\"\n"
          + "linecommerce.conversation.openai.api-key = \"sk-trace-test\"\n"
          + (otlpEndpoint == null ? "" : "linecommerce.tracing.otlp-endpoint = \"" + otlpEndpoint + "\"\n");
      InProcessCluster cluster = InProcessCluster.start(1, db,
          List.of(new CatalogModule(), new CustomerModule(), new ConversationModule(), new GatewayModule()),
          ConfigFactory.parseString(config));
      return new Node(db, cluster, line, vendor);
    }

    void send(FakeLinePlatform.WebhookEvent event, String traceparent) throws Exception {
      byte[] body = line.webhookBody(List.of(event)).getBytes(StandardCharsets.UTF_8);
      HttpRequest request = HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + cluster.node(0).httpPort() + "/webhook"))
          .header("Content-Type", "application/json")
          .header("x-line-signature", line.sign(body))
          .header("traceparent", traceparent)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
      // a 503 (the inbox not answering in time on a fresh, busy node) is redelivered, as LINE does
      Awaitility.await("webhook acknowledged").atMost(Duration.ofSeconds(30)).pollInSameThread()
          .pollInterval(Duration.ofMillis(500))
          .until(() -> HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode(), status -> {
            assertThat(status).isIn(200, 503);
            return status == 200;
          });
    }

    void awaitDeliveries(String chatId, int count) {
      Awaitility.await(count + " deliveries to " + chatId).atMost(Duration.ofSeconds(40))
          .pollInSameThread().pollInterval(Duration.ofMillis(100))
          .until(() -> line.deliveriesTo(chatId).size() >= count);
    }

    void awaitAnswered() {
      Awaitility.await("the vendor asked and the answer delivered to LINE").atMost(Duration.ofSeconds(30))
          .pollInSameThread().pollInterval(Duration.ofMillis(100))
          .until(() -> !vendor.chatRequests().isEmpty() && !line.deliveries().isEmpty());
    }

    /** The traceparent of every call the node made to LINE's Messaging API (reply, push, loading, profile). */
    List<String> lineTraceparents() {
      List<FakeHttpServer.RecordedRequest> calls = line.requests().stream()
          .filter(r -> r.path().startsWith("/v2/bot/")).toList();
      assertThat(calls).as("calls to LINE").isNotEmpty()
          .anySatisfy(r -> assertThat(r.path()).isIn(FakeLinePlatform.REPLY_PATH, FakeLinePlatform.PUSH_PATH));
      return calls.stream().map(r -> r.header("traceparent")).toList();
    }

    /** The traceparent of every chat-completions request the vendor received. */
    List<String> vendorTraceparents() {
      List<String> all = vendor.chatRequests().stream().map(r -> r.header("traceparent")).toList();
      assertThat(all).as("calls to the AI vendor").isNotEmpty();
      return all;
    }

    @Override
    public void close() {
      cluster.close();
      db.close();
      line.close();
      vendor.close();
    }
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return true;
    }
    return false;
  }
}
