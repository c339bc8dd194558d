package org.linecommerce.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.internal.CatalogFile;
import org.linecommerce.catalog.internal.search.CatalogSearch;
import org.linecommerce.catalog.internal.search.IndexedProduct;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.node.NodeConfig;
import org.linecommerce.runtime.persistence.Database;
import org.linecommerce.runtime.persistence.SchemaMigrations;
import org.linecommerce.runtime.subscription.EventTags;

/**
 * Start-up of a catalog node's search index on a big journal, old path against new path in one
 * run: how long (wall and JVM CPU time) and how much work (journal events read, products loaded)
 * until {@link CatalogSearch#caughtUp()}, with {@code linecommerce.catalog.search.start-from =
 * journal} (replay every product event from the first, as before issue 7) and {@code read-model}
 * (load the durable read model, then the journal since its offsets).
 *
 * <ol>
 *   <li><b>Generate</b> a journal on a fresh PostgreSQL database: {@code products} ProductCreated
 *       events ({@link GeneratedCatalog}, seed 42) and {@code reservations} reservation events
 *       (StockReserved followed by ReservationReleased or, one in five, ReservationCommitted) on
 *       random in-stock products, serialized through the node's Pekko serialization (CBOR) and
 *       written with batched JDBC inserts into {@code event_journal} and {@code event_tag}, exactly
 *       the rows the JDBC journal plugin writes.</li>
 *   <li><b>Fill the read model</b>: a node starts (as the first start after an upgrade would) and
 *       runs until the read model's projection reflects every event; timed, not part of the
 *       comparison (it is background work that happens once, while the cluster runs).</li>
 *   <li><b>Compare</b>: for each round, a fresh node (a new ActorSystem on the same database, the
 *       projection idle because caught up) starts its index the new way, another the old way;
 *       each is timed from {@code CatalogSearch.init} to caught up. Both indexes must hold the same
 *       state for a sample of products.</li>
 * </ol>
 *
 * <pre>
 * java -Xmx3g -cp bench/target/benchmarks.jar org.linecommerce.bench.CatalogStartupBenchmark \
 *     [--products 100000] [--reservations 1000000] [--rounds 1] [--reuse] \
 *     [--pg jdbc:postgresql://127.0.0.1:5432/] [--pg-user postgres] [--database bench_catalog_startup]
 * </pre>
 * {@code --reuse} skips steps 1–2 when the database already holds a generated journal.
 */
public final class CatalogStartupBenchmark {

