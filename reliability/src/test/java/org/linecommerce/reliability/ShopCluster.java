package org.linecommerce.reliability;

import static org.linecommerce.testkit.TestNodeConfig.freePort;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.NodeProcess;
import org.linecommerce.testkit.TestDatabase;

/**
 * The shop as an operator runs it: {@code size} node processes from {@code node.jar} in one cluster
 * (the first is the seed) on one fresh PostgreSQL database, talking to the testkit's fake LINE
 * platform, with the {@code local} AI provider. Nodes are killed with SIGKILL and restarted on the
 * same ports; nobody downs them by hand (the split brain resolver decides).
 */
final class ShopCluster implements AutoCloseable {

  static final String API_TOKEN = "reliability-api-token";

  final Path dir;
  final TestDatabase database;
  final FakeLinePlatform line;
  private final int[] remoting;
  private final int[] http;
  private final int[] management;
  private final NodeProcess[] nodes;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ShopCluster(int size) throws Exception {
    this.dir = Files.createTempDirectory("reliability");
    this.database = TestDatabase.postgres();
    this.line = new FakeLinePlatform().validateSchemas(false);
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
    env.put("DB_URL", database.url());
    env.put("DB_USER", database.config().getString("linecommerce.db.user"));
    env.put("DB_PASSWORD", database.config().getString("linecommerce.db.password"));
    env.put("NODE_PORT", String.valueOf(remoting[i]));
    env.put("HTTP_PORT", String.valueOf(http[i]));
    env.put("MANAGEMENT_PORT", String.valueOf(management[i]));
    env.put("CLUSTER_SEED_NODES", "127.0.0.1:" + remoting[0]);
    env.put("DATA_DIR", dir.resolve("data-" + i).toString());
    env.put("LINE_API_BASE_URL", line.apiBaseUrl());
    env.put("LINE_CHANNEL_ACCESS_TOKEN", line.channelAccessToken());
    env.put("LINE_CHANNEL_SECRET", line.channelSecret());
    env.put("AI_PROVIDERS", "local");
    env.put("API_TOKEN", API_TOKEN);
    nodes[i] = NodeProcess.start(dir, "node" + i + "-" + System.nanoTime(), List.of("-Xmx512m"), env, http[i], management[i]);
  }

  /** SIGKILL: the JVM gets no chance to leave the cluster or flush anything. */
  void kill(int i) throws InterruptedException {
    nodes[i].process.destroyForcibly();
    nodes[i].process.waitFor();
  }

  boolean alive(int i) {
    return nodes[i].process.isAlive();
  }

  NodeProcess node(int i) {
    return nodes[i];
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

  /**
   * The ChatInbox journal of {@code chatId}: how many events of each kind it holds (simple class
   * name of the stored event, e.g. {@code EventAccepted}).
   */
  Map<String, Integer> inboxJournal(String chatId) throws SQLException {
    Map<String, Integer> kinds = new HashMap<>();
    try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(
        "SELECT event_ser_manifest, count(*) FROM event_journal WHERE persistence_id = ? GROUP BY 1")) {
      s.setString(1, "ChatInbox|" + chatId);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String manifest = r.getString(1);
          kinds.put(manifest.substring(manifest.lastIndexOf('$') + 1), r.getInt(2));
        }
      }
    }
    return kinds;
  }

  /** Persistence ids written by more than one writer (journal column {@code writer}) within a second of each other. */
  List<String> concurrentWriters() throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(
        "SELECT a.persistence_id FROM event_journal a JOIN event_journal b ON a.persistence_id = b.persistence_id"
            + " AND a.writer <> b.writer AND abs(a.write_timestamp - b.write_timestamp) < 1000 GROUP BY 1 LIMIT 20")) {
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) ids.add(r.getString(1));
      }
    }
    return ids;
  }

  @Override
  public void close() {
    for (NodeProcess n : nodes) if (n != null) n.close();
    line.close();
    database.close();
  }
}
