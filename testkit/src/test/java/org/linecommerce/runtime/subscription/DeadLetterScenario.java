package org.linecommerce.runtime.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * The dead-letter scenario, run on H2 by {@link DeadLetterStoreH2Test} and on PostgreSQL by
 * {@link DeadLetterStorePostgresTest}: a handler keeps failing on some events; those go to the
 * dead-letter store after the retries while every other event keeps flowing, and the admin API,
 * over real HTTP against a real node, lists, retries and discards them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DeadLetterScenario {

  static final String SUBSCRIPTION = "dead-letter-test";
  static final String POISON_RETRY = "poison-retry";
  static final String POISON_FAIL_AGAIN = "poison-fail-again";
  static final String POISON_DISCARD = "poison-discard";
  static final Set<String> POISON = Set.of(POISON_RETRY, POISON_FAIL_AGAIN, POISON_DISCARD);
  static final int MAX_ATTEMPTS = 3;
  static final String ADMIN_TOKEN = "Bearer dev-admin-token";

  final RecordingHandler handler = new RecordingHandler();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final ObjectMapper json = new ObjectMapper();
  private final TestDatabase.Kind kind;
  TestDatabase db;
  InProcessCluster cluster;
  Set<String> goodEvents;
  /** event id → persistence id and sequence nr (the dead letter's key). */
  final Map<String, String> eventKeys = new ConcurrentHashMap<>();
  /** the dead letters as first recorded, before the admin tests act on them. */
  final Map<String, StoredRow> recorded = new ConcurrentHashMap<>();
  /** the events the handler had got before the admin tests act. */
  Set<String> deliveredBeforeAdmin;
  /** pending dead letters per subscription before the admin tests act. */
  Map<String, Long> pendingBeforeAdmin;

  DeadLetterScenario(TestDatabase.Kind kind) {
    this.kind = kind;
  }

  @BeforeAll
  void startNodeAndFeedEvents() throws Exception {
    Config config = ConfigFactory.parseString("""
        linecommerce.subscriptions.max-attempts = %d
        linecommerce.subscriptions.retry-backoff = 20ms
        linecommerce.subscriptions.max-retry-backoff = 100ms
        pekko.projection.at-least-once.save-offset-after-envelopes = 10
        pekko.projection.at-least-once.save-offset-after-duration = 100ms
        linecommerce.metrics.poll-interval = 200ms
        """.formatted(MAX_ATTEMPTS));
    POISON.forEach(handler::poison);
    db = TestDatabase.of(kind);
    cluster = InProcessCluster.start(1, db, List.of(Beacon.module(system ->
        EventSubscription.start(system, SUBSCRIPTION, Beacon.TAGS, Beacon.Event.class, handler))), config);
    ActorSystem<?> system = cluster.system(0);

    // each poison event sits in the middle of an entity's stream, so events after it on its tag must still flow
    List<String> ids = IntStream.range(0, 100).mapToObj(i -> "event-" + i).collect(Collectors.toCollection(ArrayList::new));
    ids.set(10, POISON_RETRY);
    ids.set(21, POISON_FAIL_AGAIN);
    ids.set(32, POISON_DISCARD);
    List<CompletableFuture<?>> emitted = new ArrayList<>();
    int[] seqByEntity = new int[8];
    for (int i = 0; i < ids.size(); i++) {
      String entity = "beacon-" + (i % 8);
      eventKeys.put(ids.get(i), "Beacon|" + entity + "#" + (++seqByEntity[i % 8]));
      emitted.add(Beacon.emit(system, entity, ids.get(i)).toCompletableFuture());
      // one at a time per entity round, so sequence numbers follow the order above
      if (i % 8 == 7) CompletableFuture.allOf(emitted.toArray(CompletableFuture[]::new)).join();
    }
    CompletableFuture.allOf(emitted.toArray(CompletableFuture[]::new)).join();
    goodEvents = ids.stream().filter(id -> !POISON.contains(id)).collect(Collectors.toSet());

    Awaitility.await("good events delivered and poison events dead-lettered")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> handler.deliveredIds().containsAll(goodEvents) && storedDeadLetters().size() == POISON.size());
    for (String poison : POISON) recorded.put(poison, storedRow(poison));
    deliveredBeforeAdmin = handler.deliveredIds();
    pendingBeforeAdmin = DeadLetterStore.get(system).pendingBySubscription().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Awaitility.await("the dead-letter gauge has read the store").atMost(Duration.ofSeconds(10)).pollInSameThread()
        .until(() -> DeadLetterGauge.get(system).pending(SUBSCRIPTION) == POISON.size());
  }

  @AfterAll
  void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  @Test
  void eventThatKeepsFailingGoesToDeadLetterStoreAfterRetriesWhileOtherEventsKeepFlowing() {
    assertThat(deliveredBeforeAdmin).containsAll(goodEvents).doesNotContainAnyElementsOf(POISON);
    assertThat(recorded.keySet()).containsExactlyInAnyOrderElementsOf(POISON);
    recorded.forEach((poison, row) -> {
      assertThat(row.subscription()).as(poison).isEqualTo(SUBSCRIPTION);
      assertThat(row.status()).as(poison).isEqualTo("pending");
      assertThat(row.attempts()).as(poison).isEqualTo(MAX_ATTEMPTS);
      assertThat(row.error()).as(poison)
          .contains("IllegalStateException", "cannot handle " + poison, "call " + MAX_ATTEMPTS);
      assertThat(row.eventType()).as(poison).isEqualTo(Beacon.Emitted.class.getName());
      assertThat(row.serializerId()).as(poison).isPositive();
      assertThat(row.payloadSize()).as(poison).isPositive();
      assertThat(row.createdAt()).as(poison).isNotNull();
      assertThat(row.updatedAt()).as(poison).isNotNull();
      assertThat(handler.attempts(poison)).as(poison).isGreaterThanOrEqualTo(MAX_ATTEMPTS);
    });
  }

  @Test
  void pendingDeadLettersAreCountedPerSubscriptionForTheGauge() throws Exception {
    assertThat(pendingBeforeAdmin).containsEntry(SUBSCRIPTION, (long) POISON.size());
    String scraped = org.linecommerce.runtime.health.Metrics.get(cluster.system(0)).registry().scrape();
    assertThat(scraped).containsPattern("subscription_dead_letters\\{[^}]*subscription=\"" + SUBSCRIPTION + "\"[^}]*\\} [1-9]");
  }

  @Test
  void retryThroughAdminApiRedeliversTheEventToTheHandlerAndMarksItRedelivered() throws Exception {
    long id = deadLetterId(POISON_RETRY);
    handler.heal(POISON_RETRY);

    HttpResponse<String> response = post("/admin/dead-letters/" + id + "/retry");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("id").asLong()).isEqualTo(id);
    assertThat(body.get("status").asText()).isEqualTo("redelivered");
    assertThat(body.get("subscription").asText()).isEqualTo(SUBSCRIPTION);
    assertThat(handler.deliveries(POISON_RETRY)).isEqualTo(1);
    EventDelivery<Beacon.Event> delivery = handler.lastDelivery(POISON_RETRY);
    assertThat(delivery.redelivery()).isTrue();
    assertThat(delivery.eventKey()).isEqualTo(eventKeys.get(POISON_RETRY));
    assertThat(delivery.event()).isEqualTo(new Beacon.Emitted(POISON_RETRY));
    assertThat(storedRow(POISON_RETRY).status()).isEqualTo("redelivered");

    HttpResponse<String> listed = get("/admin/dead-letters?status=redelivered");
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(ids(json.readTree(listed.body()))).contains(id);

    HttpResponse<String> again = post("/admin/dead-letters/" + id + "/retry");
    assertProblem(again, 409, null);
  }

  @Test
  void retryThatFailsAgainKeepsTheDeadLetterPendingWithTheNewError() throws Exception {
    long id = deadLetterId(POISON_FAIL_AGAIN);
    int attemptsBefore = storedRow(POISON_FAIL_AGAIN).attempts();

    HttpResponse<String> response = post("/admin/dead-letters/" + id + "/retry");

    JsonNode problem = assertProblem(response, 502, null);
    assertThat(problem.get("detail").asText()).contains("cannot handle " + POISON_FAIL_AGAIN);
    StoredRow row = storedRow(POISON_FAIL_AGAIN);
    assertThat(row.status()).isEqualTo("pending");
    assertThat(row.attempts()).isEqualTo(attemptsBefore + 1);
    assertThat(row.error()).contains("call " + (MAX_ATTEMPTS + 1));
    assertThat(handler.deliveries(POISON_FAIL_AGAIN)).isZero();
  }

  @Test
  void discardThroughAdminApiMarksTheDeadLetterDiscarded() throws Exception {
    long id = deadLetterId(POISON_DISCARD);

    HttpResponse<String> response = post("/admin/dead-letters/" + id + "/discard");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json.readTree(response.body()).get("status").asText()).isEqualTo("discarded");
    assertThat(storedRow(POISON_DISCARD).status()).isEqualTo("discarded");
    HttpResponse<String> listed = get("/admin/dead-letters?status=discarded&subscription=" + SUBSCRIPTION);
    assertThat(ids(json.readTree(listed.body()))).containsExactly(id);
    assertThat(handler.deliveries(POISON_DISCARD)).isZero();
  }

  @Test
  void listingShowsEveryDeadLetterNewestFirstAndHonoursFilters() throws Exception {
    HttpResponse<String> all = get("/admin/dead-letters");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode body = json.readTree(all.body());
    assertThat(body.get("count").asInt()).isEqualTo(POISON.size());
    List<Long> expectedIds = new ArrayList<>();
    for (String poison : POISON) expectedIds.add(deadLetterId(poison));
    assertThat(ids(body)).containsExactlyInAnyOrderElementsOf(expectedIds);
    List<Instant> created = new ArrayList<>();
    body.get("items").forEach(item -> created.add(Instant.parse(item.get("createdAt").asText())));
    for (int i = 1; i < created.size(); i++) {
      assertThat(created.get(i)).as("newest first").isBeforeOrEqualTo(created.get(i - 1));
    }
    JsonNode first = body.get("items").get(0);
    assertThat(first.get("eventKey").asText()).startsWith("Beacon|");
    assertThat(first.get("eventType").asText()).isEqualTo(Beacon.Emitted.class.getName());
    assertThat(first.has("error")).isTrue();
    assertThat(first.has("attempts")).isTrue();

    assertThat(json.readTree(get("/admin/dead-letters?limit=1").body()).get("items")).hasSize(1);
    assertThat(json.readTree(get("/admin/dead-letters?subscription=someone-else").body()).get("count").asInt()).isZero();
    for (JsonNode item : json.readTree(get("/admin/dead-letters?status=pending").body()).get("items")) {
      assertThat(item.get("status").asText()).isEqualTo("pending");
    }
    assertProblem(get("/admin/dead-letters?status=lost"), 400, null);
    assertProblem(get("/admin/dead-letters?limit=0"), 400, null);
  }

  @Test
  void unknownDeadLetterIdAnswers404ProblemJson() throws Exception {
    assertProblem(post("/admin/dead-letters/987654321/retry", "corr-404-retry"), 404, "corr-404-retry");
    assertProblem(post("/admin/dead-letters/987654321/discard", "corr-404-discard"), 404, "corr-404-discard");
    assertProblem(get("/admin/dead-letters/987654321"), 404, null);
    assertProblem(post("/admin/dead-letters/not-a-number/retry", null), 404, null);
  }

  @Test
  void countersTrackProcessedRetriedAndDeadLetteredEvents() {
    MeterRegistry registry = Metrics.get(cluster.system(0)).registry();
    assertThat(registry.get("subscription.events.processed").tag("subscription", SUBSCRIPTION).counter().count())
        .isGreaterThanOrEqualTo(goodEvents.size());
    assertThat(registry.get("subscription.events.retried").tag("subscription", SUBSCRIPTION).counter().count())
        .isEqualTo(POISON.size() * (MAX_ATTEMPTS - 1));
    assertThat(registry.get("subscription.events.dead_lettered").tag("subscription", SUBSCRIPTION).counter().count())
        .isEqualTo(POISON.size());
  }

  // --- HTTP -------------------------------------------------------------------------------------

  HttpResponse<String> get(String path) throws Exception {
    return http.send(request(path, null).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path) throws Exception {
    return post(path, null);
  }

  HttpResponse<String> post(String path, String correlationId) throws Exception {
    return http.send(request(path, correlationId).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder request(String path, String correlationId) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(0).httpPort() + path))
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", ADMIN_TOKEN);
    if (correlationId != null) b.header("X-Correlation-ID", correlationId);
    return b;
  }

  JsonNode assertProblem(HttpResponse<String> response, int status, String correlationId) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.get("type").asText()).isNotBlank();
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asText()).isNotBlank();
    assertThat(problem.get("correlationId").asText()).isNotBlank();
    if (correlationId != null) assertThat(problem.get("correlationId").asText()).isEqualTo(correlationId);
    return problem;
  }

  List<Long> ids(JsonNode list) {
    List<Long> ids = new ArrayList<>();
    list.get("items").forEach(item -> ids.add(item.get("id").asLong()));
    return ids;
  }

  // --- the stored rows --------------------------------------------------------------------------

  record StoredRow(long id, String subscription, String eventType, int serializerId, int payloadSize,
      String error, int attempts, String status, Object createdAt, Object updatedAt) {}

  long deadLetterId(String eventId) throws Exception {
    return storedRow(eventId).id();
  }

  StoredRow storedRow(String eventId) throws Exception {
    String key = eventKeys.get(eventId);
    int hash = key.lastIndexOf('#');
    try (Connection c = db.connect();
        PreparedStatement q = c.prepareStatement(
            "SELECT id, subscription, event_type, serializer_id, payload, error_message, attempts, status, created_at, updated_at"
                + " FROM dead_letter WHERE persistence_id = ? AND sequence_nr = ?")) {
      q.setString(1, key.substring(0, hash));
      q.setLong(2, Long.parseLong(key.substring(hash + 1)));
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) return null;
        byte[] payload = rs.getBytes("payload");
        return new StoredRow(rs.getLong("id"), rs.getString("subscription"), rs.getString("event_type"),
            rs.getInt("serializer_id"), payload == null ? 0 : payload.length, rs.getString("error_message"),
            rs.getInt("attempts"), rs.getString("status"), rs.getObject("created_at"), rs.getObject("updated_at"));
      }
    }
  }

  List<Long> storedDeadLetters() throws Exception {
    List<Long> ids = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement q = c.prepareStatement("SELECT id FROM dead_letter");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) ids.add(rs.getLong(1));
    }
    return ids;
  }
}
