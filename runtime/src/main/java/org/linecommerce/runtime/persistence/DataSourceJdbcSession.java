package org.linecommerce.runtime.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

/**
 * A Pekko Projections {@link JdbcSession} over the node's pool ({@link Database#dataSource()}):
 * one connection per session, auto-commit off, so the projection's offset write (and, for
 * exactly-once projections, the handler's own writes) commit together. Projections create and
 * use sessions on {@code pekko.projection.jdbc.blocking-jdbc-dispatcher}.
 *
 * <pre>{@code
 * JdbcProjection.atLeastOnceAsync(id, source, () -> DataSourceJdbcSession.open(system), handler, system)
 * }</pre>
 */
public final class DataSourceJdbcSession implements JdbcSession {

  private final Connection connection;

  public DataSourceJdbcSession(DataSource dataSource) throws SQLException {
    Connection c = dataSource.getConnection();
    try {
      c.setAutoCommit(false);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    this.connection = c;
  }

  /** A session on the node's pool; the factory a {@code JdbcProjection} takes. */
  public static DataSourceJdbcSession open(ActorSystem<?> system) {
    try {
      return new DataSourceJdbcSession(Database.get(system).dataSource());
    } catch (SQLException e) {
      throw new Database.DatabaseException(e);
    }
  }

  @Override
  public <R> R withConnection(Function<Connection, R> work) throws Exception {
    return work.apply(connection);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
