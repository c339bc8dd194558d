package org.linecommerce.catalog.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.linecommerce.runtime.persistence.Database;
import org.linecommerce.runtime.persistence.SchemaMigrations;
import org.linecommerce.testkit.NodeTestKit;
import org.linecommerce.testkit.TestDatabase;

/**
 * The read model's migration ({@code V10__catalog_search_read_model}) is lower than migrations
 * other modules applied before it existed (the customer module's {@code V20}, {@code V21}): a
 * database created by an earlier version still gets its tables when the node starts, instead of
 * Flyway refusing to start ("resolved migration not applied to database: 10").
 */
class CatalogSearchMigrationTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestDatabase.Kind.class)
  void aDatabaseAlreadyMigratedPastTheReadModelsVersionGetsItsTables(TestDatabase.Kind kind) throws Exception {
    try (NodeTestKit kit = NodeTestKit.on(kind).start("CatalogSearchMigration" + kind)) {
      // the database as an earlier version left it: past the read model's version (at a migration
      // of a module this test does not load, numbered above every migration it does), without it
      try (Connection c = kit.database().connect(); Statement s = c.createStatement()) {
        s.execute("DROP TABLE catalog_search_products");
        s.execute("DROP TABLE catalog_search_offsets");
        s.execute("DELETE FROM schema_history WHERE version = '10'");
        s.execute("INSERT INTO schema_history (installed_rank, version, description, type, script, checksum,"
            + " installed_by, installed_on, execution_time, success)"
            + " VALUES (100, '1000', 'a later module', 'SQL', 'V1000__a_later_module.sql', 0, 'test',"
            + " CURRENT_TIMESTAMP, 0, TRUE)");
      }

      ActorSystem<?> system = kit.system();
      Database db = Database.get(system);
      SchemaMigrations.migrate(db.dataSource(), db.settings());

      try (Connection c = kit.database().connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM catalog_search_products")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isZero();
      }
    }
  }
}
