package org.linecommerce.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import javax.management.ObjectName;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.linecommerce.bench.support.AutoAnalyze;
import org.linecommerce.bench.support.BenchReport;
import org.linecommerce.bench.support.Machine;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.catalog.api.CatalogSearchClient;
import org.linecommerce.catalog.api.SearchPage;
import org.linecommerce.catalog.api.SearchQuery;
import org.linecommerce.conversation.ConversationModule;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationClient;
import org.linecommerce.conversation.api.ConversationCommand;
import org.linecommerce.conversation.api.GenerateRequest;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.CustomerCommand;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.Stages;
import org.linecommerce.testkit.TestDatabase;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * Issue 11, item 5 ("memory and scale"): the heap one active {@code Conversation} entity costs, and
 * whether passivation keeps a node's heap bounded while many distinct users write.
 *
 * <p>One in-process node with the modules a turn needs (ai-conversation, customer, product-catalog;
 * roles {@code conversation,customer,catalog}) on PostgreSQL (the journal is off the JVM heap; H2
 * in-memory would keep every event on it). Conversations are driven in-process through
 * {@link ConversationClient#generate} (the typed ask the gateway uses), one product search message
 * per user ("do you have green tea?": the state then holds the turn pair, the answer with its
 * product cards and the focus), with {@code --concurrency} callers in a closed loop.
 *
 * <ol>
 *   <li><b>Baseline</b>: heap after full GC (used heap after {@code System.gc()} until it settles) of
 *       the started node with 0 active conversations, and a live-class histogram.
 *   <li><b>Customers</b>: a turn asks the user's {@code Customer} entity for the profile, which
 *       activates it; so the same {@code --active} users' Customer entities are activated first (a
 *       profile read each) and measured on their own.
 *   <li><b>Per conversation</b>: the same users each send one message; heap after GC again; the
 *       difference over the number of new active conversations (cluster sharding statistics) is the
 *       heap per active conversation entity, with the classes it consists of (histogram difference).
 *   <li><b>Passivation</b>: {@code --users} further distinct users send one message each, in
 *       batches; after each batch, heap after GC, active conversations and customers, and the
 *       batch's turn latency. Written as a curve ({@code memory-scale-heap.png}).
 * </ol>
 */
public final class MemoryBenchmark {

  private static final String MESSAGE = "do you have green tea?";
  private static final String MAX_ACTIVE = "linecommerce.conversation.max-active";

