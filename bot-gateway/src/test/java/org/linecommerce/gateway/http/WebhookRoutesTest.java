package org.linecommerce.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.gateway.CountingReactions;
import org.linecommerce.gateway.GatewayModule;
import org.linecommerce.gateway.WebhookFixtures;
import org.linecommerce.gateway.WebhookHttp;
import org.linecommerce.gateway.line.LineSignature;
import org.linecommerce.gateway.line.WebhookParser;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * {@code POST /webhook} on a real node (H2, HTTP on port 0) with counting reactions: every LINE
 * fixture acknowledged when signed, every signature failure refused before anything is recorded,
 * the size limit, malformed bodies, LINE's connection check, duplicates (one after another and at
 * once) recorded and reacted to once, and a chat's events reacted to in timestamp order though
 * they arrive in the opposite order.
 */
class WebhookRoutesTest {

  static final String SECRET = "webhook-routes-test-secret";
  private static final AtomicInteger ids = new AtomicInteger();
  private static final CountingReactions reactions = new CountingReactions();
  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static WebhookHttp line;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, List.of(new GatewayModule(context -> reactions)),
        ConfigFactory.parseString("linecommerce.line.channel-secret = \"" + SECRET + "\"\n"
            + "linecommerce.gateway.inbox.reorder-delay = 200 ms"));
    line = new WebhookHttp(cluster.node(0).httpPort(), SECRET);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private final String userId = "Uroutes" + ids.incrementAndGet() + "x" + Long.toHexString(System.nanoTime());

  /** Journal rows of the ChatInbox of {@code chatId}. */
  private static int journalRows(String chatId) throws Exception {
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM \"event_journal\" WHERE \"persistence_id\" = ?")) {
      s.setString(1, "ChatInbox|" + chatId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  private static void assertProblem(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void everyLineFixtureIsAcknowledgedWhenSignedAndItsEventsAreReactedTo() throws Exception {
    WebhookParser parser = new WebhookParser();
    // fixtures repeat events (same content, or the Python one's shared "testwebhookeventid"): each
    // distinct event of a chat is reacted to once, so an id is reacted to once per chat it is in
    java.util.Map<String, java.util.Set<String>> chatsById = new java.util.HashMap<>();
    for (Path fixture : WebhookFixtures.all()) {
      byte[] body = WebhookFixtures.bytes(fixture.toString());
      HttpResponse<String> r = line.signed(body);
      assertThat(r.statusCode()).as(fixture + ": " + r.body()).isEqualTo(200);
      parser.parse(body).events()
          .forEach(e -> chatsById.computeIfAbsent(e.eventId(), k -> new java.util.HashSet<>()).add(e.source().chatId()));
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInSameThread()
        .untilAsserted(() -> assertThat(chatsById).allSatisfy((id, chats) ->
            assertThat(reactions.calls(id)).as(id).isEqualTo(chats.size())));
  }

  @Test
  void theSignatureHeaderNameIsCaseInsensitive() {
    byte[] body = WebhookHttp.textEvent(userId, "case-" + userId, 1, "hi").getBytes(StandardCharsets.UTF_8);
    assertThat(line.post(body, "X-Line-Signature", LineSignature.sign(SECRET, body)).statusCode()).isEqualTo(200);
  }

  @Test
  void everySignatureFailureIs401AndRecordsNothing() throws Exception {
    byte[] body = WebhookHttp.textEvent(userId, "sig-" + userId, 1, "hi").getBytes(StandardCharsets.UTF_8);
    byte[] tampered = WebhookHttp.textEvent(userId, "sig-" + userId, 1, "ho").getBytes(StandardCharsets.UTF_8);
    assertProblem(line.post(body, null, null), 401);
    assertProblem(line.post(body, "x-line-signature", ""), 401);
    assertProblem(line.post(body, "x-line-signature", "not base64 at all!"), 401);
    assertProblem(line.post(body, "x-line-signature", LineSignature.sign("another-channel", body)), 401);
    assertProblem(line.post(tampered, "x-line-signature", LineSignature.sign(SECRET, body)), 401);
    assertProblem(line.post(body, "x-line-signature", LineSignature.sign(SECRET, body).substring(4)), 401);
    // a signature over a re-serialised body is not the signature of the bytes sent
    assertProblem(line.post(body, "x-line-signature",
        LineSignature.sign(SECRET, new String(body, StandardCharsets.UTF_8).replace(",", ", ").getBytes(StandardCharsets.UTF_8))), 401);
    assertThat(journalRows(userId)).isZero();
    assertThat(reactions.calls("sig-" + userId)).isZero();
  }

  @Test
  void aBodyOverOneMebibyteIs413() throws Exception {
    String padding = "x".repeat(1024 * 1024 + 10);
    byte[] body = WebhookHttp.textEvent(userId, "big-" + userId, 1, padding).getBytes(StandardCharsets.UTF_8);
    assertProblem(line.post(body, "x-line-signature", LineSignature.sign(SECRET, body)), 413);
    // the same without Content-Length (chunked): cut while reading
    HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(0).httpPort() + "/webhook"))
        .header("Content-Type", "application/json")
        .header("x-line-signature", LineSignature.sign(SECRET, body))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
        .build();
    assertProblem(HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString()), 413);
    assertThat(journalRows(userId)).isZero();
  }

  @Test
  void aSignedBodyThatIsNotAWebhookIs400() {
    assertProblem(line.signed("{\"events\": [ {\"type\": "), 400);
    assertProblem(line.signed("not json"), 400);
    assertProblem(line.signed("{\"destination\":\"U1\"}"), 400);
    assertProblem(line.signed("[]"), 400);
  }

  @Test
  void webhookOutcomesAndAcceptTimeAreInTheMetrics() throws Exception {
    line.signed(WebhookHttp.textEvent(userId, "01MET" + userId, 1, "hi"));
    line.post("{}".getBytes(StandardCharsets.UTF_8), null, null);
    HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + cluster.node(0).httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).containsPattern("line_webhook_requests_total\\{[^}]*outcome=\"accepted\"")
        .containsPattern("line_webhook_requests_total\\{[^}]*outcome=\"unauthorized\"")
        .containsPattern("line_webhook_events_total\\{[^}]*result=\"accepted\"[^}]*type=\"message\"")
        .contains("line_webhook_accept_seconds_count");
  }

  @Test
  void linesConnectionCheckWithoutEventsIs200() {
    assertThat(line.signed("{\"destination\":\"Uab012345678901234567890123456789\",\"events\":[]}").statusCode()).isEqualTo(200);
  }

  @Test
  void theSameEventDeliveredThreeTimesInARowIsRecordedAndReactedToOnce() throws Exception {
    String eventId = "01SEQ" + userId;
    String body = WebhookHttp.textEvent(userId, eventId, 1000, "hello");
    for (int i = 0; i < 3; i++) assertThat(line.signed(body).statusCode()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInSameThread().until(() -> reactions.calls(eventId) == 1);
    assertThat(journalRows(userId)).as("one accepted, one handled").isEqualTo(2);
    assertThat(reactions.order(userId)).containsExactly(eventId);
  }

  @Test
  void theSameEventDeliveredThreeTimesAtOnceIsRecordedAndReactedToOnce() throws Exception {
    String eventId = "01CON" + userId;
    String body = WebhookHttp.textEvent(userId, eventId, 1000, "hello");
    List<CompletableFuture<Integer>> posts = new ArrayList<>();
    for (int i = 0; i < 3; i++) posts.add(CompletableFuture.supplyAsync(() -> line.signed(body).statusCode()));
    assertThat(posts).allMatch(p -> p.join() == 200);
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInSameThread().until(() -> reactions.calls(eventId) == 1);
    assertThat(journalRows(userId)).isEqualTo(2);
  }

  @Test
  void aChatsEventsAreReactedToInTimestampOrderThoughTheyArriveInReverse() {
    String first = "01ORD1" + userId;
    String second = "01ORD2" + userId;
    String third = "01ORD3" + userId;
    assertThat(line.signed(WebhookHttp.textEvent(userId, third, 3000, "three")).statusCode()).isEqualTo(200);
    assertThat(line.signed(WebhookHttp.textEvent(userId, second, 2000, "two")).statusCode()).isEqualTo(200);
    assertThat(line.signed(WebhookHttp.textEvent(userId, first, 1000, "one")).statusCode()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInSameThread()
        .untilAsserted(() -> assertThat(reactions.order(userId)).containsExactly(first, second, third));
  }

  @Test
  void oneRequestWithEventsOfSeveralChatsReachesEachChat() {
    String other = userId + "b";
    String body = WebhookHttp.events(WebhookHttp.textEventJson(userId, "01MA" + userId, 1, "a"),
        WebhookHttp.textEventJson(other, "01MB" + userId, 2, "b"));
    HttpResponse<String> r = line.signed(body);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"recorded\":2");
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInSameThread()
        .until(() -> reactions.order(userId).size() == 1 && reactions.order(other).size() == 1);
  }
}