  private static final int BATCH = 5000;

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    int products = Integer.parseInt(opts.getOrDefault("products", "100000"));
    int reservations = Integer.parseInt(opts.getOrDefault("reservations", "1000000"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1"));
    boolean reuse = opts.containsKey("reuse");
    String pg = opts.getOrDefault("pg", "jdbc:postgresql://127.0.0.1:5432/");
    String user = opts.getOrDefault("pg-user", "postgres");
    String database = opts.getOrDefault("database", "bench_catalog_startup");
    String url = pg + database + "?reWriteBatchedInserts=true";

    boolean exists;
    try (Connection admin = DriverManager.getConnection(pg + "postgres", user, "");
        Statement s = admin.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
      exists = rs.next();
      if (exists && !reuse) {
        s.execute("DROP DATABASE " + database);
        exists = false;
      }
      if (!exists) s.execute("CREATE DATABASE " + database);
    }
    System.out.printf("%s: %s on %s, %d products, %d reservation events%n",
        Instant.now(), reuse && exists ? "reusing" : "generating", database, products, reservations);

    if (!(reuse && exists)) {
      ActorSystem<?> writer = node("bench-writer", url, user, CatalogSearch.START_FROM_JOURNAL, false);
      try {
        long t0 = System.nanoTime();
        long events = generate(writer, url, user, products, reservations);
        System.out.printf("generated %,d events in %.1f s%n", events, seconds(t0));
      } finally {
        terminate(writer);
      }
      long t0 = System.nanoTime();
      ActorSystem<?> filler = node("bench-fill", url, user, CatalogSearch.START_FROM_JOURNAL, true);
      try {
        CatalogSearch.init(filler);
        while (!readModelCaughtUp(url, user)) Thread.sleep(500);
        System.out.printf("read model filled by its projection in %.1f s (the one-off cost of an upgrade)%n",
            seconds(t0));
      } finally {
        terminate(filler);
      }
    }

    List<String> rows = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      Map<String, IndexedProduct> fromReadModel = new HashMap<>();
      Result n = start(round, url, user, CatalogSearch.START_FROM_READ_MODEL, fromReadModel);
      Map<String, IndexedProduct> fromJournal = new HashMap<>();
      Result o = start(round, url, user, CatalogSearch.START_FROM_JOURNAL, fromJournal);
      if (!fromReadModel.equals(fromJournal)) {
        throw new IllegalStateException("the two paths built different indexes for the sampled products");
      }
      rows.add(o.row());
      rows.add(n.row());
      rows.add(String.format(Locale.ROOT, "| round %d: old / new | | %.1f× | %.1f× | | | |", round,
          o.wallSeconds / n.wallSeconds, o.cpuSeconds / n.cpuSeconds));
    }
    System.out.println();
    System.out.println("| path (start-from) | products | wall to caught up | JVM CPU | journal events read | products loaded | events applied |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    rows.forEach(System.out::println);
  }

  record Result(int round, String path, int products, double wallSeconds, double cpuSeconds, long eventsRead,
      long productsLoaded, long eventsApplied) {
    String row() {
      return String.format(Locale.ROOT, "| %s (round %d) | %,d | %.1f s | %.1f s | %,d | %,d | %,d |",
          path, round, products, wallSeconds, cpuSeconds, eventsRead, productsLoaded, eventsApplied);
    }
  }

  private static Result start(int round, String url, String user, String startFrom, Map<String, IndexedProduct> sample)
      throws Exception {
    System.gc();
    ActorSystem<?> system = node("bench-" + startFrom + "-" + round, url, user, startFrom, true);
    try {
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      CatalogSearch search = CatalogSearch.init(system);
      while (!search.caughtUp()) Thread.sleep(20);
      double wall = seconds(t0);
      double cpu = (processCpuNanos() - cpu0) / 1e9;
      var index = search.index();
      Random random = new Random(7);
      for (int i = 0; i < 2000; i++) {
        String id = "gen-" + random.nextInt(Math.max(1, index.size()));
        index.state(id).ifPresent(p -> sample.put(id, p));
      }
      Result r = new Result(round, startFrom, index.size(), wall, cpu, search.eventsRead(),
          index.productsRestored(), index.eventsApplied());
      System.out.println(r.row());
      return r;
    } finally {
      terminate(system);
    }
  }

  /** A one-node cluster on {@code url} with the project's configuration, schema migrated, Up. */
  private static ActorSystem<?> node(String name, String url, String user, String startFrom, boolean join)
      throws InterruptedException {
    Map<String, Object> m = new HashMap<>();
    m.put("linecommerce.node.hostname", "127.0.0.1");
    m.put("linecommerce.node.port", 0);
    m.put("linecommerce.db.profile", "postgres");
    m.put("linecommerce.db.url", url);
    m.put("linecommerce.db.user", user);
    m.put("linecommerce.catalog.search.start-from", startFrom);
    m.put("pekko.loglevel", "WARNING");
    m.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    Config config = NodeConfig.withoutClusterConf(ConfigFactory.parseMap(m, "bench"));
    ActorSystem<?> system = ActorSystem.create(Behaviors.empty(), name.replaceAll("[^A-Za-z0-9-]", ""), config);
    Database db = Database.get(system);
    SchemaMigrations.migrate(db.dataSource(), db.settings());
    if (join) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      while (cluster.selfMember().status() != MemberStatus.up()) Thread.sleep(20);
    }
    return system;
  }

