package org.linecommerce.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.linecommerce.bench.support.BenchReport;
import org.linecommerce.bench.support.Load;
import org.linecommerce.testkit.NodeProcess;

/**
 * Issue 11, item 8: one chat turn, {@code POST /api/v1/ai/generate} with the {@code local} provider,
 * on a node from the real {@code node.jar} in its own JVM on PostgreSQL. Each user (language en, ja
 * or th by user) follows a five-turn script — search, "how much is it?", another search, its price,
 * "2 please" (an order of the product in focus, placed through the checkout) — so the mix is 40%
 * search, 40% price, 20% order, multi-turn as a customer talks. The catalog's stock is raised first
 * (bundled sample catalog, every product 1,000,000 units) so that orders are placed, not refused.
 *
 * <p>Baseline in the same run, through the same HTTP edge (bearer token, correlation id, metrics)
 * and the same client: {@code GET /api/v1/ai/providers/stats}, an authenticated API GET that asks no
 * entity and touches no database. Both at a fixed rate (open loop) and saturated by
 * {@code --callers} closed-loop callers; the node's CPU time ({@code /proc/<pid>/stat}) over each
 * saturated phase gives CPU ms per call and calls per CPU-second (per core).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.linecommerce.bench.ChatTurnBenchmark [--rate 100]
 *     [--duration 60] [--saturation 30] [--callers 16] [--users 300] [--quick] [--jfr]
 * </pre>
 */
