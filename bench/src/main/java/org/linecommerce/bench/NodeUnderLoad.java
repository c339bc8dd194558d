package org.linecommerce.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linecommerce.bench.support.AutoAnalyze;
import org.linecommerce.testkit.NodeProcess;
import org.linecommerce.testkit.TestDatabase;

/**
 * What the end-to-end benchmarks of items 2 and 8 share: a node from the real {@code node.jar} in
 * its own JVM ({@link NodeProcess}) on a fresh PostgreSQL database ({@link TestDatabase}: the
 * {@code TEST_PG_URL}/{@code TEST_PG_USER} server, else an embedded one), on free ports; a bare
 * Pekko HTTP server ({@link BareRouteServer}) started the same way as the baseline; and the CPU
 * time of such a process ({@code /proc/<pid>/stat}).
 */
final class NodeUnderLoad implements AutoCloseable {

  final Path dir;
  final TestDatabase database;
  final List<AutoCloseable> started = new ArrayList<>();

  private final Thread onExit = new Thread(() -> {
    for (AutoCloseable c : started) {
      if (c instanceof NodeProcess n) n.process.destroyForcibly();
      if (c instanceof BareProcess b) b.process().destroyForcibly();
    }
    closeDatabase();
  }, "bench-cleanup");

  NodeUnderLoad(String name) throws IOException {
    this.dir = Files.createTempDirectory("bench-" + name);
    this.database = TestDatabase.postgres();
    Runtime.getRuntime().addShutdownHook(onExit); // a benchmark stopped by a signal leaves no node or database behind
    this.autoAnalyze = AutoAnalyze.start(database);
  }

  /** PostgreSQL's auto-analyze, which this machine's server does not run ({@link AutoAnalyze}). */
  private final AutoAnalyze autoAnalyze;

  private void closeDatabase() {
    try {
      database.close();
    } catch (RuntimeException e) {
      System.err.println("could not drop the benchmark database: " + e);
    }
  }

  /** The node's environment for this database; {@code extra} added. */
  Map<String, String> env(int httpPort, int managementPort, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("DB_PROFILE", "postgres");
    env.put("DB_URL", database.url());
    env.put("DB_USER", database.config().getString("linecommerce.db.user"));
    env.put("DB_PASSWORD", database.config().getString("linecommerce.db.password"));
    env.put("NODE_PORT", String.valueOf(freePort()));
    env.put("HTTP_PORT", String.valueOf(httpPort));
    env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
    env.put("DATA_DIR", dir.resolve("data").toString());
    env.putAll(extra);
    return env;
  }

  /** Starts the node JVM ({@code java <jvmOptions> -jar node.jar}) and waits until it is ready. */
  NodeProcess startNode(String name, List<String> jvmOptions, Map<String, String> extraEnv) throws Exception {
    int http = freePort();
    int management = freePort();
    NodeProcess node = NodeProcess.start(dir, name, jvmOptions, env(http, management, extraEnv), http, management);
    started.add(node);
    node.awaitReady(Duration.ofMinutes(3));
    return node;
  }

  /**
   * Waits until the node's catalog holds the bundled sample catalog (imported by the seeder after
   * start-up; a search before that finds nothing and an order fails) and the search index shows it.
   */
  static void awaitCatalog(NodeProcess node, String apiToken) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    while (true) {
      var r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
              "http://127.0.0.1:" + node.httpPort + "/api/v1/products?limit=1"))
          .header("Authorization", "Bearer " + apiToken).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && r.body().matches("(?s).*\"total\"\\s*:\\s*1\\d\\d.*")) return;
      if (System.nanoTime() > deadline) throw new IllegalStateException("catalog not ready: " + r.statusCode() + " " + r.body());
      Thread.sleep(500);
    }
  }

  /**
   * Journal rows written so far, per entity type (the persistence id's part before {@code |}; the
   * remember-entities stores of sharding are {@code /sharding/...}): where a benchmark's writes go.
   */
  Map<String, Long> journalRowsByType() throws java.sql.SQLException {
    Map<String, Long> rows = new java.util.TreeMap<>();
    try (var c = database.connect(); var st = c.createStatement();
        var rs = st.executeQuery("SELECT CASE WHEN position('|' in persistence_id) > 0 THEN split_part(persistence_id, '|', 1)"
            + " ELSE regexp_replace(persistence_id, '[-_]?[0-9]+$', '') END AS kind, count(*) FROM event_journal GROUP BY 1")) {
      while (rs.next()) rows.merge(rs.getString(1), rs.getLong(2), Long::sum);
    }
    return rows;
  }

  /** {@code ANALYZE} of the node's database now (e.g. right after a warm-up). */
  void analyze() throws java.sql.SQLException {
    autoAnalyze.now();
  }

  /**
   * PostgreSQL's counters for this database ({@code pg_stat_database}): committed transactions,
   * rows inserted, rows returned. The server publishes them about once a second.
   */
  long[] databaseCounters() throws java.sql.SQLException {
    try (var c = database.connect(); var st = c.prepareStatement(
        "SELECT xact_commit, tup_inserted, tup_returned FROM pg_stat_database WHERE datname = current_database()")) {
      st.execute(); // the statistics snapshot of this transaction
      try (var rs = st.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
      }
    }
  }

  /**
   * CPU time (ns) of the PostgreSQL backends connected to this database right now (the node's pool:
   * its connections live for the whole run, so a difference between two calls is the database's
   * CPU for the node's work in between; the machine's other databases are left out).
   */
  long databaseCpuNanos() throws java.sql.SQLException {
    long sum = 0;
    try (var c = database.connect(); var st = c.createStatement();
        var rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
      while (rs.next()) {
        try {
          sum += cpuNanos(rs.getLong(1));
        } catch (UncheckedIOException gone) {
          // a backend that ended meanwhile
        }
      }
    }
    return sum;
  }

  /** Starts {@link BareRouteServer} as its own JVM with the same options as the node; returns its port. */
  BareProcess startBare(List<String> jvmOptions) throws Exception {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BareRouteServer.class.getName());
    command.add(String.valueOf(port));
    Path log = dir.resolve("bare.log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    BareProcess bare = new BareProcess(p, port);
    started.add(bare);
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos(); // a JVM start on a busy machine
    while (!Files.readString(log).contains(BareRouteServer.READY)) {
      if (!p.isAlive() || System.nanoTime() > deadline) throw new IllegalStateException("bare server did not start:\n" + Files.readString(log));
      Thread.sleep(200);
    }
    return bare;
  }

  record BareProcess(Process process, int port) implements AutoCloseable {
    @Override
    public void close() {
      process.destroy();
    }
  }

  /** User + system CPU time of process {@code pid} in nanoseconds (Linux {@code /proc/<pid>/stat}, clock ticks of 10 ms). */
  static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
      return ticks * 10_000_000L;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** CPU time of this JVM (the load generator and, for item 2, the fake LINE platform). */
  static long ownCpuNanos() {
    return cpuNanos(ProcessHandle.current().pid());
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    autoAnalyze.close();
    for (int i = started.size() - 1; i >= 0; i--) {
      AutoCloseable c = started.get(i);
      if (c instanceof NodeProcess n) {
        try {
          n.terminate();
        } catch (RuntimeException e) {
          n.close();
        }
      } else {
        c.close();
      }
    }
    for (AutoCloseable c : started) {
      if (c instanceof BareProcess b && !b.process().waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) b.process().destroyForcibly();
    }
    closeDatabase();
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException shuttingDown) {
      // already running
    }
  }
}
