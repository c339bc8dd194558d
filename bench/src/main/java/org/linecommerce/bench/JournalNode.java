package org.linecommerce.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.node.NodeConfig;
import org.linecommerce.runtime.persistence.Database;
import org.linecommerce.testkit.TestDatabase;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * A node (no domain module: the benchmark spawns its entities itself) whose persistence is
 * configured exactly as in production: the runtime's {@code linecommerce-pekko.conf} (Pekko
 * Persistence JDBC, shared Slick database, {@code TimedJdbcJournal}) and the reference pool size
 * ({@code linecommerce.db.pool-size}, not the testkit's smaller one), on
 * <ul>
 *   <li>{@code postgres}: a fresh database on the test server ({@link TestDatabase#postgres()},
 *       {@code TEST_PG_URL}/{@code TEST_PG_USER}), dropped by {@link #close()};
 *   <li>{@code h2}: the production default, an H2 <em>file</em> database under a fresh
 *       {@code data-dir} in {@code bench/target}, deleted by {@link #close()} (the testkit's H2 is
 *       in memory, which would measure no disk at all).
 * </ul>
 */
final class JournalNode implements AutoCloseable {

  final String db;
  final Node node;
  private final TestDatabase postgres;
  private final Path h2Dir;

  private JournalNode(String db, Node node, TestDatabase postgres, Path h2Dir) {
    this.db = db;
    this.node = node;
    this.postgres = postgres;
    this.h2Dir = h2Dir;
  }

  static JournalNode start(String db, String extraConfig) throws IOException {
    int poolSize = ConfigFactory.defaultReference().getInt("linecommerce.db.pool-size");
    Config overrides = ConfigFactory.parseString(extraConfig + "\nlinecommerce.db.pool-size = " + poolSize
        + "\npekko.loglevel = WARNING\n");
    switch (db) {
      case "postgres" -> {
        TestDatabase database = TestDatabase.postgres();
        return new JournalNode(db, Node.start(TestNodeConfig.node(database, overrides), List.of()), database, null);
      }
      case "h2" -> {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("bench", "target").toAbsolutePath()), "bench-h2-");
        Map<String, Object> h2 = new LinkedHashMap<>();
        h2.put("linecommerce.db.profile", "h2");
        h2.put("linecommerce.db.url", "");
        h2.put("linecommerce.db.data-dir", dir.toString());
        Config config = NodeConfig.withoutClusterConf(
            overrides.withFallback(ConfigFactory.parseMap(h2)).withFallback(TestNodeConfig.defaults()));
        return new JournalNode(db, Node.start(config, List.of()), null, dir);
      }
      default -> throw new IllegalArgumentException("database must be postgres or h2: " + db);
    }
  }

  /** A connection from the node's own pool (same URL, driver and settings as the journal's). */
  Connection connect() throws SQLException {
    return Database.get(node.system()).dataSource().getConnection();
  }

  /** PostgreSQL's settings that decide what a commit costs ({@code SHOW …}); empty on H2. */
  Map<String, String> commitSettings() throws SQLException {
    Map<String, String> settings = new LinkedHashMap<>();
    if (!db.equals("postgres")) return settings;
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String name : List.of("fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "commit_delay",
          "wal_writer_delay", "data_directory", "server_version")) {
        try (ResultSet r = s.executeQuery("SHOW " + name)) {
          r.next();
          settings.put(name, r.getString(1));
        }
      }
    }
    return settings;
  }

  @Override
  public void close() throws Exception {
    try {
      node.shutdown().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      if (postgres != null) postgres.close();
      if (h2Dir != null) {
        try (Stream<Path> files = Files.walk(h2Dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