  private static void terminate(ActorSystem<?> system) {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  /** Writes the journal; returns the number of events. */
  private static long generate(ActorSystem<?> system, String url, String user, int productCount, int reservations)
      throws SQLException {
    Serialization serialization = SerializationExtension.get(system.classicSystem());
    EventTags tags = EventTags.fromConfig(system, ProductEvent.TAG_PREFIX);
    List<ProductData> catalog = GeneratedCatalog.generate(CatalogFile.sample(), productCount, 42);
    Random random = new Random(42);
    long[] sequenceNr = new long[catalog.size()];
    int[] stock = new int[catalog.size()];
    int[] available = new int[catalog.size()];
    List<Integer> inStock = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, user, "")) {
      c.setAutoCommit(false);
      JournalWriter out = new JournalWriter(c, serialization, tags);
      for (int i = 0; i < catalog.size(); i++) {
        ProductData p = catalog.get(i);
        stock[i] = p.stock();
        available[i] = p.stock();
        if (p.stock() > 0) inStock.add(i);
        out.add(p.id(), ++sequenceNr[i], new ProductEvent.ProductCreated(p.id(), p, meta()));
      }
      Instant expiry = Instant.now().plusSeconds(900);
      long written = 0;
      while (written < reservations && !inStock.isEmpty()) {
        int pick = random.nextInt(inStock.size());
        int i = inStock.get(pick);
        String id = catalog.get(i).id();
        String reservation = "r-" + written;
        available[i]--;
        out.add(id, ++sequenceNr[i], new ProductEvent.StockReserved(id, reservation, 1, expiry, available[i], meta()));
        written++;
        if (written >= reservations) break;
        if (random.nextInt(5) == 0) {
          stock[i]--;
          out.add(id, ++sequenceNr[i],
              new ProductEvent.ReservationCommitted(id, reservation, 1, stock[i], available[i], meta()));
          if (stock[i] == 0) {
            inStock.set(pick, inStock.get(inStock.size() - 1));
            inStock.remove(inStock.size() - 1);
          }
        } else {
          available[i]++;
          out.add(id, ++sequenceNr[i],
              new ProductEvent.ReservationReleased(id, reservation, 1, "released", available[i], meta()));
        }
        written++;
      }
      out.finish();
      try (Statement s = c.createStatement()) {
        s.execute("SELECT setval(pg_get_serial_sequence('event_journal', 'ordering'), (SELECT MAX(ordering) FROM event_journal))");
      }
      c.commit();
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute("ANALYZE event_journal");
        s.execute("ANALYZE event_tag");
      }
      return out.ordering;
    }
  }

  /** Batched inserts of serialized events into the JDBC journal's tables, orderings 1, 2, …. */
  private static final class JournalWriter {
    private final Connection c;
    private final Serialization serialization;
    private final EventTags tags;
    private final PreparedStatement journal;
    private final PreparedStatement tag;
    private final String writerId = UUID.randomUUID().toString();
    private long ordering;
    private int pending;

    JournalWriter(Connection c, Serialization serialization, EventTags tags) throws SQLException {
      this.c = c;
      this.serialization = serialization;
      this.tags = tags;
      this.journal = c.prepareStatement("INSERT INTO event_journal (ordering, persistence_id, sequence_number, deleted,"
          + " writer, write_timestamp, adapter_manifest, event_ser_id, event_ser_manifest, event_payload)"
          + " VALUES (?, ?, ?, FALSE, ?, ?, '', ?, ?, ?)");
      this.tag = c.prepareStatement("INSERT INTO event_tag (event_id, tag) VALUES (?, ?)");
    }

    void add(String productId, long sequenceNr, ProductEvent event) throws SQLException {
      Serializer serializer = serialization.findSerializerFor(event);
      ordering++;
      journal.setLong(1, ordering);
      journal.setString(2, "Product|" + productId);
      journal.setLong(3, sequenceNr);
      journal.setString(4, writerId);
      journal.setLong(5, System.currentTimeMillis());
      journal.setInt(6, serializer.identifier());
      journal.setString(7, Serializers.manifestFor(serializer, event));
      journal.setBytes(8, serializer.toBinary(event));
      journal.addBatch();
      tag.setLong(1, ordering);
      tag.setString(2, tags.tagFor(productId));
      tag.addBatch();
      if (++pending == BATCH) flush();
    }

    void finish() throws SQLException {
      flush();
      journal.close();
      tag.close();
    }

    private void flush() throws SQLException {
      if (pending == 0) return;
      journal.executeBatch();
      tag.executeBatch();
      c.commit();
      pending = 0;
      if (ordering % 100_000 < BATCH) System.out.printf("  %,d events written%n", ordering);
    }
  }

  private static boolean readModelCaughtUp(String url, String user) throws SQLException {
    Map<String, Long> offsets = new HashMap<>();
    Map<String, Long> last = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT tag, ordering FROM catalog_search_offsets")) {
        while (rs.next()) offsets.put(rs.getString(1), rs.getLong(2));
      }
      try (ResultSet rs = s.executeQuery("SELECT tag, MAX(event_id) FROM event_tag GROUP BY tag")) {
        while (rs.next()) last.put(rs.getString(1), rs.getLong(2));
      }
    }
    return offsets.equals(last);
  }

  private static MessageMeta meta() {
    return MessageMeta.root("bench", null);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("unexpected argument " + args[i]);
      String key = args[i].substring(2);
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) out.put(key, args[++i]);
      else out.put(key, "");
    }
    return out;
  }
}
