package org.linecommerce.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.gateway.CountingReactions;
import org.linecommerce.gateway.GatewayModule;
import org.linecommerce.gateway.WebhookHttp;
import org.linecommerce.gateway.line.LineChannel;
import org.linecommerce.gateway.line.LineOutbox;
import org.linecommerce.gateway.line.LineProfile;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;
import org.slf4j.LoggerFactory;

/**
 * The simulator's HTTP side on real nodes (H2, HTTP on port 0, the gateway with counting
 * reactions): served only in dry-run, signs only with the development secret, its signature
 * accepted by the real webhook (and a tampered body refused), profiles registered for the dry-run
 * LINE, and the per-chat event stream (replay, live entries, heartbeats, no leaked subscription).
 */
class DevChatRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicInteger ids = new AtomicInteger();
  private static final CountingReactions reactions = new CountingReactions();
  private static final ListAppender<ILoggingEvent> gatewayLog = new ListAppender<>();
  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static String base;

  @BeforeAll
  static void startDryRunNode() {
    gatewayLog.start();
    ((Logger) LoggerFactory.getLogger(GatewayModule.class)).addAppender(gatewayLog);
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, List.of(new GatewayModule(context -> reactions)),
        ConfigFactory.parseString("linecommerce.gateway.inbox.reorder-delay = 100 ms\n"
            + "linecommerce.gateway.dev-chat.heartbeat = 300 ms\n"
            // short, so a test can outlive it: the event stream must not be cut by it
            + "linecommerce.http.request-timeout = 3 s\n"));
    base = "http://127.0.0.1:" + cluster.node(0).httpPort();
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(GatewayModule.class)).detachAppender(gatewayLog);
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private static String userId() {
    return String.format("U%032x", System.nanoTime() * 1000 + ids.incrementAndGet());
  }

  private static HttpResponse<String> send(String method, String url, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) request.header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
    // bounded: a route that wrongly streams (an event stream where none should be) fails, not hangs
    return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .get(20, TimeUnit.SECONDS);
  }

  private static String textWebhook(String userId, String text) {
    return "{\"destination\":\"U0000000000000000000000000000dev0\",\"events\":[{\"type\":\"message\",\"mode\":\"active\","
        + "\"timestamp\":" + System.currentTimeMillis() + ",\"source\":{\"type\":\"user\",\"userId\":\"" + userId + "\"},"
        + "\"webhookEventId\":\"01JDEVCHAT" + String.format("%016d", ids.incrementAndGet()) + "\","
        + "\"deliveryContext\":{\"isRedelivery\":false},\"replyToken\":\"" + Long.toHexString(System.nanoTime()) + "\","
        + "\"message\":{\"id\":\"" + System.nanoTime() + "\",\"type\":\"text\",\"text\":\"" + text
        + "\",\"quoteToken\":\"q\"}}]}";
  }

  @Test
  void aBodySignedByTheSimulatorIsAcceptedByTheWebhookAndATamperedOneIsRefused() throws Exception {
    String userId = userId();
    String body = textWebhook(userId, "抹茶ありますか \uD83C\uDF75");
    HttpResponse<String> signed = send("POST", base + "/dev/chat/sign", body);
    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
    String signature = JSON.readTree(signed.body()).path("signature").asText();
    assertThat(signature).isNotBlank();

    HttpResponse<String> accepted = send("POST", base + "/webhook", body, "x-line-signature", signature);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    assertThat(accepted.body()).contains("\"recorded\":1");

    String tampered = body.replace("抹茶ありますか", "抹茶ください");
    HttpResponse<String> refused = send("POST", base + "/webhook", tampered, "x-line-signature", signature);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));

    Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(10))
        .until(() -> reactions.order(userId).size() == 1);
    assertThat(send("POST", base + "/dev/chat/sign", "").statusCode()).isEqualTo(400);
  }

  @Test
  void theStartLinePrintsTheSimulatorsAddress() {
    assertThat(gatewayLog.list).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(line -> assertThat(line).startsWith("LINE simulator: open " + base + "/dev/chat"));
  }

  @Test
  void thePageAndItsScriptAndStylesAreServedFromTheNode() throws Exception {
    HttpResponse<String> page = send("GET", base + "/dev/chat", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("/dev/chat/chat.js", "/dev/chat/chat.css").doesNotContain("https://", "http://");
    HttpResponse<String> script = send("GET", base + "/dev/chat/chat.js", null);
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).contains("/dev/chat/sign", "/webhook", "EventSource");
    assertThat(send("GET", base + "/dev/chat/chat.css", null).statusCode()).isEqualTo(200);
  }

  @Test
  void aRegisteredUserIsTheProfileTheDryRunLineAnswers() throws Exception {
    HttpResponse<String> created = send("POST", base + "/dev/chat/users", "{\"displayName\":\"あいこ\",\"language\":\"ja\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    String userId = JSON.readTree(created.body()).path("userId").asText();
    assertThat(userId).matches("U[0-9a-f]{32}");
    LineProfile profile = LineChannel.get(cluster.system(0)).messaging().profile(userId, null)
        .toCompletableFuture().get(5, TimeUnit.SECONDS).orElseThrow();
    assertThat(profile.displayName()).isEqualTo("あいこ");
    assertThat(profile.language()).isEqualTo("ja");

    HttpResponse<String> renamed = send("POST", base + "/dev/chat/users",
        "{\"userId\":\"" + userId + "\",\"displayName\":\"Somchai\",\"language\":\"th\"}");
    assertThat(JSON.readTree(renamed.body()).path("userId").asText()).isEqualTo(userId);
    assertThat(LineChannel.get(cluster.system(0)).messaging().profile(userId, null).toCompletableFuture().get()
        .orElseThrow().language()).isEqualTo("th");

    assertThat(send("POST", base + "/dev/chat/users", "{\"displayName\":\"\",\"language\":\"en\"}").statusCode()).isEqualTo(422);
    assertThat(send("POST", base + "/dev/chat/users", "{\"displayName\":\"x\",\"language\":\"<b>\"}").statusCode()).isEqualTo(422);
    assertThat(send("POST", base + "/dev/chat/users",
        "{\"userId\":\"Cgroup\",\"displayName\":\"x\",\"language\":\"en\"}").statusCode()).isEqualTo(422);
  }

  /** A raw HTTP/1.1 connection to the event stream: each {@code data:} line, and heartbeats, as they come. */
  private static final class EventStream implements AutoCloseable {
    final Socket socket;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final Thread reader;

    EventStream(String userId, String lastEventId) throws Exception {
      socket = new Socket("127.0.0.1", cluster.node(0).httpPort());
      OutputStream out = socket.getOutputStream();
      out.write(("GET /dev/chat/events?userId=" + userId + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
          + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      reader = new Thread(() -> {
        try {
          for (String line; (line = in.readLine()) != null; ) lines.add(line);
        } catch (Exception closed) {
          // the test closed the socket
        }
      }, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** The next non-empty {@code data:} payload as JSON (skipping headers, ids, chunk sizes and heartbeats). */
    JsonNode nextData(Duration within) throws Exception {
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && line.startsWith("data:") && !line.substring(5).isBlank()) return JSON.readTree(line.substring(5).trim());
      }
      return null;
    }

    /** Whether a line starting with {@code prefix} arrives in time. */
    boolean sawLine(String prefix, Duration within) throws Exception {
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && line.startsWith(prefix)) return true;
      }
      return false;
    }

    /** Whether a heartbeat (an event without data, or a comment) arrives in time. */
    boolean heartbeat(Duration within) throws Exception {
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && (line.startsWith(":") || (line.startsWith("data:") && line.substring(5).isBlank()))) return true;
      }
      return false;
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  private static LineOutbox.Entry record(String chatId, String text) {
    return LineChannel.get(cluster.system(0)).outbox().record("push", chatId,
        List.of("{\"type\":\"text\",\"text\":\"" + text + "\"}"), null, null, "test");
  }

  @Test
  void theEventStreamReplaysTheChatThenFollowsItAndLetsGoOfTheOutboxWhenTheClientLeaves() throws Exception {
    LineOutbox outbox = LineChannel.get(cluster.system(0)).outbox();
    String chat = userId();
    String other = userId();
    LineOutbox.Entry first = record(chat, "before connect");
    record(other, "someone else's");
    // a closed client is noticed at the latest when the next heartbeat cannot be written, so the
    // streams of earlier tests may take a moment to let go: start from none
    Awaitility.await("earlier tests' streams closed").pollInSameThread().atMost(Duration.ofSeconds(10))
        .until(() -> outbox.subscribers() == 0);
    int subscribersBefore = 0;

    List<JsonNode> seen = new ArrayList<>();
    try (EventStream stream = new EventStream(chat, null)) {
      assertThat(stream.sawLine("HTTP/1.1 200", Duration.ofSeconds(10))).isTrue();
      JsonNode replayed = stream.nextData(Duration.ofSeconds(10));
      assertThat(replayed).as("the entry recorded before connecting is replayed").isNotNull();
      assertThat(replayed.path("seq").asLong()).isEqualTo(first.seq());
      assertThat(replayed.path("kind").asText()).isEqualTo("push");
      assertThat(replayed.path("messages").get(0).path("text").asText()).isEqualTo("before connect");
      Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(5))
          .until(() -> outbox.subscribers() == subscribersBefore + 1);

      record(other, "not for this chat");
      LineOutbox.Entry live = record(chat, "after connect");
      JsonNode next = stream.nextData(Duration.ofSeconds(10));
      assertThat(next).isNotNull();
      assertThat(next.path("seq").asLong()).as("only this chat's entries, in order").isEqualTo(live.seq());
      seen.add(replayed);
      seen.add(next);
      assertThat(stream.heartbeat(Duration.ofSeconds(3))).as("heartbeats while the chat is quiet").isTrue();
    }
    Awaitility.await("the stream's subscription closed when the client left").pollInSameThread()
        .atMost(Duration.ofSeconds(10)).until(() -> outbox.subscribers() == subscribersBefore);

    String firstId = seen.get(0).path("epoch").asText() + "-" + first.seq();
    try (EventStream resumed = new EventStream(chat, firstId)) {
      JsonNode again = resumed.nextData(Duration.ofSeconds(10));
      assertThat(again).isNotNull();
      assertThat(again.path("seq").asLong()).as("Last-Event-ID: only what came after it").isEqualTo(seen.get(1).path("seq").asLong());
    }
    try (EventStream afterRestart = new EventStream(chat, "an0ther3poch-" + (seen.get(1).path("seq").asLong() + 5))) {
      JsonNode replayed = afterRestart.nextData(Duration.ofSeconds(10));
      assertThat(replayed).isNotNull();
      assertThat(replayed.path("seq").asLong()).as("an id of another run of the node: everything is replayed").isEqualTo(first.seq());
    }
    Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> outbox.subscribers() == subscribersBefore);
  }

  @Test
  void theEventStreamOutlivesTheRequestTimeout() throws Exception {
    String chat = userId();
    try (EventStream stream = new EventStream(chat, null)) {
      assertThat(stream.sawLine("HTTP/1.1 200", Duration.ofSeconds(10))).isTrue();
      Awaitility.await().pollInSameThread().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
      LineOutbox.Entry late = record(chat, "after the request timeout");
      JsonNode data = stream.nextData(Duration.ofSeconds(10));
      assertThat(data).as("still streaming after linecommerce.http.request-timeout").isNotNull();
      assertThat(data.path("seq").asLong()).isEqualTo(late.seq());
    }
  }

  @Test
  void entriesRecordedWhileClientsConnectAreNeitherLostNorDoubled() throws Exception {
    String chat = userId();
    int total = 40; // below REPLAY: whether an entry is replayed or streamed live, it arrives
    Thread writer = new Thread(() -> {
      for (int i = 0; i < total; i++) record(chat, "n" + i);
    });
    List<Long> received = new ArrayList<>();
    try (EventStream stream = new EventStream(chat, null)) {
      writer.start(); // races the stream's subscription and replay snapshot
      for (int i = 0; i < total; i++) {
        JsonNode data = stream.nextData(Duration.ofSeconds(10));
        assertThat(data).as("entry " + i).isNotNull();
        received.add(data.path("seq").asLong());
      }
      writer.join();
      assertThat(stream.nextData(Duration.ofMillis(700))).as("no entry twice").isNull();
    }
    // at most the last REPLAY entries are replayed; whatever connected first, all arrive once, in order
    assertThat(received).doesNotHaveDuplicates().isSorted().hasSize(total);
  }

  @Test
  void withALineTokenTheSimulatorIsNotServed() throws Exception {
    try (TestDatabase liveDb = TestDatabase.h2();
        InProcessCluster live = InProcessCluster.start(1, liveDb, List.of(new GatewayModule(context -> reactions)),
            ConfigFactory.parseString("linecommerce.line.channel-access-token = \"a-real-looking-token\"\n"
                + "linecommerce.line.api-base-url = \"http://127.0.0.1:9\"\n"))) {
      String liveBase = "http://127.0.0.1:" + live.node(0).httpPort();
      for (HttpResponse<String> r : List.of(
          send("GET", liveBase + "/dev/chat", null),
          send("GET", liveBase + "/dev/chat/chat.js", null),
          send("POST", liveBase + "/dev/chat/sign", textWebhook(userId(), "hi")),
          send("POST", liveBase + "/dev/chat/users", "{\"displayName\":\"x\",\"language\":\"en\"}"),
          send("GET", liveBase + "/dev/chat/events?userId=" + userId(), null))) {
        assertThat(r.statusCode()).as(r.uri() + " " + r.body()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
      }
    }
  }

  @Test
  void withARealChannelSecretTheSimulatorRefusesToSign() throws Exception {
    try (TestDatabase secretDb = TestDatabase.h2();
        InProcessCluster node = InProcessCluster.start(1, secretDb, List.of(new GatewayModule(context -> reactions)),
            ConfigFactory.parseString("linecommerce.line.channel-secret = \"the-real-channel-secret\"\n"))) {
      String nodeBase = "http://127.0.0.1:" + node.node(0).httpPort();
      HttpResponse<String> refused = send("POST", nodeBase + "/dev/chat/sign", textWebhook(userId(), "hi"));
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("real-channel-secret").doesNotContain("the-real-channel-secret");
      assertThat(send("GET", nodeBase + "/dev/chat", null).statusCode()).as("the page itself is still served").isEqualTo(200);
    }
  }
}
