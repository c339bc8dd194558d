package org.linecommerce.runtime.persistence;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or migrates the schema (journal, snapshots, durable state, projection offsets, dead
 * letters, …) from the versioned migrations under {@code db/migration/<profile>} with Flyway.
 * Flyway's lock makes it safe for several nodes to start at once on one database. Domain modules
 * add their own migrations to the same folders with higher version numbers.
 */
public final class SchemaMigrations {

  private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

  private SchemaMigrations() {}

  public static MigrateResult migrate(DataSource dataSource, DatabaseSettings settings) {
    Flyway flyway =
        Flyway.configure(SchemaMigrations.class.getClassLoader())
            .dataSource(dataSource)
            .locations("classpath:db/migration/" + settings.profile().migrations)
            .table("schema_history")
            .baselineOnMigrate(false)
            // each module owns a range of versions (runtime V1–V9, catalog V10–V19, customer V20–…):
            // a module's new migration may be lower than one another module already applied
            .outOfOrder(true)
            .load();
    MigrateResult result = flyway.migrate();
    log.info(
        "Database schema at version {} ({} migration(s) applied) on {}",
        result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
        result.migrationsExecuted,
        settings.describe());
    if (settings.profile() == DatabaseSettings.Profile.POSTGRES) warnWithoutAutovacuum(dataSource);
    return result;
  }

  /**
   * Subscriptions poll the journal by tag; without autovacuum's auto-analyze PostgreSQL keeps the
   * statistics of the empty tables it saw here, and those polls turn into scans of the whole
   * {@code event_tag} table that starve the journal's connections as it grows.
   */
  private static void warnWithoutAutovacuum(DataSource dataSource) {
    try (var c = dataSource.getConnection(); var st = c.createStatement(); var rs = st.executeQuery("SHOW autovacuum")) {
      if (rs.next() && "off".equalsIgnoreCase(rs.getString(1))) {
        log.warn("PostgreSQL runs with autovacuum = off: the journal's tables get no fresh statistics and the "
            + "subscriptions' polls will scan the whole event_tag table as it grows. Turn autovacuum on, or ANALYZE "
            + "event_journal and event_tag regularly");
      }
    } catch (java.sql.SQLException e) {
      log.debug("Could not read PostgreSQL's autovacuum setting: {}", e.getMessage());
    }
  }
}
