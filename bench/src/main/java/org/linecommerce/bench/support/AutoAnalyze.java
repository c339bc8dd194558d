package org.linecommerce.bench.support;

import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.linecommerce.testkit.TestDatabase;

/**
 * Plays PostgreSQL's auto-analyze for a benchmark's database: {@code ANALYZE} every 10 s until
 * closed. This machine's server runs with {@code autovacuum = off}, which no production server
 * does; without auto-analyze the planner keeps the statistics of the empty tables it saw at
 * migration, and the subscriptions' {@code eventsByTag} polls scan the whole {@code event_tag}
 * table (hundreds of thousands of rows read per event in the first runs, starving the journal's
 * connection pool). The node warns at start-up when autovacuum is off.
 */
public final class AutoAnalyze implements AutoCloseable {

  /** Opens a connection to the database to analyze. */
  @FunctionalInterface
  public interface Connections {
    java.sql.Connection open() throws SQLException;
  }

  private final Connections database;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bench-auto-analyze");
    t.setDaemon(true);
    return t;
  });

  private AutoAnalyze(Connections database) {
    this.database = database;
  }

  /** Analyzes {@code database} every 10 s from 5 s on. */
  public static AutoAnalyze start(TestDatabase database) {
    return start(database::connect);
  }

  /** Analyzes the database {@code connections} open every 10 s from 5 s on. */
  public static AutoAnalyze start(Connections connections) {
    AutoAnalyze a = new AutoAnalyze(connections);
    a.timer.scheduleWithFixedDelay(() -> {
      try {
        a.now();
      } catch (SQLException | RuntimeException e) {
        // the database is being dropped, or busy: the next round tries again
      }
    }, 5, 10, TimeUnit.SECONDS);
    return a;
  }

  /** One {@code ANALYZE} now (e.g. right after a warm-up). */
  public void now() throws SQLException {
    try (var c = database.open(); var st = c.createStatement()) {
      st.execute("ANALYZE");
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
