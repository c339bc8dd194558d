package org.linecommerce.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.linecommerce.bench.support.AutoAnalyze;
import org.linecommerce.bench.support.BenchReport;
import org.linecommerce.bench.support.Load;
import org.linecommerce.bench.support.Machine;
import org.linecommerce.testkit.NodeProcess;

/**
 * Issue 11 item 9, checkout: {@code POST /api/v1/orders} against one node started from
 * {@code node/target/node.jar} in its own JVM (the API rate limit off), on PostgreSQL and on H2.
 *
 * <p>Per database: the node seeds the bundled sample catalog with every product's stock raised
 * to 1,000,000 (so no order fails for stock); a warm-up; a steady phase at {@code --rate} orders/s
 * (open loop, {@link Load#fixedRate}); a saturation phase with {@code --clients} closed-loop
 * clients ({@link Load#saturate}). Each order is one line (a product of the catalog, round robin,
 * quantity 1) for one of 1,000 users, with a fresh {@code Idempotency-Key}. Measured:
 *
 * <ul>
 *   <li>accept: the latency of {@code POST /api/v1/orders} until its 202 (from the scheduled start);
 *   <li>priced: from the scheduled start until {@code GET /api/v1/orders/{id}} shows the order
 *       priced ({@code expiresAt} set: stock reserved, order created); the client asks every
 *       {@code --poll} ms after the 202 (every order in the steady phase, one in
 *       {@code --priced-sample} at saturation, so the reads do not dominate the figure);
 *   <li>orders accepted per second, and CPU per order: the node process's user+system CPU time
 *       ({@code /proc/<pid>/stat}) during the phase divided by the orders accepted; at saturation
 *       also above idle (minus what the node burns in 5 s without orders, measured before);
 *   <li>on PostgreSQL, the database work per order at saturation ({@code pg_stat_database} of the
 *       node's database: transactions above idle, rows inserted, updated, deleted), which does not
 *       depend on how busy the machine is.
 * </ul>
 *
 * Options: {@code --quick} (short phases), {@code --db=postgres,h2}, {@code --rate=100},
 * {@code --clients=16}, {@code --steady=60s}, {@code --saturate=60s}, {@code --warmup=15s},
 * {@code --before-jar=PATH} (also measure that node jar, e.g. the code before the fixes, in the same
 * run: its figures become the baseline of the ratios), {@code --extra-jars=LABEL:PATH,...} (more
 * node jars measured the same way on the first database, e.g. one fix at a time), {@code --jfr=DIR}
 * (a JFR recording of each node's saturation phase, through {@code jcmd}), {@code --heap=768m},
 * {@code --poll=10} (ms between the reads of an order until priced), {@code --priced-sample=8}.
 */