  record Sample(long users, long seconds, double heapMiB, long conversations, long customers, double turnsPerSecond,
      double p50Ms, double p99Ms, long failed) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    boolean quick = opts.containsKey("quick");
    int active = Integer.parseInt(opts.getOrDefault("active", quick ? "10000" : "100000"));
    long users = Long.parseLong(opts.getOrDefault("users", quick ? "50000" : "1000000"));
    int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "32"));
    long batch = Long.parseLong(opts.getOrDefault("batch", String.valueOf(Math.max(1, users / 20))));
    String message = opts.getOrDefault("message", MESSAGE);
    String db = opts.getOrDefault("db", "postgres");
    boolean histograms = !"off".equals(opts.get("histogram"));
    String extraConf = opts.getOrDefault("conf", "");

    BenchReport report = new BenchReport("memory-scale", "Memory and scale: heap per active conversation, passivation");
    report.param("activeUsers", active).param("passivationUsers", users).param("concurrency", concurrency)
        .param("batch", batch).param("message", message).param("database", db)
        .param("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20)
        .param("jvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments().toString())
        .param("conf", extraConf);

    Config overrides = ConfigFactory.parseString(extraConf).withFallback(ConfigFactory.parseString("""
        linecommerce.node.roles = "conversation,customer,catalog"
        linecommerce.db.pool-size = 8
        pekko.loglevel = WARNING
        """));
    try (TestDatabase database = "h2".equals(db) ? TestDatabase.h2() : TestDatabase.postgres();
        // PostgreSQL's auto-analyze, which this machine's server does not run: without it the tag
        // polls scanned the growing journal for seconds each and the run crawled
        AutoAnalyze analyze = "h2".equals(db) ? null : AutoAnalyze.start(database)) {
      Config config = TestNodeConfig.node(database, overrides);
      report.param("conversationIdleTimeout", config.getString("linecommerce.conversation.idle-timeout"))
          .param("passivationStrategy", config.getString("pekko.cluster.sharding.passivation.strategy"))
          .param("activeEntityLimit", config.getString("pekko.cluster.sharding.passivation.default-strategy.active-entity-limit"))
          .param("conversationMaxActive", config.hasPath(MAX_ACTIVE) ? config.getString(MAX_ACTIVE) : "(none)");
      int maxActive = config.hasPath(MAX_ACTIVE) ? config.getInt(MAX_ACTIVE) : 0;
      Node node = Node.start(config, List.of(new CatalogModule(), new CustomerModule(), new ConversationModule()));
      try {
        run(node.system(), report, active, users, concurrency, batch, message, histograms, maxActive);
      } finally {
        node.shutdown().toCompletableFuture().get(120, TimeUnit.SECONDS);
      }
    }
    report.finish();
    System.exit(0);
  }

  private static void run(ActorSystem<?> system, BenchReport report, int active, long users, int concurrency, long batch,
      String message, boolean histograms, int maxActive) throws Exception {
    awaitCatalog(system);
    ConversationClient conversations = new ConversationClient(system);
    CustomerClient customers = new CustomerClient(system);
    MessageMeta meta = MessageMeta.root("bench", null);
    // The shard regions exist before the baseline (they start with the first message); one user each.
    require(conversations.generate(new GenerateRequest(userId(9, 0), message, "w-0", "en", null), meta));
    BareEntity.init(system);
    ClusterSharding sharding = ClusterSharding.get(system);
    LongFunction<CompletionStage<?>> ping = i -> sharding.entityRefFor(BareEntity.KEY, userId(3, i))
        .<org.apache.pekko.Done>ask(BareEntity.Ping::new, Duration.ofSeconds(30));
    ping.apply(-1).toCompletableFuture().get(60, TimeUnit.SECONDS);

    long conv0 = activeEntities(system, ConversationCommand.ENTITY_KEY);
    long cust0 = activeEntities(system, CustomerCommand.ENTITY_KEY);
    double heap0 = heapAfterGcMiB();
    Map<String, long[]> histo0 = histograms ? classHistogram() : Map.of();
    System.out.printf(Locale.ROOT, "baseline: heap %.1f MiB, conversations %d, customers %d%n", heap0, conv0, cust0);

    // the floor: as many bare entities, sharded and persisted like a conversation
    long bare0 = activeEntities(system, BareEntity.KEY);
    drive(active, concurrency, ping);
    long bare1 = activeEntities(system, BareEntity.KEY);
    double heapBare = heapAfterGcMiB();
    Map<String, long[]> histoBare = histograms ? classHistogram() : Map.of();
    double perBare = (heapBare - heap0) * 1024 * 1024 / Math.max(1, bare1 - bare0);
    System.out.printf(Locale.ROOT, "bare entities: heap %.1f MiB, entities %d: %.0f bytes per active bare entity%n", heapBare,
        bare1, perBare);
    if (histograms) {
      String bareClasses = histogramDiff(histo0, histoBare, bare1 - bare0, 30);
      System.out.println("per active bare entity, by class:\n" + bareClasses);
      Path dir = BenchReport.outputDirectory();
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("memory-scale-bare-classes.txt"), "per active bare entity (" + (bare1 - bare0) + "):\n"
          + bareClasses);
    }

    // customers of the active users, on their own
    Histogram customerLatency = drive(active, concurrency, i -> customers.get(userId(1, i)).thenCompose(MemoryBenchmark::ok));
    long cust1 = activeEntities(system, CustomerCommand.ENTITY_KEY);
    double heap1 = heapAfterGcMiB();
    Map<String, long[]> histo1 = histograms ? classHistogram() : Map.of();
    double perCustomer = (heap1 - heapBare) * 1024 * 1024 / Math.max(1, cust1 - cust0);
    System.out.printf(Locale.ROOT, "customers: heap %.1f MiB, customers %d: %.0f bytes per active customer%n", heap1, cust1,
        perCustomer);

    // one message each from the same users: their conversations
    long start = System.nanoTime();
    Histogram activation = drive(active, concurrency, i -> conversations.generate(
        new GenerateRequest(userId(1, i), message, "a-" + i, "en", null), meta).thenCompose(MemoryBenchmark::ok));
    double activationSeconds = (System.nanoTime() - start) / 1e9;
    long conv2 = activeEntities(system, ConversationCommand.ENTITY_KEY);
    long cust2 = activeEntities(system, CustomerCommand.ENTITY_KEY);
    double heap2 = heapAfterGcMiB();
    Map<String, long[]> histo2 = histograms ? classHistogram() : Map.of();
    long newConversations = conv2 - conv0;
    double perConversation = (heap2 - heap1) * 1024 * 1024 / Math.max(1, newConversations);
    System.out.printf(Locale.ROOT, "conversations: heap %.1f MiB, conversations %d, customers %d: %.0f bytes per active conversation%n",
        heap2, conv2, cust2, perConversation);

    report.latency("customer profile read (activation)", customerLatency);
    report.latency("turn (activating " + active + " conversations)", activation);
    report.figure("heap after GC, baseline (0 active conversations)", heap0, "MiB");
    report.figure("heap after GC, + " + (bare1 - bare0) + " active bare entities", heapBare, "MiB");
    report.figure("heap after GC, + " + (cust1 - cust0) + " active customers", heap1, "MiB");
    report.figure("heap after GC, + " + newConversations + " active conversations", heap2, "MiB");
    report.figure("heap per active customer entity", perCustomer, "bytes");
    report.figure("heap per active conversation entity", perConversation, "bytes");
    report.figure("heap per active bare entity (Pekko's floor: remembered, event-sourced, empty)", perBare, "bytes");
    report.ratio("heap per conversation / per bare entity", perConversation, perBare);
    report.figure("turns per second (activation)", active / activationSeconds, "turns/s");
    report.ratio("heap with active conversations / baseline", heap2, heap0);
    report.check("heap per active conversation entity", perConversation / 1024, "<=", 10, "KB");
    report.check("heap per active conversation entity (aim)", perConversation / 1024, "<=", 3, "KB");
    if (histograms) {
      String customerClasses = histogramDiff(histoBare, histo1, cust1 - cust0, 12);
      String conversationClasses = histogramDiff(histo1, histo2, newConversations, 30);
      System.out.println("per active customer, by class:\n" + customerClasses);
      System.out.println("per active conversation, by class:\n" + conversationClasses);
      Path dir = BenchReport.outputDirectory();
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("memory-scale-classes.txt"), "per active customer (" + (cust1 - cust0) + "):\n"
          + customerClasses + "\nper active conversation (" + newConversations + "):\n" + conversationClasses);
    }

    // passivation: many distinct users, one message each, sampled after every batch
    List<Sample> samples = new ArrayList<>();
    samples.add(new Sample(0, 0, heap2, conv2, cust2, 0, 0, 0, 0));
    Histogram all = new Histogram(TimeUnit.MINUTES.toNanos(5), 3);
    long runStart = System.nanoTime();
    long failedTotal = 0;
    for (long from = 0; from < users; from += batch) {
      long count = Math.min(batch, users - from);
      long first = from;
      long t0 = System.nanoTime();
      AtomicLong failed = new AtomicLong();
      Histogram h = drive(count, concurrency, i -> conversations.generate(
          new GenerateRequest(userId(2, first + i), message, "p-" + (first + i), "en", null), meta)
          .thenApply(r -> {
            if (!(r instanceof AskResult.Ok<?>)) failed.incrementAndGet();
            return r;
          }));
      double seconds = (System.nanoTime() - t0) / 1e9;
      all.add(h);
      failedTotal += failed.get();
      double heap = heapAfterGcMiB();
      Sample s = new Sample(from + count, Math.round((System.nanoTime() - runStart) / 1e9), heap,
          activeEntities(system, ConversationCommand.ENTITY_KEY), activeEntities(system, CustomerCommand.ENTITY_KEY),
          count / seconds, h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, failed.get());
      samples.add(s);
      System.out.printf(Locale.ROOT, "users %,d (%ds): heap %.1f MiB, conversations %,d, customers %,d, %.0f turns/s, p50 %.1f ms, p99 %.1f ms, failed %d%n",
          s.users(), s.seconds(), s.heapMiB(), s.conversations(), s.customers(), s.turnsPerSecond(), s.p50Ms(), s.p99Ms(),
          s.failed());
    }
    report.latency("turn (" + users + " distinct users, passivation run)", all);
    for (Sample s : samples) {
      report.figure(String.format(Locale.ROOT, "passivation: heap after GC at %,d users", s.users()), s.heapMiB(), "MiB");
      report.figure(String.format(Locale.ROOT, "passivation: active conversations at %,d users", s.users()), s.conversations(),
          "entities");
    }
    report.figure("passivation: failed turns", failedTotal, "turns");
    // flat: the heap of the second half of the run against its middle
    Sample mid = samples.get(samples.size() / 2);
    Sample last = samples.get(samples.size() - 1);
    double maxAfterMid = samples.subList(samples.size() / 2, samples.size()).stream().mapToDouble(Sample::heapMiB).max()
        .orElse(0);
    report.ratio("passivation: heap at the end / heap at the middle of the run", last.heapMiB(), mid.heapMiB());
    report.check("passivation: heap growth over the second half (max / middle)", maxAfterMid / mid.heapMiB(), "<=", 1.10, "x");
    if (maxActive > 0) {
      report.check("passivation: active conversations at the end (limit + callers)", last.conversations(), "<=",
          maxActive + concurrency, "entities");
    }
    Path dir = BenchReport.outputDirectory();
    Files.createDirectories(dir);
    HeapCurvePlot.write(dir.resolve("memory-scale-heap.png"),
        "Passivation: heap after GC, active entities and turn latency per batch (" + Machine.cores() + " cores)", samples);
    writeCsv(dir.resolve("memory-scale-samples.csv"), samples);
    report.note("heap after GC = used heap after System.gc() repeated until it settles (no load running)");
  }

  // ---------------------------------------------------------------- driving

  private static String userId(int phase, long i) {
    return String.format(Locale.ROOT, "U%01x%031x", phase, i);
  }

  private static <T> CompletionStage<AskResult<T>> ok(AskResult<T> r) {
    if (r instanceof AskResult.Ok<T>) return CompletableFuture.completedFuture(r);
    return CompletableFuture.failedFuture(new IllegalStateException(String.valueOf(r)));
  }

  private static <T> AskResult<T> require(CompletionStage<AskResult<T>> stage) throws Exception {
    AskResult<T> r = stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    if (!(r instanceof AskResult.Ok<T>)) throw new IllegalStateException("warm-up: " + r);
    return r;
  }

  /**
   * Calls {@code call(0..count-1)} with {@code concurrency} callers in a closed loop; the latency of
   * each successful call (a failed one is counted and its first messages printed).
   */
  private static Histogram drive(long count, int concurrency, LongFunction<? extends CompletionStage<?>> call)
      throws InterruptedException {
    Histogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(5), 3);
    AtomicLong next = new AtomicLong();
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<String> failures = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> finished = new CompletableFuture<>();
    for (int c = 0; c < concurrency; c++) {
      new Object() {
        void loop() {
          long i = next.getAndIncrement();
          if (i >= count) return;
          long t0 = System.nanoTime();
          CompletionStage<?> stage;
          try {
            stage = call.apply(i);
          } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
          }
          // never on the JDK's default executor (a thread per task on 2 cores; the ping is a Scala future)
          Stages.onCompletingThread(stage, (ok, error) -> {
                if (error == null) {
                  latency.recordValue(Math.min(TimeUnit.MINUTES.toNanos(5), System.nanoTime() - t0));
                } else {
                  failed.incrementAndGet();
                  if (failures.size() < 5) failures.add(String.valueOf(error));
                }
                if (done.incrementAndGet() == count) finished.complete(null);
                loop();
              });
        }
      }.loop();
    }
    try {
      finished.get(2, TimeUnit.HOURS);
    } catch (Exception e) {
      throw new IllegalStateException("load did not finish", e);
    }
    if (failed.get() > 0) System.out.println("failed calls: " + failed.get() + " e.g. " + failures);
    return latency;
  }

  // ---------------------------------------------------------------- measuring

  /** Used heap after full collections, once two in a row agree within 1 MiB (at most 6). */
  static double heapAfterGcMiB() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long previous = Long.MAX_VALUE;
    long used = 0;
    for (int i = 0; i < 6; i++) {
      System.gc();
      Thread.sleep(300);
      used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(previous - used) < (1 << 20)) break;
      previous = used;
    }
    return used / (1024.0 * 1024.0);
  }

  /** Live objects by class (a full GC first): class name → {instances, bytes}. */
  static Map<String, long[]> classHistogram() throws Exception {
    String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Map<String, long[]> m = new HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !f[0].endsWith(":")) continue;
      m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
    }
    return m;
  }

  /** The classes that grew most from {@code before} to {@code after}, per {@code per} (instances and bytes each). */
  static String histogramDiff(Map<String, long[]> before, Map<String, long[]> after, long per, int top) {
    record Row(String name, long instances, long bytes) {}
    List<Row> rows = new ArrayList<>();
    after.forEach((k, v) -> {
      long[] b = before.getOrDefault(k, new long[2]);
      rows.add(new Row(k, v[0] - b[0], v[1] - b[1]));
    });
    rows.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
    long total = rows.stream().mapToLong(Row::bytes).sum();
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%10s %10s  %s%n", "instances", "bytes", "class (per entity)"));
    for (Row r : rows.subList(0, Math.min(top, rows.size()))) {
      s.append(String.format(Locale.ROOT, "%10.2f %10.1f  %s%n", (double) r.instances() / per, (double) r.bytes() / per, r.name()));
    }
    s.append(String.format(Locale.ROOT, "%10s %10.1f  %s%n", "", (double) total / per, "(all classes)"));
    return s.toString();
  }

  /** Entities of {@code key} started in the cluster (this node), from the sharding statistics. */
  static long activeEntities(ActorSystem<?> system, EntityTypeKey<?> key) throws Exception {
    ShardRegion.ClusterShardingStats stats = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
            ShardRegion.ClusterShardingStats>ask(ClusterSharding.get(system).shardState(),
            replyTo -> new GetClusterShardingStats(key, Duration.ofSeconds(20), replyTo), Duration.ofSeconds(30),
            system.scheduler())
        .toCompletableFuture().get(40, TimeUnit.SECONDS);
    long n = 0;
    for (ShardRegion.ShardRegionStats region : stats.getRegions().values()) {
      for (Object count : region.getStats().values()) n += ((Number) count).longValue();
    }
    return n;
  }

  private static void awaitCatalog(ActorSystem<?> system) throws Exception {
    CatalogSearchClient search = new CatalogSearchClient(system);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      try {
        AskResult<SearchPage> r = search.search(SearchQuery.browse().withLimit(100)).toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        if (r instanceof AskResult.Ok<SearchPage> ok && ok.value().total() >= 100) return;
      } catch (Exception e) {
        // not yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the sample catalog was not searchable within 120 s");
  }

  private static void writeCsv(Path file, List<Sample> samples) throws IOException {
    StringBuilder s = new StringBuilder("users,seconds,heapMiB,conversations,customers,turnsPerSecond,p50Ms,p99Ms,failed\n");
    for (Sample x : samples) {
      s.append(String.format(Locale.ROOT, "%d,%d,%.1f,%d,%d,%.1f,%.2f,%.2f,%d%n", x.users(), x.seconds(), x.heapMiB(),
          x.conversations(), x.customers(), x.turnsPerSecond(), x.p50Ms(), x.p99Ms(), x.failed()));
    }
    Files.writeString(file, s);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a);
      String key = a.substring(2);
      int eq = key.indexOf('=');
      if (eq >= 0) {
        m.put(key.substring(0, eq), key.substring(eq + 1));
      } else if (key.equals("quick")) {
        m.put(key, "true");
      } else {
        if (i + 1 >= args.length) throw new IllegalArgumentException("missing value of " + a);
        m.put(key, args[++i]);
      }
    }
    return m;
  }
}
