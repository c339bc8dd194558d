package org.linecommerce.runtime.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.linecommerce.runtime.resilience.Stages;

/**
 * The node's own connection pool to the database the journal lives in, for the runtime's tables
 * (dead letters, read models) and projection sessions. Pekko Persistence JDBC keeps its own
 * Slick pools on the same database. Blocking JDBC work runs on {@link #blockingExecutor()}.
 */
public final class Database implements Extension {

  private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

  private final DatabaseSettings settings;
  private final HikariDataSource dataSource;
  private final Executor blockingExecutor;
  private final ActorSystem<?> system;

  private Database(ActorSystem<?> system) {
    this.system = system;
    this.settings = DatabaseSettings.fromConfig(system.settings().config().getConfig("linecommerce.db"));
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("linecommerce-" + system.name());
    hikari.setJdbcUrl(settings.url());
    if (!settings.user().isEmpty()) hikari.setUsername(settings.user());
    if (!settings.password().isEmpty()) hikari.setPassword(settings.password());
    hikari.setDriverClassName(settings.profile().driver);
    hikari.setMaximumPoolSize(settings.poolSize());
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
    // the pool starts even when the database is down; readiness reports it, callers get errors
    hikari.setInitializationFailTimeout(-1);
    this.dataSource = new HikariDataSource(hikari);
    this.blockingExecutor =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher"));
    // on the terminating thread: a plain whenComplete on this Scala-backed stage would run on the
    // JDK's default executor (see resilience.Stages)
    system.getWhenTerminated().whenCompleteAsync((done, error) -> dataSource.close(), Runnable::run);
  }

  public static Database get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  public DatabaseSettings settings() {
    return settings;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Executor blockingExecutor() {
    return blockingExecutor;
  }

  /** A round-trip to the database: true when it answered within 2 s, else false (never fails). */
  public CompletionStage<Boolean> ping() {
    return Stages.within(CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              Statement s = c.createStatement()) {
            s.setQueryTimeout(3);
            return s.execute("SELECT 1");
          } catch (SQLException e) {
            return false;
          }
        },
        blockingExecutor), PING_TIMEOUT, () -> false, system);
  }

  /** Runs blocking JDBC work on the blocking dispatcher with a connection from the pool. */
  public <T> CompletionStage<T> withConnection(SqlFunction<Connection, T> work) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
          } catch (SQLException e) {
            throw new DatabaseException(e);
          }
        },
        blockingExecutor);
  }

  /**
   * Runs blocking JDBC work in one transaction on a pooled connection (see {@link #transaction}),
   * on the blocking dispatcher.
   */
  public <T> CompletionStage<T> inTransaction(SqlFunction<Connection, T> work) {
    return withConnection(c -> transaction(c, work));
  }

  /**
   * Runs {@code work} in one transaction on {@code c}: committed when it returns, rolled back when
   * it throws; the connection's auto-commit mode is restored afterwards.
   */
  public static <T> T transaction(Connection c, SqlFunction<Connection, T> work) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      T result = work.apply(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  @FunctionalInterface
  public interface SqlFunction<A, B> {
    B apply(A a) throws SQLException;
  }

  /** A database error surfaced from {@link #withConnection}. */
  public static final class DatabaseException extends RuntimeException {
    public DatabaseException(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }

  static final class Id extends ExtensionId<Database> {
    static final Id INSTANCE = new Id();

    @Override
    public Database createExtension(ActorSystem<?> system) {
      return new Database(system);
    }
  }
}
