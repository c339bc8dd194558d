package org.linecommerce.reliability;

import static org.linecommerce.testkit.TestNodeConfig.freePort;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.NodeProcess;
import org.linecommerce.testkit.TcpProxy;
import org.linecommerce.testkit.TestDatabase;

/**
 * The shop as an operator runs it: {@code size} node processes from {@code node.jar} in one cluster
 * (the first is the seed) on one fresh PostgreSQL database, talking to the testkit's fake LINE
 * platform, with the {@code local} AI provider. Nodes are killed with SIGKILL and restarted on the
 * same ports; nobody downs them by hand (the split brain resolver decides). Every node is a seed
 * (as in {@code bin/local-cluster.sh}), so a restarted first node joins the others instead of
 * founding a second cluster. With {@link Options#databaseProxy} the nodes reach PostgreSQL through
 * a {@link TcpProxy} that a scenario cuts to stop the database for them.
 */
final class ShopCluster implements AutoCloseable {

  static final String API_TOKEN = "reliability-api-token";
  static final String ADMIN_TOKEN = "reliability-admin-token";

  final Path dir;
  final TestDatabase database;
  final FakeLinePlatform line;
  private final int[] remoting;
  private final int[] http;
  private final int[] management;
  private final NodeProcess[] nodes;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** What a scenario changes: environment variables added to every node, the database behind a proxy. */
  record Options(Map<String, String> env, boolean databaseProxy) {
    static Options defaults() {
      return new Options(Map.of(), false);
    }

    Options withEnv(String name, String value) {
      Map<String, String> more = new HashMap<>(env);
      more.put(name, value);
      return new Options(Map.copyOf(more), databaseProxy);
    }

    Options withDatabaseProxy() {
      return new Options(env, true);
    }
  }

  private final Options options;
  /** Between the nodes and PostgreSQL when {@link Options#databaseProxy}, else null. */
  final TcpProxy databaseProxy;
  private final String nodeDatabaseUrl;

  ShopCluster(int size) throws Exception {
    this(size, Options.defaults());
  }

  ShopCluster(int size, Options options) throws Exception {
    this.options = options;
    this.dir = Files.createTempDirectory("reliability");
    this.database = TestDatabase.postgres();
    if (options.databaseProxy()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(.*)").matcher(database.url());
      if (!m.matches()) throw new IllegalStateException("cannot proxy " + database.url());
      this.databaseProxy = TcpProxy.start(m.group(1), Integer.parseInt(m.group(2)));
      this.nodeDatabaseUrl = "jdbc:postgresql://127.0.0.1:" + databaseProxy.port() + "/" + m.group(3);
    } else {
      this.databaseProxy = null;
      this.nodeDatabaseUrl = database.url();
    }
    this.line = new FakeLinePlatform();
    this.remoting = new int[size];
    this.http = new int[size];
    this.management = new int[size];
    this.nodes = new NodeProcess[size];
    for (int i = 0; i < size; i++) {
      remoting[i] = freePort();
      http[i] = freePort();
      management[i] = freePort();
    }
    for (int i = 0; i < size; i++) start(i);
    for (int i = 0; i < size; i++) nodes[i].awaitReady(Duration.ofMinutes(3));
    awaitCatalog();
  }

  int size() {
    return nodes.length;
  }

  /** Starts node {@code i} on its ports (again, after a kill). */
  void start(int i) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("DB_PROFILE", "postgres");
    env.put("DB_URL", nodeDatabaseUrl);
    env.put("DB_USER", database.config().getString("linecommerce.db.user"));
    env.put("DB_PASSWORD", database.config().getString("linecommerce.db.password"));
    env.put("NODE_PORT", String.valueOf(remoting[i]));
    env.put("HTTP_PORT", String.valueOf(http[i]));
    env.put("MANAGEMENT_PORT", String.valueOf(management[i]));
    List<String> seeds = new ArrayList<>();
    for (int port : remoting) seeds.add("127.0.0.1:" + port);
    env.put("CLUSTER_SEED_NODES", String.join(",", seeds));
    env.put("DATA_DIR", dir.resolve("data-" + i).toString());
    env.put("LINE_API_BASE_URL", line.apiBaseUrl());
    env.put("LINE_CHANNEL_ACCESS_TOKEN", line.channelAccessToken());
    env.put("LINE_CHANNEL_SECRET", line.channelSecret());
    env.put("AI_PROVIDERS", "local");
    env.put("API_TOKEN", API_TOKEN);
    env.put("ADMIN_TOKEN", ADMIN_TOKEN);
    env.putAll(options.env());
    nodes[i] = NodeProcess.start(dir, "node" + i + "-" + System.nanoTime(), List.of("-Xmx512m"), env, http[i], management[i]);
  }

  /** SIGKILL: the JVM gets no chance to leave the cluster or flush anything. */
  void kill(int i) throws InterruptedException {
    nodes[i].process.destroyForcibly();
    nodes[i].process.waitFor();
  }

  /** SIGTERM, as an orchestrator stops a node: it leaves the cluster, hands its shards off and exits. */
  void stop(int i) throws InterruptedException {
    nodes[i].terminate();
  }

  /** SIGSTOP: the process is frozen (no heartbeats, no answers) until {@link #thaw}, as in a partition. */
  void freeze(int i) throws IOException, InterruptedException {
    signal(i, "STOP");
  }

  /** SIGCONT after {@link #freeze}. */
  void thaw(int i) throws IOException, InterruptedException {
    signal(i, "CONT");
  }

  private void signal(int i, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(nodes[i].process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) throw new IllegalStateException("kill -" + signal + " failed for node " + i);
  }

  boolean alive(int i) {
    return nodes[i].process.isAlive();
  }

  NodeProcess node(int i) {
    return nodes[i];
  }

  String apiUrl(int i, String path) {
    return "http://127.0.0.1:" + http[i] + path;
  }

  String managementUrl(int i, String path) {
    return "http://127.0.0.1:" + management[i] + path;
  }

  String webhookUrl(int i) {
    return "http://127.0.0.1:" + http[i] + "/webhook";
  }

  /** Members with status Up as node {@code i} sees them. */
  int upMembers(int i) {
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + management[i] + "/cluster/members")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) return -1;
      return r.body().split("\"status\"\\s*:\\s*\"Up\"", -1).length - 1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Until the seeded sample catalog is searchable (an answer before that finds no product). */
  private void awaitCatalog() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (true) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + http[0] + "/api/v1/products?limit=1"))
          .header("Authorization", "Bearer " + API_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && r.body().matches("(?s).*\"total\"\\s*:\\s*1\\d\\d.*")) return;
      if (System.nanoTime() > deadline) throw new IllegalStateException("catalog not ready: " + r.statusCode() + " " + r.body());
      Thread.sleep(500);
    }
  }

  /** {@link JournalChecks#inboxJournal} of this cluster's database. */
  Map<String, Integer> inboxJournal(String chatId) throws SQLException {
    return JournalChecks.inboxJournal(database, chatId);
  }

  /** {@link JournalChecks#concurrentWriters} of this cluster's database. */
  List<String> concurrentWriters() throws SQLException {
    return JournalChecks.concurrentWriters(database);
  }

  @Override
  public void close() {
    for (NodeProcess n : nodes) if (n != null) n.close();
    if (databaseProxy != null) databaseProxy.close();
    line.close();
    if (Boolean.getBoolean("reliability.keep")) {
      // -Dreliability.keep=true: the database and the node logs stay for a look after the run
      System.out.println("kept: database " + database.url() + ", node logs in " + dir);
    } else {
      database.close();
    }
  }
}
