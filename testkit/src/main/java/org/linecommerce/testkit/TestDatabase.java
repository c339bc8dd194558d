package org.linecommerce.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One test class's own database: an in-memory H2 database or a fresh database on the
 * {@link PostgresFixture} server. {@link #config()} points a node at it; {@link #close()} drops it.
 */
public final class TestDatabase implements AutoCloseable {

  public enum Kind { H2, POSTGRES }

  private final Kind kind;
  private final String url;
  private final String user;
  private final String password;
  private final PostgresFixture server;
  private final String pgName;

  private TestDatabase(Kind kind, String url, String user, String password, PostgresFixture server, String pgName) {
    this.kind = kind;
    this.url = url;
    this.user = user;
    this.password = password;
    this.server = server;
    this.pgName = pgName;
  }

  /** A fresh in-memory H2 database, shared by every node of this JVM that uses the same URL. */
  public static TestDatabase h2() {
    String name = "t" + UUID.randomUUID().toString().replace("-", "");
    return new TestDatabase(
        Kind.H2, "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=false", "", "", null, null);
  }

  /** A fresh database on the test PostgreSQL server. */
  public static TestDatabase postgres() {
    return PostgresFixture.get().createDatabase();
  }

  /** {@link #h2()} or {@link #postgres()}. */
  public static TestDatabase of(Kind kind) {
    return kind == Kind.H2 ? h2() : postgres();
  }

  static TestDatabase postgres(PostgresFixture server, String name, String url) {
    return new TestDatabase(Kind.POSTGRES, url, server.user(), server.password(), server, name);
  }

  public Kind kind() {
    return kind;
  }

  public String url() {
    return url;
  }

  /** The {@code linecommerce.db} settings that point a node at this database. */
  public Config config() {
    Map<String, Object> m = new HashMap<>();
    m.put("linecommerce.db.profile", kind == Kind.H2 ? "h2" : "postgres");
    m.put("linecommerce.db.url", url);
    m.put("linecommerce.db.user", user);
    m.put("linecommerce.db.password", password);
    return ConfigFactory.parseMap(m, "test database");
  }

  /** A plain JDBC connection to this database, for assertions on stored rows. */
  public Connection connect() throws SQLException {
    return kind == Kind.H2 ? DriverManager.getConnection(url) : server.connect(url);
  }

  @Override
  public void close() {
    if (kind == Kind.POSTGRES) {
      server.dropDatabase(pgName);
    } else {
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException ignored) {
        // already gone
      }
    }
  }

  @Override
  public String toString() {
    return kind + " " + url.replaceAll(";.*", "");
  }
}
