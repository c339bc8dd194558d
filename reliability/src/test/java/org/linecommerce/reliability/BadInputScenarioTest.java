package org.linecommerce.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Scenario 8, bad input at scale, on a node process: 10,000 mutations of LINE's official webhook
 * fixtures with valid signatures are answered only 200 or 400; 1,000 bodies with invalid
 * signatures 401 with nothing recorded; an oversized body 413; 1,000 malformed API requests a 4xx
 * problem+json; requests without or with a wrong token on {@code /api/v1} and {@code /admin} 401;
 * never a 5xx, and the node is healthy afterwards.
 */
class BadInputScenarioTest {

  private static final int FUZZED = Integer.getInteger("reliability.fuzzed", 10_000);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Random random = new Random(20261201);
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static List<byte[]> fixtures() throws Exception {
    Path dir = Path.of(System.getProperty("user.dir")).resolve("../bot-gateway/src/test/resources/line-webhook").normalize();
    try (Stream<Path> files = Files.walk(dir)) {
      List<byte[]> out = new ArrayList<>();
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) out.add(Files.readAllBytes(p));
      assertThat(out).as("LINE's webhook fixtures in " + dir).hasSizeGreaterThan(20);
      return out;
    }
  }

  /** One mutation: of the JSON tree (a field removed, a value of another type, a long or odd string) or of the bytes. */
  private byte[] mutate(byte[] fixture) throws Exception {
    int kind = random.nextInt(10);
    if (kind < 2) { // bytes: truncated, or one byte changed
      byte[] b = fixture.clone();
      if (kind == 0) return java.util.Arrays.copyOf(b, random.nextInt(b.length));
      b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      return b;
    }
    JsonNode root = JSON.readTree(fixture);
    for (int n = 1 + random.nextInt(3); n > 0; n--) mutateSomewhere(root);
    return JSON.writeValueAsBytes(root);
  }

  private void mutateSomewhere(JsonNode node) {
    List<JsonNode> containers = new ArrayList<>();
    collect(node, containers);
    JsonNode target = containers.get(random.nextInt(containers.size()));
    JsonNode odd = oddValue();
    if (target instanceof ObjectNode o && o.size() > 0) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      String name = names.get(random.nextInt(names.size()));
      if (random.nextBoolean()) o.remove(name);
      else o.set(name, odd);
    } else if (target instanceof ArrayNode a) {
      if (a.size() > 0 && random.nextBoolean()) a.remove(random.nextInt(a.size()));
      else a.add(odd);
    }
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) out.add(node);
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) collect(it.next(), out);
  }

  private JsonNode oddValue() {
    return switch (random.nextInt(8)) {
      case 0 -> JSON.nullNode();
      case 1 -> JSON.getNodeFactory().numberNode(random.nextLong());
      case 2 -> JSON.getNodeFactory().textNode("x".repeat(random.nextInt(20_000)));
      case 3 -> JSON.getNodeFactory().textNode("\u0000\uFFFF\uD83D\uDE00 ' \" \\ <script> 抹茶 ชา");
      case 4 -> JSON.createArrayNode().add(1).add("two");
      case 5 -> JSON.createObjectNode().put("type", "message");
      case 6 -> JSON.getNodeFactory().booleanNode(random.nextBoolean());
      default -> JSON.getNodeFactory().numberNode(-1.5e308);
    };
  }

  private byte[] randomBytes() {
    byte[] b = new byte[1 + random.nextInt(2_000)];
    random.nextBytes(b);
    return b;
  }

  private int post(String url, byte[] body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 400 && r.statusCode() != 413) {
      assertThat(r.headers().firstValue("Content-Type").orElse("")).as("%d %s", r.statusCode(), r.body())
          .startsWith("application/problem+json");
    }
    return r.statusCode();
  }

  /** Events the inboxes accepted (reactions go on writing other rows meanwhile). */
  private static long inboxRows(ShopCluster cluster) throws Exception {
    try (Connection c = cluster.database.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM event_journal WHERE persistence_id LIKE 'ChatInbox|%'"
            + " AND event_ser_manifest LIKE '%EventAccepted'")) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void badInputGetsFourHundredsNeverAFiveHundredAndTheNodeStaysHealthy() throws Exception {
    try (ShopCluster cluster = new ShopCluster(1)) {
      String webhook = cluster.webhookUrl(0);
      String api = "http://127.0.0.1:" + cluster.node(0).httpPort;
      List<byte[]> fixtures = fixtures();
      Map<Integer, AtomicInteger> fuzzed = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < FUZZED; i++) {
          byte[] body = mutate(fixtures.get(random.nextInt(fixtures.size())));
          work.add(pool.submit(() -> {
            int status = post(webhook, body, Map.of("Content-Type", "application/json",
                "x-line-signature", cluster.line.sign(body)));
            fuzzed.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            return null;
          }));
        }
        for (Future<?> f : work) f.get();
      } finally {
        pool.shutdownNow();
      }

      long rowsBefore = inboxRows(cluster);
      Map<Integer, Integer> unsigned = new TreeMap<>();
      for (int i = 0; i < 1_000; i++) {
        byte[] body = fixtures.get(i % fixtures.size());
        String signature = i % 3 == 0 ? null : i % 3 == 1 ? "not-a-signature" : cluster.line.sign("other".getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = signature == null ? Map.of("Content-Type", "application/json")
            : Map.of("Content-Type", "application/json", "x-line-signature", signature);
        unsigned.merge(post(webhook, body, headers), 1, Integer::sum);
      }
      long rowsAfter = inboxRows(cluster);

      byte[] huge = ("{\"destination\":\"U1\",\"events\":[],\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      int oversized = post(webhook, huge, Map.of("Content-Type", "application/json", "x-line-signature", cluster.line.sign(huge)));

      Map<Integer, Integer> malformed = new TreeMap<>();
      String tooLong = "x".repeat(5_001);
      String[][] requests = { // method, path, body (null: random bytes)
          {"POST", "/api/v1/orders", "[]"}, {"POST", "/api/v1/orders", "{\"userId\":\"U1\",\"items\":[]}"},
          {"POST", "/api/v1/orders", "{\"userId\":\"U1\",\"items\":[{\"productId\":\"x\",\"quantity\":0}]}"},
          {"POST", "/api/v1/orders", "{\"userId\":\"U1\",\"items\":\"many\"}"}, {"POST", "/api/v1/orders", null},
          {"PUT", "/api/v1/customers/U-bad", "{\"displayName\":\"a\",\"language\":\"klingon\"}"},
          {"PUT", "/api/v1/customers/U-bad", "[1,2]"}, {"PUT", "/api/v1/customers/U-bad", null},
          {"POST", "/api/v1/ai/generate", "{\"userId\":\"U1\",\"message\":\"   \"}"},
          {"POST", "/api/v1/ai/generate", "{\"userId\":\"bad id!\",\"message\":\"hi\"}"},
          {"POST", "/api/v1/ai/generate", "{\"userId\":\"U1\",\"message\":\"" + tooLong + "\"}"},
          {"POST", "/api/v1/ai/generate", null}, {"POST", "/api/v1/orders/no-such-order/confirm", ""},
          {"GET", "/api/v1/products?limit=-3", ""}, {"GET", "/api/v1/conversations/U1?limit=1000", ""}};
      // paced under the per-client rate limit (50/s), so that each request is judged by its content
      long paced = System.nanoTime();
      for (int i = 0; i < 1_000; i++) {
        long due = paced + i * 25_000_000L;
        while (System.nanoTime() < due) Thread.sleep(1);
        String[] t = requests[i % requests.length];
        byte[] body = t[2] != null ? t[2].getBytes(StandardCharsets.UTF_8) : randomBytes();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + t[1])).timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + ShopCluster.API_TOKEN).header("Content-Type", "application/json")
            .header("Idempotency-Key", "bad-" + i);
        b = t[0].equals("GET") ? b.GET() : b.method(t[0], HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        malformed.merge(r.statusCode(), 1, Integer::sum);
        assertThat(r.statusCode()).as("%s %s: %s", t[0], t[1], r.body()).isBetween(400, 499);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as("%s %s: %s", t[0], t[1], r.body())
            .startsWith("application/problem+json");
      }

      Thread.sleep(3_000); // the client's rate-limit bucket refills
      Map<String, Integer> tokens = new TreeMap<>();
      for (String path : List.of("/api/v1/products", "/api/v1/customers/U1", "/admin/sagas", "/admin/cluster")) {
        for (String auth : new String[] {null, "Bearer wrong-token", "Basic abc"}) {
          HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30)).GET();
          if (auth != null) b.header("Authorization", auth);
          tokens.merge(path + " " + client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode(), 1, Integer::sum);
        }
      }
      int health = client.send(HttpRequest.newBuilder(URI.create(api + "/health")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();

      System.out.printf("%n== Reliability scenario 8: bad input ==%n");
      System.out.printf("fuzzed webhooks (%d) by status: %s%n", FUZZED, new TreeMap<>(fuzzed));
      System.out.printf("invalid signatures (1000) by status: %s, inbox rows written meanwhile: %d%n", unsigned, rowsAfter - rowsBefore);
      System.out.printf("oversized body: %d; malformed API requests (1000) by status: %s%n", oversized, malformed);
      System.out.printf("missing or wrong tokens: %s; /health afterwards: %d%n", tokens, health);

      assertThat(fuzzed.keySet()).as("fuzzed webhooks: only 200 or 400").isSubsetOf(200, 400);
      assertThat(unsigned).as("invalid signatures").containsOnlyKeys(401);
      assertThat(rowsAfter).as("nothing recorded for invalid signatures").isEqualTo(rowsBefore);
      assertThat(oversized).isEqualTo(413);
      assertThat(tokens.keySet()).as("no or wrong token").allMatch(k -> k.endsWith(" 401"));
      assertThat(health).isEqualTo(200);
    }
  }
}