public final class CheckoutBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "dev-api-token";
  private static final int USERS = 1_000;
  private static final int STOCK = 1_000_000;

  private final Map<String, String> options;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .executor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "bench-http");
        t.setDaemon(true);
        return t;
      }))
      .build();
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bench-poll");
    t.setDaemon(true);
    return t;
  });
  private final String runId = Long.toString(System.currentTimeMillis(), 36);

  private CheckoutBenchmark(Map<String, String> options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (String a : args) {
      if (!a.startsWith("--")) throw new IllegalArgumentException("unknown argument " + a);
      int eq = a.indexOf('=');
      options.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
    }
    new CheckoutBenchmark(options).run();
    System.exit(0);
  }

  private String opt(String key, String full, String quick) {
    return options.getOrDefault(key, options.containsKey("quick") ? quick : full);
  }

  private Duration duration(String key, String full, String quick) {
    String v = opt(key, full, quick).trim().toLowerCase(Locale.ROOT);
    if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    if (v.endsWith("s")) return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
    return Duration.ofSeconds(Long.parseLong(v));
  }

  /** What one node (one database, one jar) measured. */
  record Measured(String label, Load.Result steady, Histogram steadyPriced, long steadyPricedFailed, double steadyCpuMsPerOrder,
      Load.Result saturated, Histogram saturatedPriced, double saturatedCpuMsPerOrder, double saturatedCpuCores,
      double idleCpuCores, double saturatedMarginalCpuMsPerOrder, double[] dbPerOrder) {}

  private void run() throws Exception {
    List<String> dbs = List.of(opt("db", "postgres,h2", "postgres,h2").split(","));
    double rate = Double.parseDouble(opt("rate", "100", "100"));
    int clients = Integer.parseInt(opt("clients", "16", "16"));
    Duration warmup = duration("warmup", "15s", "5s");
    Duration steady = duration("steady", "60s", "15s");
    Duration saturate = duration("saturate", "60s", "15s");
    String beforeJar = options.get("before-jar");

    BenchReport report = new BenchReport("checkout", "Checkout: POST /api/v1/orders and time until priced");
    report.param("rate", rate).param("clients", clients).param("warmup", warmup.toString())
        .param("steady", steady.toString()).param("saturate", saturate.toString()).param("users", USERS)
        .param("poll", opt("poll", "10", "10") + " ms").param("pricedSample", opt("priced-sample", "8", "8"))
        .param("heap", opt("heap", "768m", "768m"));
    if (beforeJar != null) report.param("beforeJar", beforeJar);

    Map<String, Measured> results = new LinkedHashMap<>();
    for (String db : dbs) {
      results.put(db, measure(db.trim(), NodeProcess.jar(), db.trim(), warmup, steady, saturate, rate, clients));
    }
    for (String extra : options.getOrDefault("extra-jars", "").split(",")) {
      if (extra.isBlank()) continue;
      int colon = extra.indexOf(':');
      String db = dbs.get(0).trim();
      String name = db + " " + extra.substring(0, colon);
      results.put(name, measure(db, Path.of(extra.substring(colon + 1)).toAbsolutePath(), name, warmup, steady, saturate,
          rate, clients));
    }
    if (beforeJar != null) {
      String db = dbs.get(0).trim();
      results.put(db + " before", measure(db, Path.of(beforeJar).toAbsolutePath(), db + " before", warmup, steady,
          saturate, rate, clients));
    }

    for (Measured m : results.values()) {
      report.latency(m.label() + " steady accept", m.steady().latency());
      report.latency(m.label() + " steady priced", m.steadyPriced());
      report.latency(m.label() + " saturated accept", m.saturated().latency());
      report.latency(m.label() + " saturated priced (sample)", m.saturatedPriced());
      report.figure(m.label() + " steady orders/s", m.steady().succeededPerSecond(), "orders/s");
      report.figure(m.label() + " steady failed", m.steady().failed() + m.steadyPricedFailed(), "orders");
      report.figure(m.label() + " steady CPU per order", m.steadyCpuMsPerOrder(), "ms");
      report.figure(m.label() + " saturated orders/s", m.saturated().succeededPerSecond(), "orders/s");
      report.figure(m.label() + " saturated failed", m.saturated().failed(), "orders");
      report.figure(m.label() + " saturated CPU per order", m.saturatedCpuMsPerOrder(), "ms");
      report.figure(m.label() + " saturated CPU per order above idle", m.saturatedMarginalCpuMsPerOrder(), "ms");
      report.figure(m.label() + " saturated node CPU", m.saturatedCpuCores() * 100, "% of one core");
      report.figure(m.label() + " idle node CPU", m.idleCpuCores() * 100, "% of one core");
      if (m.dbPerOrder() != null) {
        report.figure(m.label() + " saturated DB transactions per order above idle", m.dbPerOrder()[0], "tx");
        report.figure(m.label() + " saturated DB rows inserted per order", m.dbPerOrder()[1], "rows");
        report.figure(m.label() + " saturated DB rows updated per order", m.dbPerOrder()[2], "rows");
        report.figure(m.label() + " saturated DB rows deleted per order", m.dbPerOrder()[3], "rows");
      }
      for (String f : m.steady().firstFailures()) report.note(m.label() + " steady failure: " + f);
      for (String f : m.saturated().firstFailures()) report.note(m.label() + " saturated failure: " + f);
    }
    Measured pg = results.get("postgres");
    Measured h2 = results.get("h2");
    if (pg != null && h2 != null) {
      report.ratio("postgres/h2 saturated orders/s", pg.saturated().succeededPerSecond(), h2.saturated().succeededPerSecond());
    }
    Measured main = pg != null ? pg : results.values().iterator().next();
    Measured before = results.get(main.label() + " before");
    if (before != null) {
      report.ratio(main.label() + " after/before saturated orders/s", main.saturated().succeededPerSecond(),
          before.saturated().succeededPerSecond());
      report.ratio(main.label() + " before/after steady accept p99", p99(before.steady().latency()), p99(main.steady().latency()));
      report.ratio(main.label() + " before/after steady priced p99", p99(before.steadyPriced()), p99(main.steadyPriced()));
      report.ratio(main.label() + " before/after saturated CPU per order", before.saturatedCpuMsPerOrder(),
          main.saturatedCpuMsPerOrder());
    }
    report.ratio(main.label() + " saturated/steady-rate orders/s", main.saturated().succeededPerSecond(), rate);
    report.check(main.label() + " orders/s at saturation (" + clients + " clients)", main.saturated().succeededPerSecond(),
        ">=", 300, "orders/s");
    report.check(main.label() + " accept p99 at a steady " + (int) rate + " orders/s", p99(main.steady().latency()),
        "<=", 200, "ms");
    report.check(main.label() + " priced p99 at a steady " + (int) rate + " orders/s", p99(main.steadyPriced()),
        "<=", 200, "ms");
    report.note("node: its own JVM (node.jar, -Xmx" + opt("heap", "768m", "768m") + ", rate limit off, all roles), on the same "
        + Machine.cores() + " cores as this load generator; CPU per order = node process CPU time / orders accepted in the phase"
        + " (the steady phase includes the GETs that poll every order until priced)");
    report.finish();
  }

  private static double p99(Histogram h) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1e6;
  }

  // ------------------------------------------------------------------ one node

  private Measured measure(String db, Path jar, String label, Duration warmup, Duration steady, Duration saturate,
      double rate, int clients) throws Exception {
    Path dir = Files.createTempDirectory("checkout-bench-");
    String database = "bench_checkout_" + runId + "_" + label.replaceAll("[^a-z0-9]", "");
    Map<String, String> env = new LinkedHashMap<>();
    int httpPort = freePort();
    int managementPort = freePort();
    env.put("HTTP_PORT", Integer.toString(httpPort));
    env.put("MANAGEMENT_PORT", Integer.toString(managementPort));
    env.put("NODE_PORT", Integer.toString(freePort()));
    env.put("NODE_HOSTNAME", "127.0.0.1");
    env.put("DATA_DIR", dir.resolve("data").toString());
    env.put("CATALOG_SEED", writeCatalog(dir).toString());
    String pgUrl = null;
    if (db.equals("postgres")) {
      pgUrl = createDatabase(database);
      env.put("DB_PROFILE", "postgres");
      env.put("DB_URL", pgUrl);
      env.put("DB_USER", pgUser());
      env.put("DB_PASSWORD", System.getenv().getOrDefault("TEST_PG_PASSWORD", ""));
    } else {
      env.put("DB_PROFILE", "h2");
    }
    List<String> jvm = new ArrayList<>(List.of("-Xms" + opt("heap", "768m", "768m"), "-Xmx" + opt("heap", "768m", "768m"),
        "-Dlinecommerce.http.rate-limit.enabled=off"));
    System.setProperty("node.jar", jar.toString());
    System.out.printf(Locale.ROOT, "%n== %s: starting node %s (%s) in %s%n", label, jar, db, dir);
    NodeProcess node = NodeProcess.start(dir, "node", jvm, env, httpPort, managementPort);
    String analyzedUrl = pgUrl;
    AutoAnalyze autoAnalyze = pgUrl == null ? null : AutoAnalyze.start(() ->
        DriverManager.getConnection(analyzedUrl, pgUser(), System.getenv().getOrDefault("TEST_PG_PASSWORD", "")));
    try {
      node.awaitReady(Duration.ofSeconds(300));
      String base = "http://127.0.0.1:" + httpPort;
      List<String> products = awaitCatalog(base);
      Orders orders = new Orders(base, products);
      System.out.printf(Locale.ROOT, "%s: ready, %d products; warm-up %s%n", label, products.size(), warmup);
      Load.saturate(clients, warmup, i -> orders.place(i, false, null));
      orders.awaitPolls(Duration.ofSeconds(30));
      // what the node burns without orders (subscriptions polling the journal, cluster, timers)
      Thread.sleep(3_000);
      long[] dbStats0 = pgUrl == null ? null : dbStats(database);
      long idle0 = cpuNanos(node);
      long idleT0 = System.nanoTime();
      Thread.sleep(5_000);
      double idleCores = (cpuNanos(node) - idle0) / (double) (System.nanoTime() - idleT0);
      long[] idleDb = pgUrl == null ? null : minus(dbStats(database), dbStats0);
      double idleSeconds = (System.nanoTime() - idleT0) / 1e9;
      System.out.printf(Locale.ROOT, "%s: idle node CPU %.1f%% of one core%n", label, idleCores * 100);

      System.out.printf(Locale.ROOT, "%s: steady %s at %.0f orders/s%n", label, steady, rate);
      Histogram steadyPriced = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(5), 3);
      AtomicLong pricedFailed = new AtomicLong();
      long cpu0 = cpuNanos(node);
      Load.Result steadyResult = Load.fixedRate(rate, steady, Duration.ofSeconds(30),
          i -> orders.place(i, true, new Priced(steadyPriced, pricedFailed)));
      orders.awaitPolls(Duration.ofSeconds(30));
      double steadyCpu = (cpuNanos(node) - cpu0) / 1e6 / Math.max(1, steadyResult.succeeded());
      print(label + " steady", steadyResult, steadyPriced, steadyCpu);

      System.out.printf(Locale.ROOT, "%s: saturation %s with %d clients%n", label, saturate, clients);
      Histogram satPriced = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(5), 3);
      int sample = Integer.parseInt(opt("priced-sample", "8", "8"));
      if (pgUrl != null) Thread.sleep(STATS_FLUSH_MS); // PostgreSQL backends report their counts within about 10 s
      long[] satDb0 = pgUrl == null ? null : dbStats(database);
      long satDbT0 = System.nanoTime();
      Path jfr = options.containsKey("jfr")
          ? Path.of(options.get("jfr")).toAbsolutePath().resolve("checkout-" + label.replace(' ', '-') + ".jfr") : null;
      if (jfr != null) {
        Files.createDirectories(jfr.getParent());
        jcmd(node, "JFR.start", "name=checkout", "settings=profile", "filename=" + jfr);
      }
      long cpu1 = cpuNanos(node);
      long t1 = System.nanoTime();
      Load.Result satResult = Load.saturate(clients, saturate,
          i -> orders.place(i, i % sample == 0, new Priced(satPriced, new AtomicLong())));
      long cpu2 = cpuNanos(node);
      if (jfr != null) jcmd(node, "JFR.stop", "name=checkout");
      double wall = (System.nanoTime() - t1) / 1e9;
      orders.awaitPolls(Duration.ofSeconds(30));
      double satCpu = (cpu2 - cpu1) / 1e6 / Math.max(1, satResult.succeeded());
      double marginal = ((cpu2 - cpu1) / 1e6 - idleCores * wall * 1e3) / Math.max(1, satResult.succeeded());
      double[] perOrder = null;
      if (pgUrl != null) {
        Thread.sleep(STATS_FLUSH_MS);
        long[] used = minus(dbStats(database), satDb0);
        double seconds = (System.nanoTime() - satDbT0) / 1e9;
        perOrder = new double[used.length];
        for (int k = 0; k < used.length; k++) {
          perOrder[k] = (used[k] - idleDb[k] * seconds / idleSeconds) / Math.max(1, satResult.succeeded());
        }
        System.out.printf(Locale.ROOT, "%s saturated: per order above idle: %.1f transactions, %.1f rows inserted,"
            + " %.1f updated, %.1f deleted%n", label, perOrder[0], perOrder[1], perOrder[2], perOrder[3]);
      }
      print(label + " saturated", satResult, satPriced, satCpu);
      System.out.printf(Locale.ROOT, "%s saturated: node CPU %.0f%% of one core, %.2f ms/order above idle%n", label,
          (cpu2 - cpu1) / 1e9 / wall * 100, marginal);
      return new Measured(label, steadyResult, steadyPriced, pricedFailed.get(), steadyCpu, satResult, satPriced, satCpu,
          (cpu2 - cpu1) / 1e9 / wall, idleCores, marginal, perOrder);
    } finally {
      if (autoAnalyze != null) autoAnalyze.close();
      int exit = node.terminate();
      System.out.printf(Locale.ROOT, "%s: node stopped (exit %d), log %s%n", label, exit, node.log);
      if (pgUrl != null) dropDatabase(database);
    }
  }

  private static void print(String what, Load.Result r, Histogram priced, double cpuMs) {
    System.out.printf(Locale.ROOT, "%s: %d accepted (%.1f/s), %d failed; accept p50 %.1f ms p99 %.1f ms; priced p50 %.1f ms"
            + " p99 %.1f ms (%d); CPU %.2f ms/order%n", what, r.succeeded(), r.succeededPerSecond(), r.failed(),
        r.latency().getValueAtPercentile(50) / 1e6, r.latency().getValueAtPercentile(99) / 1e6,
        priced.getValueAtPercentile(50) / 1e6, priced.getValueAtPercentile(99) / 1e6, priced.getTotalCount(), cpuMs);
    r.firstFailures().forEach(f -> System.out.println("  failure: " + f));
  }

  /** Where the time until priced goes. */
  record Priced(Histogram latency, AtomicLong failed) {}

  /** The orders a phase places. */
  private final class Orders {
    final String base;
    final List<String> products;
    final AtomicLong polling = new AtomicLong();

    Orders(String base, List<String> products) {
      this.base = base;
      this.products = products;
    }

    CompletionStage<?> place(long i, boolean awaitPriced, Priced priced) {
      long start = System.nanoTime();
      String product = products.get((int) (i % products.size()));
      String body = "{\"userId\":\"bench-user-" + (i % USERS) + "\",\"items\":[{\"productId\":\"" + product
          + "\",\"quantity\":1}]}";
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/orders"))
          .timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json")
          .header("Authorization", "Bearer " + TOKEN)
          .header("Idempotency-Key", "bench-" + runId + "-" + System.identityHashCode(this) + "-" + i)
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
        if (response.statusCode() != 202) {
          throw new IllegalStateException("POST /api/v1/orders answered " + response.statusCode() + ": " + response.body());
        }
        if (awaitPriced) {
          String orderId = read(response.body()).path("orderId").asText();
          polling.incrementAndGet();
          poll(orderId, start, priced);
        }
        return response;
      });
    }

    private void poll(String orderId, long start, Priced priced) {
      long every = Long.parseLong(opt("poll", "10", "10"));
      poller.schedule(() -> {
        HttpRequest get = HttpRequest.newBuilder(URI.create(base + "/api/v1/orders/" + orderId))
            .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN).GET().build();
        http.sendAsync(get, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
          JsonNode order = error == null && response.statusCode() == 200 ? read(response.body()) : null;
          if (order != null && !order.path("expiresAt").isMissingNode() && !order.path("expiresAt").isNull()) {
            priced.latency().recordValue(System.nanoTime() - start);
            polling.decrementAndGet();
          } else if (order != null && !"pending".equals(order.path("status").asText())) {
            priced.failed().incrementAndGet();
            polling.decrementAndGet();
          } else if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
            priced.failed().incrementAndGet();
            polling.decrementAndGet();
          } else {
            poll(orderId, start, priced);
          }
        });
      }, every, TimeUnit.MILLISECONDS);
    }

    void awaitPolls(Duration within) throws InterruptedException {
      long deadline = System.nanoTime() + within.toNanos();
      while (polling.get() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
    }
  }

  // ------------------------------------------------------------------ set-up

  /** The bundled sample catalog with every product's stock raised to {@value #STOCK}. */
  private static Path writeCatalog(Path dir) throws IOException {
    JsonNode catalog;
    try (InputStream in = CheckoutBenchmark.class.getClassLoader().getResourceAsStream("catalog/sample-products.json")) {
      if (in == null) throw new IllegalStateException("catalog/sample-products.json is not on the classpath");
      catalog = JSON.readTree(in);
    }
    for (JsonNode p : (ArrayNode) catalog.path("products")) {
      ((ObjectNode) p).put("stock", STOCK);
    }
    Path file = dir.resolve("catalog.json");
    JSON.writeValue(file.toFile(), catalog);
    return file;
  }

  /** Waits until the node has seeded every product with its raised stock; the ids of the orderable ones. */
  private List<String> awaitCatalog(String base) throws Exception {
    JsonNode catalog;
    try (InputStream in = CheckoutBenchmark.class.getClassLoader().getResourceAsStream("catalog/sample-products.json")) {
      catalog = JSON.readTree(in);
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode p : catalog.path("products")) {
      if (!p.path("discontinued").asBoolean(false) && !"discontinued".equals(p.path("status").asText())) ids.add(p.path("id").asText());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    Map<String, Boolean> seeded = new ConcurrentHashMap<>();
    while (seeded.size() < ids.size()) {
      for (String id : ids) {
        if (seeded.containsKey(id)) continue;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/products/" + id))
            .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && read(r.body()).path("stock").asInt() >= STOCK / 2) seeded.put(id, true);
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException("catalog not seeded: " + seeded.size() + "/" + ids.size());
      if (seeded.size() < ids.size()) Thread.sleep(500);
    }
    return ids;
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }

  /** user+system CPU time of the node process so far (Linux {@code /proc/<pid>/stat}, clock ticks of 10 ms). */
  private static long cpuNanos(NodeProcess node) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + node.process.pid() + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
    return ticks * 10_000_000L;
  }

  /** Runs {@code jcmd <node pid> args} (e.g. to record a JFR file of one phase). */
  private static void jcmd(NodeProcess node, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    command.add(Long.toString(node.process.pid()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) System.out.println("jcmd " + String.join(" ", args) + " failed: " + out);
  }

  private static final long STATS_FLUSH_MS = 11_000;

  /** {@code pg_stat_database} of {@code name}: transactions committed, rows inserted, updated, deleted. */
  private static long[] dbStats(String name) throws Exception {
    try (Connection c = admin(); Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT xact_commit, tup_inserted, tup_updated, tup_deleted"
            + " FROM pg_stat_database WHERE datname = '" + name + "'")) {
      if (!rs.next()) return new long[4];
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
    }
  }

  private static long[] minus(long[] a, long[] b) {
    long[] d = new long[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i] - b[i];
    return d;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String pgServerUrl() {
    String url = System.getenv("TEST_PG_URL");
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("set TEST_PG_URL (e.g. jdbc:postgresql://127.0.0.1:5432/test) and TEST_PG_USER for PostgreSQL");
    }
    return url;
  }

  private static String pgUser() {
    return System.getenv().getOrDefault("TEST_PG_USER", "postgres");
  }

  private static Connection admin() throws Exception {
    return DriverManager.getConnection(pgServerUrl(), pgUser(), System.getenv().getOrDefault("TEST_PG_PASSWORD", ""));
  }

  private static String createDatabase(String name) throws Exception {
    try (Connection c = admin(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    String url = pgServerUrl();
    int q = url.indexOf('?');
    String tail = q < 0 ? "" : url.substring(q);
    String head = q < 0 ? url : url.substring(0, q);
    return head.substring(0, head.lastIndexOf('/') + 1) + name + tail;
  }

  private static void dropDatabase(String name) {
    try (Connection c = admin(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (Exception e) {
      System.out.println("could not drop database " + name + ": " + e.getMessage());
    }
  }
}
