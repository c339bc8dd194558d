package org.linecommerce.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.pekko.Done;
import org.linecommerce.bench.support.BenchReport;
import org.linecommerce.bench.support.Load;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.CustomerEvent;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.subscription.EventSubscription;
import org.linecommerce.runtime.subscription.EventTags;
import org.linecommerce.bench.support.AutoAnalyze;
import org.linecommerce.testkit.TestDatabase;
import org.linecommerce.testkit.TestNodeConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Issue 11, item 7 ("subscription lag"): how long after an event is persisted the runtime's
 * {@link EventSubscription} (the mechanism domains use for cross-domain reactions) invokes its
 * handler, at a fixed rate on PostgreSQL; beside it, in the same run, the publish → receive latency
 * of Redis pub/sub at the same rate (the message bus of the seeds' design), so the trade — durable,
 * replayable delivery from the journal vs a fire-and-forget bus — shows in numbers.
 *
 * <p>Subscription phase (one per settings variant, each on a fresh database and a fresh node with
 * the customer module): {@code --rate} {@code CustomerClient.recordActivity} calls a second (open
 * loop) over {@code --users} customers, each persisting one {@code ActivityRecorded} event (with
 * an activity id naming the call). A subscription {@code bench-lag} over the customer tags (4
 * projections, as every domain subscription) records when its handler sees each event. Lag =
 * handler invoked − persist completed (the moment the entity's reply to the write reached the
 * caller, i.e. after the journal write committed); also handler invoked − the event's journal
 * timestamp (millisecond wall clock, what {@code subscription_lag_seconds} reports). A warm-up of
 * {@code --warmup} seconds at the same rate first (every customer registered, JIT warm).
 *
 * <p>Variants ({@code --variants "name:key=value,key=value;name2:…"}) override settings of the
 * JDBC read journal the projections poll: {@code refresh-interval} (how often each projection
 * queries for new events), {@code query-delay} and {@code max-tries}
 * ({@code journal-sequence-retrieval}: how often the journal's highest gap-free ordering is
 * refreshed; events above it are not delivered yet). The project's own settings always run first;
 * by default a second phase runs with the plugin's query-delay of 1 s ({@value #DEFAULT_VARIANTS});
 * {@code --variants ""} runs the project's settings only.
 *
 * <p>Redis phase: {@code /usr/bin/redis-server} (or {@code --redis-server PATH}) started here on a
 * free loopback port with {@code --save "" --appendonly no}, stopped at the end; one Jedis
 * subscriber, one publisher at {@code --rate}; latency = received − publish started.
 *
 * <pre>
 * java -Xmx1g -cp bench/target/benchmarks.jar org.linecommerce.bench.SubscriptionLagBenchmark [--quick]
 *     [--rate 1000] [--seconds 30] [--warmup 5] [--users 1000] [--variants "…"]
 * </pre>
 */
public final class SubscriptionLagBenchmark {

  private static final String SUBSCRIPTION = "bench-lag";
  private static final String PREFIX = "lag-";
  static final String DEFAULT_VARIANTS = "plugin query-delay 1s:query-delay=1s,max-tries=10";
  private static final long HIGHEST = TimeUnit.MINUTES.toNanos(5);

  /** One subscription phase's settings: name and read-journal overrides (relative to jdbc-read-journal). */
  record Variant(String name, Map<String, String> settings) {
    Config config() {
      Map<String, Object> m = new LinkedHashMap<>();
      settings.forEach((k, v) -> m.put("jdbc-read-journal." + switch (k) {
        case "query-delay", "max-tries" -> "journal-sequence-retrieval." + k;
        default -> k;
      }, v));
      return ConfigFactory.parseMap(m);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = CrossNodeAskBenchmark.parse(args);
    boolean quick = options.containsKey("quick");
    double rate = Double.parseDouble(options.getOrDefault("rate", "1000"));
    int seconds = Integer.parseInt(options.getOrDefault("seconds", quick ? "10" : "30"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", quick ? "3" : "5"));
    int users = Integer.parseInt(options.getOrDefault("users", "1000"));
    String redisBinary = options.getOrDefault("redis-server", "/usr/bin/redis-server");
    List<Variant> variants = new ArrayList<>();
    variants.add(new Variant("project settings", Map.of()));
    // by default beside the project's settings: the read journal's own query-delay (1 s), what the
    // project ran with before issue 11, so the setting's effect shows in every run
    variants.addAll(parseVariants(options.getOrDefault("variants", DEFAULT_VARIANTS)));

    BenchReport report = new BenchReport("subscription-lag",
        "Subscription lag: event persisted -> EventSubscription handler (PostgreSQL) vs Redis pub/sub publish -> receive");
    report.param("ratePerSecond", rate).param("secondsPerPhase", seconds).param("warmupSeconds", warmup)
        .param("users", users);

    Map<String, Histogram> persistToHandler = new LinkedHashMap<>();
    for (Variant variant : variants) {
      Config effective = runSubscriptionPhase(variant, rate, seconds, warmup, users, report, persistToHandler);
      report.param("settings[" + variant.name() + "]", String.format(Locale.ROOT,
          "refresh-interval=%s query-delay=%s max-tries=%d",
          effective.getDuration("jdbc-read-journal.refresh-interval").toMillis() + "ms",
          effective.getDuration("jdbc-read-journal.journal-sequence-retrieval.query-delay").toMillis() + "ms",
          effective.getInt("jdbc-read-journal.journal-sequence-retrieval.max-tries")));
    }

    Histogram redis = runRedisPhase(redisBinary, rate, seconds, warmup, report);

    Histogram project = persistToHandler.get("project settings");
    report.check("subscription lag p99 (project settings, persist -> handler)", ms(project, 99), "<=", 1000, "ms");
    report.ratio("subscription/redis p50", ms(project, 50), ms(redis, 50));
    report.ratio("subscription/redis p99", ms(project, 99), ms(redis, 99));
    persistToHandler.forEach((name, h) -> {
      if (!name.equals("project settings")) {
        report.ratio("subscription[" + name + "]/redis p99", ms(h, 99), ms(redis, 99));
      }
    });
    report.finish();
  }

  private static Config runSubscriptionPhase(Variant variant, double rate, int seconds, int warmup, int users,
      BenchReport report, Map<String, Histogram> persistToHandler) throws Exception {
    System.out.println("== subscription phase: " + variant.name() + " " + variant.settings());
    TestDatabase database = TestDatabase.postgres();
    AutoAnalyze autoAnalyze = AutoAnalyze.start(database);
    Node node = null;
    try {
      Config overrides = variant.config().withFallback(ConfigFactory.parseString("""
          linecommerce.node.roles = "customer"
          # the production pool size (tests use 4)
          linecommerce.db.pool-size = 8
          pekko.loglevel = WARNING
          """));
      node = Node.start(TestNodeConfig.node(database, overrides), List.of(new CustomerModule()));
      Config effective = node.system().settings().config();
      CustomerClient customers = new CustomerClient(node.system());

      int total = (int) (rate * seconds);
      AtomicLongArray persisted = new AtomicLongArray(total);
      AtomicLongArray handled = new AtomicLongArray(total);
      AtomicLong duplicates = new AtomicLong();
      Histogram fromTimestampMs = new ConcurrentHistogram(HIGHEST, 3);
      String run = Long.toString(System.nanoTime(), 36);

      EventSubscription.start(node.system(), SUBSCRIPTION, EventTags.fromConfig(node.system(), CustomerEvent.TAG_PREFIX),
          CustomerEvent.class, delivery -> {
            long now = System.nanoTime();
            if (delivery.event() instanceof CustomerEvent.ActivityRecorded a && a.activityId() != null
                && a.activityId().startsWith(PREFIX + run + "-")) {
              int i = Integer.parseInt(a.activityId().substring(PREFIX.length() + run.length() + 1));
              if (handled.compareAndSet(i, 0, now)) {
                long lagMs = System.currentTimeMillis() - delivery.timestamp().toEpochMilli();
                fromTimestampMs.recordValue(Math.max(0, Math.min(lagMs * 1_000_000, HIGHEST)));
              } else {
                duplicates.incrementAndGet();
              }
            }
            return CompletableFuture.completedFuture(Done.getInstance());
          });

      MessageMeta meta = MessageMeta.root("bench", null);
      // the customer shards allocated and the journal answering before the clock starts
      long ready = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try {
          record(customers, users, 0, "ready-" + run, meta).toCompletableFuture().get(10, TimeUnit.SECONDS);
          break;
        } catch (Exception e) {
          if (System.nanoTime() > ready) throw new IllegalStateException("the customer entity never answered", e);
          Thread.sleep(500);
        }
      }
      // every customer created and in memory (recovered, registered) before the fixed rate starts,
      // 16 at a time: a production node's active customers are in memory, and 1,000 recoveries at
      // once would measure a cold start instead
      for (int from = 0; from < users; from += 16) {
        List<CompletableFuture<Object>> batch = new ArrayList<>();
        for (int u = from; u < Math.min(users, from + 16); u++) {
          batch.add(record(customers, users, u, "prepare-" + run + "-" + u, meta).toCompletableFuture());
        }
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      }
      Load.Result warm = Load.fixedRate(rate, Duration.ofSeconds(warmup), Duration.ofSeconds(30),
          i -> record(customers, users, i, "warm-" + run + "-" + i, meta));
      System.out.printf("warm-up: %d ok, %d failed %s%n", warm.succeeded(), warm.failed(), warm.firstFailures());

      Load.Result load = Load.fixedRate(rate, Duration.ofSeconds(seconds), Duration.ofSeconds(30),
          i -> record(customers, users, i, PREFIX + run + "-" + i, meta)
              .thenApply(r -> {
                persisted.set((int) i, System.nanoTime());
                return r;
              }));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (count(handled) < load.succeeded() && System.nanoTime() < deadline) Thread.sleep(50);

      Histogram lag = new Histogram(HIGHEST, 3);
      long beforeAck = 0, missing = 0;
      for (int i = 0; i < total; i++) {
        long p = persisted.get(i), h = handled.get(i);
        if (p == 0) continue; // the write failed
        if (h == 0) {
          missing++;
          continue;
        }
        if (h < p) beforeAck++;
        lag.recordValue(Math.max(0, Math.min(h - p, HIGHEST)));
      }
      String label = "subscription [" + variant.name() + "]";
      report.latency(label + " persist->handler", lag);
      report.latency(label + " event timestamp->handler", fromTimestampMs);
      report.latency(label + " persist (write ask)", load.latency());
      report.figure(label + " events persisted", load.succeeded(), "events");
      report.figure(label + " writes failed", load.failed(), "writes");
      report.figure(label + " events persisted/s", load.succeededPerSecond(), "events/s");
      report.figure(label + " events never handled (within 60 s)", missing, "events");
      report.figure(label + " handled before the write's reply arrived", beforeAck, "events");
      report.figure(label + " duplicate deliveries", duplicates.get(), "events");
      if (!load.firstFailures().isEmpty()) report.note(label + " write failures: " + load.firstFailures());
      persistToHandler.put(variant.name(), lag);
      System.out.printf("%s: persist->handler p50 %.1f ms p99 %.1f ms max %.1f ms; %d persisted, %d missing%n",
          label, ms(lag, 50), ms(lag, 99), lag.getMaxValue() / 1e6, load.succeeded(), missing);
      return effective;
    } finally {
      if (node != null) node.shutdown().toCompletableFuture().get(60, TimeUnit.SECONDS);
      autoAnalyze.close();
      database.close();
    }
  }

  private static CompletionStage<Object> record(CustomerClient customers, int users, long i, String activityId,
      MessageMeta meta) {
    String user = String.format("Ulag%030d", i % users);
    return customers.recordActivity(user, "bench_lag", "{}", null, "bench", activityId, meta).thenApply(r -> {
      if (r instanceof AskResult.Ok<?>) return r;
      throw new IllegalStateException("recordActivity: " + r);
    });
  }

  private static Histogram runRedisPhase(String binary, double rate, int seconds, int warmup, BenchReport report)
      throws Exception {
    System.out.println("== Redis pub/sub phase");
    int port = TestNodeConfig.freePort();
    Path dir = Files.createTempDirectory("bench-redis");
    Process server = new ProcessBuilder(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    Thread killer = new Thread(server::destroyForcibly);
    Runtime.getRuntime().addShutdownHook(killer);
    try (Jedis publisher = connect(port, server, dir); Jedis subscriber = connect(port, server, dir)) {
      report.param("redis", publisher.info("server").lines().filter(l -> l.startsWith("redis_version"))
          .findFirst().orElse("redis_version:?") + " (" + binary + ", --save \"\" --appendonly no, loopback)");
      int total = (int) (rate * seconds);
      int warmTotal = (int) (rate * warmup);
      AtomicLongArray received = new AtomicLongArray(warmTotal + total);
      CompletableFuture<Void> subscribed = new CompletableFuture<>();
      JedisPubSub pubSub = new JedisPubSub() {
        @Override
        public void onMessage(String channel, String message) {
          received.compareAndSet(Integer.parseInt(message), 0, System.nanoTime());
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
          subscribed.complete(null);
        }
      };
      Thread listener = new Thread(() -> subscriber.subscribe(pubSub, "bench-lag"), "bench-redis-subscriber");
      listener.setDaemon(true);
      listener.start();
      subscribed.get(10, TimeUnit.SECONDS);

      long[] published = new long[warmTotal + total];
      Load.fixedRate(rate, Duration.ofSeconds(warmup), Duration.ofSeconds(5), i -> {
        publisher.publish("bench-lag", String.valueOf(i));
        return CompletableFuture.completedFuture(null);
      });
      Load.Result load = Load.fixedRate(rate, Duration.ofSeconds(seconds), Duration.ofSeconds(5), i -> {
        int n = warmTotal + (int) i;
        published[n] = System.nanoTime();
        publisher.publish("bench-lag", String.valueOf(n));
        return CompletableFuture.completedFuture(null);
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (count(received) < warmTotal + load.succeeded() && System.nanoTime() < deadline) Thread.sleep(20);
      pubSub.unsubscribe();
      Histogram lag = new Histogram(HIGHEST, 3);
      long missing = 0;
      for (int n = warmTotal; n < warmTotal + total; n++) {
        if (published[n] == 0) continue;
        long r = received.get(n);
        if (r == 0) missing++;
        else lag.recordValue(Math.max(0, Math.min(r - published[n], HIGHEST)));
      }
      report.latency("redis pub/sub publish->receive", lag);
      report.figure("redis messages published", load.succeeded(), "messages");
      report.figure("redis messages not received", missing, "messages");
      System.out.printf("redis: publish->receive p50 %.3f ms p99 %.3f ms; %d missing%n", ms(lag, 50), ms(lag, 99), missing);
      return lag;
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      Runtime.getRuntime().removeShutdownHook(killer);
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Jedis connect(int port, Process server, Path dir) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        Jedis jedis = new Jedis("127.0.0.1", port);
        jedis.ping();
        return jedis;
      } catch (RuntimeException e) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("redis-server did not answer on port " + port + ": "
              + Files.readString(dir.resolve("redis.log")), e);
        }
        Thread.sleep(50);
      }
    }
  }

  private static long count(AtomicLongArray a) {
    long n = 0;
    for (int i = 0; i < a.length(); i++) if (a.get(i) != 0) n++;
    return n;
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1e6;
  }

  static List<Variant> parseVariants(String spec) {
    List<Variant> variants = new ArrayList<>();
    for (String part : spec.split(";")) {
      if (part.isBlank()) continue;
      int colon = part.indexOf(':');
      if (colon <= 0) throw new IllegalArgumentException("variant must be name:key=value,…: " + part);
      Map<String, String> settings = new LinkedHashMap<>();
      for (String kv : part.substring(colon + 1).split(",")) {
        String[] pair = kv.trim().split("=", 2);
        if (pair.length != 2) throw new IllegalArgumentException("setting must be key=value: " + kv);
        if (!List.of("refresh-interval", "query-delay", "max-tries", "max-buffer-size").contains(pair[0])) {
          throw new IllegalArgumentException("unknown read-journal setting " + pair[0]);
        }
        settings.put(pair[0], pair[1]);
      }
      variants.add(new Variant(part.substring(0, colon).trim(), settings));
    }
    return variants;
  }
}
