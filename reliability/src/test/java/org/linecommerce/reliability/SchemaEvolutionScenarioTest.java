package org.linecommerce.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.testkit.TestNodeConfig.freePort;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.persistence.DatabaseSettings;
import org.linecommerce.runtime.persistence.SchemaMigrations;
import org.linecommerce.testkit.NodeProcess;
import org.linecommerce.testkit.TestDatabase;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Scenario 9, schema evolution: a journal written by the first version ({@code
 * evolution/journal-v1.txt}: event, tag and snapshot rows whose payloads are the committed
 * stored-payload fixtures of every domain, byte for byte) is loaded into a fresh PostgreSQL
 * database with the node's schema, and a node process of the current code is started on it. Each
 * entity must recover, through the real persistence plugin, serializers, migrations and event
 * handlers, into the state its events describe, as the public and admin HTTP API show it: a product
 * (its price, stock, reservations, discontinuation; also in the search read model), a customer
 * (profile, block, activity), an order (lines, totals, timeline), a saga recovered from a snapshot
 * of the first version's class {@code Saga$State} plus the events after it, a conversation (turns,
 * mode, and an answered message id that is answered again without a new turn), and a chat inbox
 * that recognizes a redelivered webhook event. The compatibility tests prove that single payloads
 * deserialize; this one proves that whole streams replay into the right state on a real node.
 *
 * <p>The guard bites: the same checks run against a copy of the journal in which one event class
 * was renamed without a migration (the customer's {@code ProfileUpdated}) and one field changed
 * its name (the product's {@code ReservationReverted.stock}) fail, naming exactly those two
 * entities.
 *
 * <p>No projection offsets or read-model rows come with the journal (as on a database restored
 * from the journal, or a first start after the read models were dropped): the subscriptions read
 * the old events from the start, so a checked field that a subscription also writes is checked
 * for what the journal says, allowing what the subscription adds (the customer's activity list).
 */
class SchemaEvolutionScenarioTest {

  private static final String JOURNAL = "/evolution/journal-v1.txt";
  private static final String API_TOKEN = "evolution-api-token";
  private static final String ADMIN_TOKEN = "evolution-admin-token";
  private static final String CHANNEL_SECRET = "evolution-channel-secret";
  private static final String CHAT = "U4af4980629d9c0e6b3d1f4f1d5b2c3a1";
  private static final String REDELIVERED_EVENT = "01HXYZWEBHOOKEVENT00000001";
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** One row of the journal fixture: an event (with its tags) or a snapshot. */
  record Row(boolean event, String persistenceId, long sequenceNr, String writer, long timestamp, List<String> tags,
      int serializerId, String manifest, byte[] payload, String source) {

    String entityType() {
      return persistenceId.substring(0, persistenceId.indexOf('|'));
    }

    Row withManifest(String other) {
      return new Row(event, persistenceId, sequenceNr, writer, timestamp, tags, serializerId, other, payload, source);
    }

    Row withPayload(byte[] other) {
      return new Row(event, persistenceId, sequenceNr, writer, timestamp, tags, serializerId, manifest, other, source);
    }
  }

  @Test
  void aJournalWrittenByTheFirstVersionReplaysIntoTheSameStateOnTheCurrentNode() throws Exception {
    List<Row> journal = journal();
    assertPayloadsAreTheCommittedFixtures(journal);

    long started = System.nanoTime();
    try (ReplayedNode node = ReplayedNode.start(journal)) {
      long ready = System.nanoTime();
      AssertionError entities = failureOf(() -> checkEntities(node, Duration.ofSeconds(90)));
      long checked = System.nanoTime();
      AssertionError readModel = failureOf(() -> awaitSearchReadModel(node, Duration.ofSeconds(120)));
      long caughtUp = System.nanoTime();

      Map<String, Long> events = journal.stream().filter(Row::event)
          .collect(Collectors.groupingBy(Row::entityType, LinkedHashMap::new, Collectors.counting()));
      Map<String, Long> snapshots = journal.stream().filter(r -> !r.event())
          .collect(Collectors.groupingBy(Row::entityType, LinkedHashMap::new, Collectors.counting()));
      long entityCount = journal.stream().map(Row::persistenceId).distinct().count();
      System.out.printf("%n== Reliability scenario 9: schema evolution (%s on a node of the current code) ==%n", JOURNAL);
      System.out.printf("replayed %d events and %d snapshot of %d entities: %s%n", journal.stream().filter(Row::event).count(),
          journal.stream().filter(r -> !r.event()).count(), entityCount, events.entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue() + (snapshots.containsKey(e.getKey()) ? " + snapshot" : ""))
              .collect(Collectors.joining(", ")));
      System.out.printf("node ready %d s after start; entities %s (checked in %d s); search read model %s %d s after"
              + " ready%n", (ready - started) / 1_000_000_000L, entities == null ? "as the journal says" : "WRONG",
          (checked - ready) / 1_000_000_000L, readModel == null ? "caught up" : "NOT caught up",
          (caughtUp - ready) / 1_000_000_000L);

      if (entities != null) throw entities;
      if (readModel != null) throw readModel;
    }
  }

  @Test
  void theCheckFailsOnAJournalWithARenamedEventClassOrARenamedField() throws Exception {
    List<Row> journal = new ArrayList<>();
    for (Row row : journal()) {
      if (row.event() && row.persistenceId().equals("Customer|U1") && row.manifest().endsWith("$ProfileUpdated")) {
        // as if the class had been renamed without a Jackson migration: the journal names a class the code lacks
        row = row.withManifest("org.linecommerce.customer.api.CustomerEvent$ProfileChanged");
      } else if (row.event() && row.persistenceId().equals("Product|matcha-powder-1")
          && row.manifest().endsWith("$ReservationReverted")) {
        // as if the field had been renamed without a migration: the code finds no stock in the payload and reads 0
        row = row.withPayload(renameCborKey(row.payload(), "stock", "stack"));
      }
      journal.add(row);
    }

    long started = System.nanoTime();
    try (ReplayedNode node = ReplayedNode.start(journal)) {
      long ready = System.nanoTime();
      AssertionError failure = failureOf(() -> checkEntities(node, Duration.ofSeconds(30)));
      long checked = System.nanoTime();
      List<String> failed = failure == null ? List.of() : failure.getMessage().lines()
          .filter(l -> l.startsWith("[") && l.indexOf(']') > 0).map(l -> l.substring(1, l.indexOf(']')))
          .map(l -> l.length() > 90 ? l.substring(0, 90) + "…" : l).toList();
      System.out.printf("%n== Reliability scenario 9: schema evolution, the guard ==%n");
      System.out.printf("altered journal (CustomerEvent$ProfileUpdated renamed, ReservationReverted.stock renamed):"
          + " node ready %d s after start, %d check(s) failed within %d s: %s%n", (ready - started) / 1_000_000_000L,
          failed.size(), (checked - ready) / 1_000_000_000L, String.join("; ", failed));

      assertThat(failure).as("the checks of the first test on the altered journal fail").isNotNull();
      assertThat(failure.getMessage())
          .contains("Customer|U1")
          .contains("Product|matcha-powder-1 stock")
          .doesNotContain("Order|o-1")
          .doesNotContain("Saga|s-1")
          .doesNotContain("Conversation|U1")
          .doesNotContain("ChatInbox|");
    }
  }

  // ---------------------------------------------------------------- the checks

  /** Every entity of the journal, asked through the API; all mismatches reported together. */
  private static void checkEntities(ReplayedNode node, Duration retryWithin) throws Exception {
    SoftAssertions softly = new SoftAssertions();

    JsonNode product = node.read("Product|matcha-powder-1", "/admin/products/matcha-powder-1", ADMIN_TOKEN, retryWithin,
        softly);
    if (product != null) {
      String p = "Product|matcha-powder-1 ";
      softly.assertThat(product.path("sku").asText()).as(p + "sku").isEqualTo("SKU-1");
      softly.assertThat(product.path("category").asText()).as(p + "category").isEqualTo("tea");
      softly.assertThat(product.path("name").path("en").asText()).as(p + "name.en").isEqualTo("Matcha Powder");
      softly.assertThat(product.path("name").path("th").asText()).as(p + "name.th").isEqualTo("ผงมัทฉะ");
      softly.assertThat(product.path("description").path("en").asText()).as(p + "description.en").isEqualTo("Fine matcha.");
      softly.assertThat(texts(product.path("tags"))).as(p + "tags").containsExactly("matcha", "green tea");
      softly.assertThat(product.path("price").decimalValue()).as(p + "price (PriceChanged after ProductUpdated)")
          .isEqualByComparingTo("199.50");
      softly.assertThat(product.path("currency").asText()).as(p + "currency").isEqualTo("THB");
      softly.assertThat(product.path("stock").asInt(-1)).as(p + "stock (StockAdjusted 100, committed 99, reverted 100)")
          .isEqualTo(100);
      softly.assertThat(product.path("reserved").asInt(-1)).as(p + "reserved (r-1 expired)").isZero();
      softly.assertThat(product.path("available").asInt(-1)).as(p + "available").isEqualTo(100);
      softly.assertThat(product.path("discontinued").asBoolean()).as(p + "discontinued").isTrue();
    }

    JsonNode customer = node.read("Customer|U1", "/api/v1/customers/U1", API_TOKEN, retryWithin, softly);
    if (customer != null) {
      String c = "Customer|U1 ";
      softly.assertThat(customer.path("displayName").asText()).as(c + "displayName").isEqualTo("Somchai");
      softly.assertThat(customer.path("language").asText()).as(c + "language").isEqualTo("th");
      softly.assertThat(customer.path("pictureUrl").asText()).as(c + "pictureUrl")
          .isEqualTo("https://profile.line-scdn.net/x");
      softly.assertThat(customer.path("statusMessage").asText()).as(c + "statusMessage").isEqualTo("hello");
      softly.assertThat(texts(customer.path("preferences"))).as(c + "preferences").containsExactly("no spicy food");
      softly.assertThat(texts(customer.path("interests"))).as(c + "interests").containsExactly("tea", "matcha");
      softly.assertThat(customer.path("marketingConsent").asBoolean()).as(c + "marketingConsent").isTrue();
      softly.assertThat(customer.path("blocked").asBoolean(true)).as(c + "blocked (unblocked after blocked)").isFalse();
      softly.assertThat(instant(customer.path("createdAt"))).as(c + "createdAt").isEqualTo("2026-11-23T00:00:00Z");
      List<JsonNode> activity = list(customer.path("recentActivity"));
      // the order-placed-activity subscription, reading Order|o-1 from the start, may add its own order_placed
      softly.assertThat(activity).as(c + "recentActivity (the journal's, then at most the subscription's)")
          .hasSizeBetween(1, 2);
      if (!activity.isEmpty()) {
        JsonNode first = activity.get(0);
        softly.assertThat(first.path("type").asText()).as(c + "activity type").isEqualTo("order_placed");
        softly.assertThat(first.path("data")).as(c + "activity data")
            .isEqualTo(JSON.readTree("{\"orderId\":\"o-1\",\"productIds\":[\"matcha-powder-1\"]}"));
        softly.assertThat(instant(first.path("timestamp"))).as(c + "activity timestamp").isEqualTo("2026-11-23T00:00:01Z");
        softly.assertThat(first.path("source").asText()).as(c + "activity source").isEqualTo("checkout");
      }
      if (activity.size() == 2) {
        softly.assertThat(activity.get(1).path("source").asText()).as(c + "second activity (the subscription's)")
            .isEqualTo("orders");
      }
    }

    JsonNode order = node.read("Order|o-1", "/api/v1/orders/o-1", API_TOKEN, retryWithin, softly);
    if (order != null) {
      String o = "Order|o-1 ";
      softly.assertThat(order.path("userId").asText()).as(o + "userId").isEqualTo("U1");
      softly.assertThat(order.path("status").asText()).as(o + "status").isEqualTo("confirmed");
      List<JsonNode> items = list(order.path("items"));
      softly.assertThat(items).as(o + "items").hasSize(2);
      if (items.size() == 2) {
        softly.assertThat(items.get(0).path("productId").asText()).as(o + "line 1 product").isEqualTo("matcha-powder-1");
        softly.assertThat(items.get(0).path("name").asText()).as(o + "line 1 name").isEqualTo("Matcha Powder");
        softly.assertThat(items.get(0).path("quantity").asInt()).as(o + "line 1 quantity").isEqualTo(2);
        softly.assertThat(items.get(0).path("unitPrice").decimalValue()).as(o + "line 1 unit price")
            .isEqualByComparingTo("234");
        softly.assertThat(items.get(0).path("lineTotal").decimalValue()).as(o + "line 1 total").isEqualByComparingTo("468");
        softly.assertThat(items.get(1).path("productId").asText()).as(o + "line 2 product").isEqualTo("sencha-1");
        softly.assertThat(items.get(1).path("name").isNull() || items.get(1).path("name").isMissingNode())
            .as(o + "line 2 has no name").isTrue();
        softly.assertThat(items.get(1).path("quantity").asInt()).as(o + "line 2 quantity").isEqualTo(1);
        softly.assertThat(items.get(1).path("unitPrice").decimalValue()).as(o + "line 2 unit price")
            .isEqualByComparingTo("120.50");
      }
      softly.assertThat(order.path("total").decimalValue()).as(o + "total").isEqualByComparingTo("588.50");
      softly.assertThat(order.path("currency").asText()).as(o + "currency").isEqualTo("THB");
      softly.assertThat(instant(order.path("expiresAt"))).as(o + "expiresAt").isEqualTo("2026-11-23T00:15:00Z");
      softly.assertThat(list(order.path("timeline")).stream()
              .map(t -> t.path("status").asText() + "@" + instant(t.path("at"))))
          .as(o + "timeline").containsExactly("pending@2026-11-23T00:00:00Z", "confirmed@2026-11-23T00:00:00Z");
    }

    JsonNode saga = node.read("Saga|s-1", "/admin/sagas/s-1", ADMIN_TOKEN, retryWithin, softly);
    if (saga != null) {
      String s = "Saga|s-1 ";
      softly.assertThat(saga.path("definition").asText()).as(s + "definition").isEqualTo("checkout");
      softly.assertThat(saga.path("status").asText()).as(s + "status").isEqualTo("failed");
      softly.assertThat(saga.path("currentStep").asText()).as(s + "currentStep").isEqualTo("reserve");
      softly.assertThat(saga.path("attempt").asInt()).as(s + "attempt").isEqualTo(2);
      softly.assertThat(saga.path("failureReason").asText()).as(s + "failureReason")
          .isEqualTo("step confirm failed: deadline passed");
      // the version-1 snapshot (sequence 10) holds two timeline entries; events 11 and 12 add two
      softly.assertThat(list(saga.path("timeline")).stream().map(t -> t.path("event").asText()))
          .as(s + "timeline (recovered from the Saga$State snapshot at 10, then events 11 and 12)")
          .containsExactly("saga.started", "saga.step.started", "saga.step.compensated", "saga.compensated");
    }

    List<String> turns = List.of("user: เอา 2 อัน", "bot: สั่งผงชาไทย 2 ชิ้นแล้วค่ะ", "user: ยังอยู่ไหม",
        "operator: (handed back to the bot)");
    JsonNode history = node.read("Conversation|U1", "/api/v1/conversations/U1?limit=10", API_TOKEN, retryWithin, softly);
    if (history != null) {
      String v = "Conversation|U1 ";
      softly.assertThat(history.path("mode").asText()).as(v + "mode (handed back)").isEqualTo("bot");
      softly.assertThat(messages(history)).as(v + "messages").containsExactlyElementsOf(turns);
      softly.assertThat(list(history.path("messages")).stream().map(m -> instant(m.path("timestamp"))).distinct())
          .as(v + "message timestamps").containsExactly("2026-11-30T00:00:00Z");

      // msg-1 was answered before the upgrade: the same message id gets the stored answer, no new turn
      HttpResponse<String> again = node.generate("U1", "เอา 2 อัน", "msg-1", retryWithin);
      softly.assertThat(again.statusCode()).as(v + "generate msg-1 again: %s", again.body()).isEqualTo(200);
      if (again.statusCode() == 200) {
        JsonNode answer = JSON.readTree(again.body());
        softly.assertThat(answer.path("response").asText()).as(v + "stored answer").isEqualTo("สั่งผงชาไทย 2 ชิ้นแล้วค่ะ");
        softly.assertThat(answer.path("provider").asText()).as(v + "stored answer provider").isEqualTo("local");
        softly.assertThat(answer.path("intent").asText()).as(v + "stored answer intent").isEqualTo("order");
        softly.assertThat(answer.path("processingTimeMs").asLong()).as(v + "stored answer processingTimeMs").isEqualTo(42);
        softly.assertThat(answer.path("products").path(0).path("id").asText()).as(v + "stored answer product")
            .isEqualTo("thai-tea-2");
        softly.assertThat(answer.path("order").path("orderId").asText()).as(v + "stored answer order")
            .isEqualTo("0b6c1b5e-3c39-4a8e-9d51-1f1f0e0a7a11");
        softly.assertThat(answer.path("order").path("total").decimalValue()).as(v + "stored answer order total")
            .isEqualByComparingTo("300");
      }
      JsonNode after = node.read("Conversation|U1", "/api/v1/conversations/U1?limit=10", API_TOKEN, retryWithin, softly);
      if (after != null) {
        softly.assertThat(messages(after)).as(v + "messages after msg-1 again").containsExactlyElementsOf(turns);
      }
    }

    // the inbox knows the event it accepted and handled before the upgrade: LINE's redelivery is acknowledged, not recorded
    HttpResponse<String> webhook = node.redeliver(retryWithin);
    softly.assertThat(webhook.statusCode()).as("ChatInbox|" + CHAT + " redelivered webhook: %s", webhook.body())
        .isEqualTo(200);
    softly.assertThat(node.journalRows("ChatInbox|" + CHAT)).as("ChatInbox|" + CHAT + " rows after the redelivery")
        .containsExactly("1 EventAccepted", "2 EventHandled");

    softly.assertAll();
  }

  /**
   * The product as the search read model shows it once its projection and index have read the old
   * events, which carry the figures they change (stock on hand, units available).
   */
  private static void awaitSearchReadModel(ReplayedNode node, Duration within) {
    await("the search read model shows Product|matcha-powder-1").atMost(within).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions().untilAsserted(() -> {
          HttpResponse<String> r = node.get("/api/v1/products/matcha-powder-1?language=en", API_TOKEN);
          assertThat(r.statusCode()).as("GET /api/v1/products/matcha-powder-1: %s", r.body()).isEqualTo(200);
          JsonNode p = JSON.readTree(r.body());
          assertThat(p.path("name").asText()).as("search name").isEqualTo("Matcha Powder");
          assertThat(p.path("price").decimalValue()).as("search price").isEqualByComparingTo("199.50");
          assertThat(p.path("stockOnHand").asInt()).as("search stockOnHand").isEqualTo(100);
          // the read model takes each event's figures as written: the last one giving units available
          // (ReservationReverted, as the first version wrote it) says 90, where the entity counts 100
          assertThat(p.path("stock").asInt()).as("search stock (available, as the last event says)").isEqualTo(90);
          assertThat(p.path("discontinued").asBoolean()).as("search discontinued").isTrue();
        });
  }

  // ---------------------------------------------------------------- the fixture

  /** The journal fixture's rows in file order. */
  private static List<Row> journal() throws IOException {
    List<Row> rows = new ArrayList<>();
    try (InputStream in = SchemaEvolutionScenarioTest.class.getResourceAsStream(JOURNAL)) {
      assertThat(in).as(JOURNAL + " on the test classpath").isNotNull();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) continue;
        String[] f = line.trim().split(" ");
        if (f[0].equals("event")) {
          assertThat(f).as("an event row: %s", line).hasSize(10);
          rows.add(new Row(true, f[1], Long.parseLong(f[2]), f[3], Long.parseLong(f[4]),
              f[5].equals("-") ? List.of() : List.of(f[5].split(",")), Integer.parseInt(f[6]), f[7],
              Base64.getDecoder().decode(f[8]), f[9]));
        } else {
          assertThat(f[0]).as("a row kind: %s", line).isEqualTo("snapshot");
          assertThat(f).as("a snapshot row: %s", line).hasSize(8);
          rows.add(new Row(false, f[1], Long.parseLong(f[2]), null, Long.parseLong(f[3]), List.of(),
              Integer.parseInt(f[4]), f[5], Base64.getDecoder().decode(f[6]), f[7]));
        }
      }
    }
    return rows;
  }

  /** Each payload is the one its row names, in the committed compat fixtures of the sibling modules. */
  private static void assertPayloadsAreTheCommittedFixtures(List<Row> journal) throws IOException {
    Path root = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
    Map<String, Properties> files = new HashMap<>();
    for (Row row : journal) {
      String file = row.source().substring(0, row.source().indexOf('#'));
      String key = row.source().substring(row.source().indexOf('#') + 1);
      Properties compat = files.computeIfAbsent(file, f -> {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(root.resolve(f), StandardCharsets.ISO_8859_1)) {
          p.load(r);
        } catch (IOException e) {
          throw new AssertionError("cannot read " + root.resolve(f), e);
        }
        return p;
      });
      assertThat(row.serializerId()).as(row.source() + " serializer")
          .isEqualTo(Integer.parseInt(compat.getProperty(key + ".serializer")));
      assertThat(row.manifest()).as(row.source() + " manifest").isEqualTo(compat.getProperty(key + ".manifest"));
      assertThat(row.payload()).as(row.source() + " bytes")
          .isEqualTo(Base64.getDecoder().decode(compat.getProperty(key + ".bytes")));
    }
  }

  /** {@code cbor} with the map key {@code from} renamed to {@code to} (same length, found exactly once). */
  private static byte[] renameCborKey(byte[] cbor, String from, String to) {
    assertThat(to).hasSameSizeAs(from);
    byte[] key = (((char) (0x60 + from.length())) + from).getBytes(StandardCharsets.ISO_8859_1); // a short text string
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i + key.length <= cbor.length; i++) {
      if (Arrays.equals(cbor, i, i + key.length, key, 0, key.length)) at.add(i);
    }
    assertThat(at).as("the key %s in the payload", from).hasSize(1);
    byte[] out = cbor.clone();
    byte[] renamed = to.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(renamed, 0, out, at.get(0) + 1, renamed.length);
    return out;
  }

  // ---------------------------------------------------------------- JSON helpers

  private static List<JsonNode> list(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).toList();
  }

  private static List<String> texts(JsonNode array) {
    return list(array).stream().map(JsonNode::asText).toList();
  }

  private static List<String> messages(JsonNode history) {
    return list(history.path("messages")).stream().map(m -> m.path("role").asText() + ": " + m.path("text").asText()).toList();
  }

  /** An instant as the API writes it (ISO-8601 text), normalized; the raw text when it is not one. */
  private static String instant(JsonNode node) {
    try {
      return Instant.parse(node.asText()).toString();
    } catch (RuntimeException e) {
      return node.toString();
    }
  }

  private static AssertionError failureOf(ThrowingRunnable check) throws Exception {
    try {
      check.run();
      return null;
    } catch (AssertionError | ConditionTimeoutException e) {
      return e instanceof AssertionError a ? a : new AssertionError(e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  // ---------------------------------------------------------------- the node

  /**
   * A fresh PostgreSQL database with the node's schema (its Flyway migrations, run here as a node
   * runs them at start-up) holding {@code journal}, and one node process from {@code node.jar} on
   * it: every role, the {@code local} AI provider, no catalog seed, LINE in dry-run.
   */
  static final class ReplayedNode implements AutoCloseable {

    private final Path dir;
    private final TestDatabase database;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private NodeProcess node;

    private ReplayedNode(Path dir, TestDatabase database) {
      this.dir = dir;
      this.database = database;
    }

    static ReplayedNode start(List<Row> journal) throws Exception {
      ReplayedNode shop = new ReplayedNode(Files.createTempDirectory("evolution"), TestDatabase.postgres());
      try {
        shop.migrate();
        shop.load(journal);
        shop.startNode();
        return shop;
      } catch (Exception | Error e) {
        shop.close();
        throw e;
      }
    }

    private void migrate() {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setURL(database.url());
      dataSource.setUser(database.config().getString("linecommerce.db.user"));
      dataSource.setPassword(database.config().getString("linecommerce.db.password"));
      SchemaMigrations.migrate(dataSource, new DatabaseSettings(DatabaseSettings.Profile.POSTGRES, database.url(),
          dataSource.getUser(), dataSource.getPassword(), 2));
    }

    /** The rows as pekko-persistence-jdbc's PostgreSQL schema holds them, in one transaction, in file order. */
    private void load(List<Row> journal) throws SQLException {
      try (Connection c = database.connect()) {
        c.setAutoCommit(false);
        try (PreparedStatement event = c.prepareStatement("INSERT INTO event_journal (persistence_id, sequence_number,"
                + " deleted, writer, write_timestamp, adapter_manifest, event_ser_id, event_ser_manifest, event_payload)"
                + " VALUES (?, ?, FALSE, ?, ?, '', ?, ?, ?) RETURNING ordering");
            PreparedStatement tag = c.prepareStatement("INSERT INTO event_tag (event_id, tag) VALUES (?, ?)");
            PreparedStatement snapshot = c.prepareStatement("INSERT INTO snapshot (persistence_id, sequence_number,"
                + " created, snapshot_ser_id, snapshot_ser_manifest, snapshot_payload) VALUES (?, ?, ?, ?, ?, ?)")) {
          for (Row row : journal) {
            if (row.event()) {
              event.setString(1, row.persistenceId());
              event.setLong(2, row.sequenceNr());
              event.setString(3, row.writer());
              event.setLong(4, row.timestamp());
              event.setInt(5, row.serializerId());
              event.setString(6, row.manifest());
              event.setBytes(7, row.payload());
              long ordering;
              try (ResultSet keys = event.executeQuery()) {
                keys.next();
                ordering = keys.getLong(1);
              }
              for (String t : row.tags()) {
                tag.setLong(1, ordering);
                tag.setString(2, t);
                tag.executeUpdate();
              }
            } else {
              snapshot.setString(1, row.persistenceId());
              snapshot.setLong(2, row.sequenceNr());
              snapshot.setLong(3, row.timestamp());
              snapshot.setInt(4, row.serializerId());
              snapshot.setString(5, row.manifest());
              snapshot.setBytes(6, row.payload());
              snapshot.executeUpdate();
            }
          }
        }
        c.commit();
      }
    }

    private void startNode() throws Exception {
      int remoting = freePort();
      int http = freePort();
      int management = freePort();
      Map<String, String> env = new HashMap<>();
      env.put("DB_PROFILE", "postgres");
      env.put("DB_URL", database.url());
      env.put("DB_USER", database.config().getString("linecommerce.db.user"));
      env.put("DB_PASSWORD", database.config().getString("linecommerce.db.password"));
      env.put("NODE_PORT", String.valueOf(remoting));
      env.put("HTTP_PORT", String.valueOf(http));
      env.put("MANAGEMENT_PORT", String.valueOf(management));
      env.put("CLUSTER_SEED_NODES", "127.0.0.1:" + remoting);
      env.put("DATA_DIR", dir.resolve("data").toString());
      env.put("CATALOG_SEED", "off");
      env.put("AI_PROVIDERS", "local");
      env.put("API_TOKEN", API_TOKEN);
      env.put("ADMIN_TOKEN", ADMIN_TOKEN);
      env.put("LINE_CHANNEL_SECRET", CHANNEL_SECRET); // no access token: dry-run, nothing reaches LINE
      node = NodeProcess.start(dir, "node-" + System.nanoTime(), List.of("-Xmx512m"), env, http, management);
      System.out.printf("node log: %s%n", node.log);
      node.awaitReady(Duration.ofMinutes(4));
    }

    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort + path))
          .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The JSON of GET {@code path}, asked again while the node answers 5xx (a fresh node's first
     * asks may time out) until {@code within}; otherwise a failure about {@code what} in {@code softly}.
     */
    JsonNode read(String what, String path, String token, Duration within, SoftAssertions softly)
        throws IOException, InterruptedException {
      HttpResponse<String> r = untilAnswered(() -> get(path, token), within);
      softly.assertThat(r.statusCode()).as("%s: GET %s answered %d %s", what, path, r.statusCode(), r.body())
          .isEqualTo(200);
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    HttpResponse<String> generate(String userId, String message, String messageId, Duration within) throws Exception {
      String body = JSON.writeValueAsString(Map.of("userId", userId, "message", message));
      return untilAnswered(() -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort
              + "/api/v1/ai/generate")).timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + API_TOKEN)
          .header("Content-Type", "application/json").header("Idempotency-Key", messageId)
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()), within);
    }

    /** LINE redelivers the text event the inbox accepted and handled before the upgrade, validly signed. */
    HttpResponse<String> redeliver(Duration within) throws Exception {
      String body = "{\"destination\":\"U0123456789abcdef0123456789abcdef\",\"events\":[{\"type\":\"message\","
          + "\"message\":{\"type\":\"text\",\"id\":\"468789577898262530\",\"quoteToken\":\"q3Plxr4AgKd\","
          + "\"text\":\"抹茶ありますか 🍵\"},\"webhookEventId\":\"" + REDELIVERED_EVENT + "\","
          + "\"deliveryContext\":{\"isRedelivery\":true},\"timestamp\":1764547200000,"
          + "\"source\":{\"type\":\"user\",\"userId\":\"" + CHAT + "\"},\"replyToken\":\"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA\","
          + "\"mode\":\"active\"}]}";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(CHANNEL_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = Base64.getEncoder().encodeToString(mac.doFinal(bytes));
      return untilAnswered(() -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort
              + "/webhook")).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .header("x-line-signature", signature).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
          HttpResponse.BodyHandlers.ofString()), within);
    }

    /** The journal rows of {@code persistenceId}: sequence number and simple event class name. */
    List<String> journalRows(String persistenceId) throws SQLException {
      List<String> rows = new ArrayList<>();
      try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(
          "SELECT sequence_number, event_ser_manifest FROM event_journal WHERE persistence_id = ? ORDER BY 1")) {
        s.setString(1, persistenceId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            String manifest = r.getString(2);
            rows.add(r.getLong(1) + " " + manifest.substring(manifest.lastIndexOf('$') + 1));
          }
        }
      }
      return rows;
    }

    private interface Call {
      HttpResponse<String> send() throws IOException, InterruptedException;
    }

    /** The first answer below 500, or the last one once {@code within} has passed (each call runs to its end). */
    private static HttpResponse<String> untilAnswered(Call call, Duration within) throws InterruptedException {
      long deadline = System.nanoTime() + within.toNanos();
      HttpResponse<String> last = null;
      IOException error = null;
      while (true) {
        try {
          last = call.send();
          if (last.statusCode() < 500) return last;
        } catch (IOException e) {
          error = e;
        }
        if (System.nanoTime() > deadline) {
          if (last != null) return last;
          throw new AssertionError("no answer within " + within, error);
        }
        Thread.sleep(500); // the interval between attempts, not a wait for anything
      }
    }

    @Override
    public void close() {
      try {
        if (node != null && node.process.isAlive()) {
          node.process.destroyForcibly();
          node.process.waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        database.close();
      }
    }
  }
}