public final class ChatTurnBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_TOKEN = "bench-api-token";
  private static final String ADMIN_TOKEN = "bench-admin-token";
  private static final String[] LANGUAGES = {"en", "ja", "th"};
  /** Per language: search, price, search, price, order. */
  private static final String[][] SCRIPT = {
      {"do you have matcha?", "how much is it?", "do you have a rice cooker?", "how much is it?", "2 please"},
      {"抹茶はありますか", "それはいくら？", "ほうじ茶はありますか", "それはいくら？", "2つください"},
      {"มีชาไทยไหมคะ", "อันนี้ราคาเท่าไหร่", "มีชาเขียวไหม", "อันนี้ราคาเท่าไหร่", "เอา 2 อัน"},
  };
  private static final String[] EXPECTED = {"product_search", "price", "product_search", "price", "order"};

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    BenchReport report = new BenchReport("chat-turn", "Chat turn: POST /api/v1/ai/generate, local provider (item 8)");
    report.param("rate", o.rate).param("durationSeconds", o.duration).param("saturationSeconds", o.saturation)
        .param("callers", o.callers).param("users", o.users).param("nodeHeap", o.heap)
        .param("mix", "40% search, 40% price, 20% order (en/ja/th)");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    try (NodeUnderLoad env = new NodeUnderLoad("chat-turn")) {
      List<String> jvm = new java.util.ArrayList<>(List.of("-Xms" + o.heap, "-Xmx" + o.heap,
          "-Dlinecommerce.http.rate-limit.enabled=off")); // one client address: the per-client API limit (50/s) off
      if (o.jfr) jvm.add("-XX:StartFlightRecording=filename=" + env.dir.resolve("node.jfr") + ",settings=profile,dumponexit=true");
      NodeProcess node = env.startNode("chat-node", jvm, Map.of("AI_PROVIDERS", "local", "API_TOKEN", API_TOKEN,
          "ADMIN_TOKEN", ADMIN_TOKEN));
      long pid = node.process.pid();
      String base = "http://127.0.0.1:" + node.httpPort;
      System.out.println("node up (pid " + pid + ", log " + node.log + ")");
      NodeUnderLoad.awaitCatalog(node, API_TOKEN);
      restock(client, base);

      Turns warm = new Turns(client, base, o.users, "warm");
      // long enough for every user's whole script (5 turns, the order last): a shorter warm-up left
      // the checkout's code cold and its first orders in the measured p99
      long warmSeconds = Math.max(o.warmup, (long) Math.ceil(5.0 * o.users / o.rate) + 1);
      Load.fixedRate(o.rate, Duration.ofSeconds(warmSeconds), Duration.ofSeconds(30), warm::call);
      LongFunction<CompletableFuture<?>> stats = i -> send(client, HttpRequest.newBuilder(URI.create(base + "/api/v1/ai/providers/stats"))
          .header("Authorization", "Bearer " + API_TOKEN).GET().build());
      Load.saturate(o.callers, Duration.ofSeconds(Math.max(3, o.warmup / 3)), stats);
      System.out.println("warm-up done: " + warm.intents);
      env.analyze();

      // fixed rate: the baseline, then the turns
      Load.Result baseFixed = Load.fixedRate(o.rate, Duration.ofSeconds(o.duration), Duration.ofSeconds(30), stats);
      Turns turns = new Turns(client, base, o.users, "u");
      Load.Result turnFixed = Load.fixedRate(o.rate, Duration.ofSeconds(o.duration), Duration.ofSeconds(30), turns::call);
      report.latency("baseline GET /api/v1/ai/providers/stats, " + (int) o.rate + "/s", baseFixed.latency());
      report.latency("turn (all intents), " + (int) o.rate + "/s", turnFixed.latency());
      turns.byIntent.forEach((intent, h) -> report.latency("turn " + intent + " (from send), " + (int) o.rate + "/s", h));
      Map<String, Long> fixedIntents = new TreeMap<>(turns.intentCounts());
      long fixedMismatches = turns.mismatches.get();

      // saturation: baseline, then turns, node CPU over each
      long c0 = NodeUnderLoad.cpuNanos(pid);
      Load.Result baseSat = Load.saturate(o.callers, Duration.ofSeconds(o.saturation), stats);
      long c1 = NodeUnderLoad.cpuNanos(pid);
      Turns satTurns = new Turns(client, base, o.users, "u"); // the same users, continuing their scripts
      satTurns.offset = turnFixed.started();
      long[] db0 = env.databaseCounters();
      long pg0 = env.databaseCpuNanos();
      long c2 = NodeUnderLoad.cpuNanos(pid);
      Load.Result turnSat = Load.saturate(o.callers, Duration.ofSeconds(o.saturation), satTurns::call);
      long c3 = NodeUnderLoad.cpuNanos(pid);
      Thread.sleep(1500); // PostgreSQL publishes its counters about once a second
      long[] db1 = env.databaseCounters();
      long pg1 = env.databaseCpuNanos();
      long satTurnsDone = Math.max(1, turnSat.succeeded());
      double pgMs = (pg1 - pg0) / 1e6 / satTurnsDone;
      report.figure("saturated: PostgreSQL CPU per turn", pgMs, "ms");
      report.figure("turns/s the machine's cores could serve at that CPU cost (node + PostgreSQL)",
          Runtime.getRuntime().availableProcessors() * 1000.0 / ((c3 - c2) / 1e6 / satTurnsDone + pgMs), "turns/s");
      report.figure("saturated: PostgreSQL transactions per turn", (double) (db1[0] - db0[0]) / satTurnsDone, "transactions");
      report.figure("saturated: PostgreSQL rows inserted per turn", (double) (db1[1] - db0[1]) / satTurnsDone, "rows");
      report.figure("saturated: PostgreSQL rows returned per turn", (double) (db1[2] - db0[2]) / satTurnsDone, "rows");
      report.latency("baseline GET, saturated (" + o.callers + " callers)", baseSat.latency());
      report.latency("turn, saturated (" + o.callers + " callers)", turnSat.latency());

      Histogram bf = baseFixed.latency();
      double p50Ratio = report.ratio("p50 turn / p50 baseline GET (fixed rate)", turnFixed.latency().getValueAtPercentile(50),
          bf.getValueAtPercentile(50));
      double p99Ratio = report.ratio("p99 turn / p99 baseline GET (fixed rate)", turnFixed.latency().getValueAtPercentile(99),
          bf.getValueAtPercentile(99));
      double baseCpuMs = (c1 - c0) / 1e6 / Math.max(1, baseSat.succeeded());
      double turnCpuMs = (c3 - c2) / 1e6 / Math.max(1, turnSat.succeeded());
      double turnCores = (c3 - c2) / 1e9 / turnSat.seconds();
      report.figure("baseline GETs/s at saturation", baseSat.succeededPerSecond(), "req/s");
      report.figure("turns/s at saturation", turnSat.succeededPerSecond(), "turns/s");
      report.ratio("baseline GETs/s / turns/s at saturation", baseSat.succeededPerSecond(), turnSat.succeededPerSecond());
      report.figure("node CPU per baseline GET", baseCpuMs, "ms");
      report.figure("node CPU per turn", turnCpuMs, "ms");
      report.ratio("node CPU per turn / per baseline GET", turnCpuMs, baseCpuMs);
      report.figure("node CPU used while saturated by turns", turnCores, "cores");
      report.figure("turns per node CPU-second (turns/s per core)", 1000.0 / turnCpuMs, "turns/s/core");
      report.figure("turns/s at saturation / machine cores", turnSat.succeededPerSecond() / Runtime.getRuntime().availableProcessors(),
          "turns/s/core");
      report.figure("failed calls (fixed, saturated)", turnFixed.failed() + turnSat.failed() + baseFixed.failed() + baseSat.failed(), "calls");
      report.figure("turns answered with another intent than scripted", fixedMismatches + satTurns.mismatches.get(), "turns");
      report.note("intents answered at the fixed rate: " + fixedIntents + "; saturated: " + new TreeMap<>(satTurns.intentCounts()));
      if (!turnFixed.firstFailures().isEmpty()) report.note("turn failures: " + turnFixed.firstFailures());
      if (!turnSat.firstFailures().isEmpty()) report.note("saturated turn failures: " + turnSat.firstFailures());
      Map<String, Long> rows = env.journalRowsByType();
      long turnsDone = turnFixed.succeeded() + turnSat.succeeded() + warm.intents.values().stream().mapToLong(AtomicLong::get).sum();
      report.figure("journal rows written per turn (whole run)", (double) rows.values().stream().mapToLong(Long::longValue).sum() / turnsDone, "rows");
      report.note("journal rows by entity type (whole run, " + turnsDone + " turns): " + rows);
      report.check("p99 turn at " + (int) o.rate + " turns/s", turnFixed.latency().getValueAtPercentile(99) / 1e6, "<=", 50, "ms");
      report.finish();
      if (o.jfr) System.out.println("JFR: " + env.dir.resolve("node.jfr") + " (written when the node stops)");
    }
    System.exit(0);
  }

  /** Every product of the bundled sample catalog with 1,000,000 units, through {@code POST /admin/products/import}. */
  private static void restock(HttpClient client, String base) throws Exception {
    JsonNode catalog;
    try (InputStream in = ChatTurnBenchmark.class.getClassLoader().getResourceAsStream("catalog/sample-products.json")) {
      catalog = JSON.readTree(in);
    }
    for (JsonNode p : catalog.path("products")) ((ObjectNode) p).put("stock", 1_000_000);
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/admin/products/import"))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofString(catalog.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException("restock: " + r.statusCode() + " " + r.body());
    System.out.println("restocked: " + r.body());
    Thread.sleep(3000); // the search index follows the journal (about a second)
  }

  private static CompletableFuture<HttpResponse<String>> send(HttpClient client, HttpRequest request) {
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() != 200) throw new IllegalStateException(request.uri().getPath() + " answered " + r.statusCode() + ": " + r.body());
      return r;
    });
  }

  /** Turn {@code i}: user {@code i % users}, step {@code (i / users) % 5} of the user's language's script. */
  static final class Turns {
    final HttpClient client;
    final URI url;
    final int users;
    final String prefix;
    long offset;
    final Map<String, Histogram> byIntent = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> intents = new ConcurrentHashMap<>();
    final AtomicLong mismatches = new AtomicLong();

    Turns(HttpClient client, String base, int users, String prefix) {
      this.client = client;
      this.url = URI.create(base + "/api/v1/ai/generate");
      this.users = users;
      this.prefix = prefix;
    }

    CompletableFuture<?> call(long n) {
      long i = n + offset;
      int user = (int) (i % users);
      int step = (int) ((i / users) % 5);
      int language = user % 3;
      ObjectNode body = JSON.createObjectNode().put("userId", "U" + prefix + "-" + user).put("message", SCRIPT[language][step]);
      body.putObject("context").put("language", LANGUAGES[language]).put("messageId", prefix + "-" + i);
      String expected = EXPECTED[step];
      long start = System.nanoTime();
      return send(client, HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(70))
          .header("Authorization", "Bearer " + API_TOKEN).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build()).thenApply(r -> {
            long took = System.nanoTime() - start;
            String intent;
            try {
              intent = JSON.readTree(r.body()).path("intent").asText("none");
            } catch (Exception e) {
              intent = "unparsable";
            }
            intents.computeIfAbsent(intent, k -> new AtomicLong()).incrementAndGet();
            if (!intent.equals(expected)) mismatches.incrementAndGet();
            byIntent.computeIfAbsent(expected, k -> new ConcurrentHistogram(Duration.ofMinutes(2).toNanos(), 3))
                .recordValue(Math.min(took, Duration.ofMinutes(2).toNanos()));
            return r;
          });
    }

    Map<String, Long> intentCounts() {
      Map<String, Long> m = new TreeMap<>();
      intents.forEach((k, v) -> m.put(k, v.get()));
      return m;
    }
  }

  record Options(double rate, int duration, int saturation, int warmup, int callers, int users, String heap, boolean jfr) {
    static Options parse(String[] args) {
      double rate = 100;
      int duration = 60, saturation = 30, warmup = 20, callers = 16, users = 300;
      String heap = "1g";
      boolean jfr = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--rate" -> rate = Double.parseDouble(args[++i]);
          case "--duration" -> duration = Integer.parseInt(args[++i]);
          case "--saturation" -> saturation = Integer.parseInt(args[++i]);
          case "--warmup" -> warmup = Integer.parseInt(args[++i]);
          case "--callers" -> callers = Integer.parseInt(args[++i]);
          case "--users" -> users = Integer.parseInt(args[++i]);
          case "--node-heap" -> heap = args[++i];
          case "--jfr" -> jfr = true;
          case "--quick" -> {
            duration = 10;
            saturation = 8;
            warmup = 5;
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Options(rate, duration, saturation, warmup, callers, users, heap, jfr);
    }
  }
}
