package org.linecommerce.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NodeConfigTest {

  private static Config load(String hocon) {
    return NodeConfig.withoutClusterConf(ConfigFactory.parseString(hocon));
  }

  @Test
  void defaultsAreOneNodeWithEveryRoleOnEmbeddedH2UnderDataDir() {
    Config c = load("");
    NodeSettings s = NodeSettings.fromConfig(c);
    assertThat(s.roles()).containsExactlyInAnyOrderElementsOf(NodeSettings.ALL_ROLES);
    assertThat(s.seedNodes()).isEmpty();
    assertThat(s.port()).isEqualTo(2551);
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.managementPort()).isEqualTo(8558);
    assertThat(c.getStringList("pekko.cluster.seed-nodes")).isEmpty();
    assertThat(c.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("127.0.0.1");
    String dataDir = Path.of("./data").toAbsolutePath().normalize().toString();
    assertThat(c.getString("linecommerce.db.resolved.url"))
        .startsWith("jdbc:h2:file:" + dataDir)
        .contains("DATABASE_TO_UPPER=false", "AUTO_SERVER=TRUE");
    assertThat(c.getString("pekko-persistence-jdbc.shared-databases.default.profile")).isEqualTo("slick.jdbc.H2Profile$");
    assertThat(c.getString("pekko.projection.jdbc.dialect")).isEqualTo("h2-dialect");
    assertThat(c.getString("pekko.actor.serialization-bindings.\"org.linecommerce.runtime.CborSerializable\""))
        .isEqualTo("jackson-cbor");
    assertThat(c.getBoolean("pekko.actor.allow-java-serialization")).isFalse();
    assertThat(c.getString("pekko.cluster.downing-provider-class")).contains("SplitBrainResolverProvider");
  }

  @Test
  void subscriptionsSeeNewEventsWithinAFractionOfASecondWithoutSkippingSlowCommits() {
    Config c = load("");
    java.time.Duration queryDelay = c.getDuration("jdbc-read-journal.journal-sequence-retrieval.query-delay");
    java.time.Duration refresh = c.getDuration("jdbc-read-journal.refresh-interval");
    // both polls bound the lag from persist to handler (issue 11 item 7: p99 <= 1 s)
    assertThat(queryDelay.plus(refresh)).isLessThanOrEqualTo(java.time.Duration.ofMillis(500));
    // a gap in the ordering is waited for as long as with the plugin's defaults (10 x 1 s)
    assertThat(queryDelay.multipliedBy(c.getInt("jdbc-read-journal.journal-sequence-retrieval.max-tries")))
        .isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(10));
  }

  @Test
  void shardsPerEntityTypeAreSizedForASmallClusterNotPekkosHundredNodes() {
    // each shard costs a coordinator write, a recovery and its own remember-entities writes
    assertThat(load("").getInt("pekko.cluster.sharding.number-of-shards")).isEqualTo(100);
  }

  @Test
  void shardRegionsRunOnTheEntitiesDispatcherSoAnAskCrossesNoSecondPool() {
    assertThat(load("").getString("pekko.cluster.sharding.use-dispatcher")).isEqualTo("pekko.actor.default-dispatcher");
  }

  @Test
  void theRequestTimeoutIsSetExplicitlyAndConfigurable() {
    assertThat(load("").getDuration("pekko.http.server.request-timeout")).hasSeconds(20);
    assertThat(load("linecommerce.http.request-timeout = 7s").getDuration("pekko.http.server.request-timeout"))
        .hasSeconds(7);
    Config c = load("");
    assertThat(c.getDuration("pekko.http.server.idle-timeout"))
        .isGreaterThan(c.getDuration("pekko.http.server.request-timeout"));
  }

  @Test
  void seedsRolesAndPortsBecomePekkoSettings() {
    Config c = load("""
        linecommerce.node { port = 2600, seed-nodes = "10.0.0.1:2551, 10.0.0.2:2552", roles = "gateway,catalog" }
        linecommerce.management.port = 9000
        """);
    assertThat(c.getStringList("pekko.cluster.seed-nodes"))
        .containsExactly("pekko://linecommerce@10.0.0.1:2551", "pekko://linecommerce@10.0.0.2:2552");
    assertThat(c.getStringList("pekko.cluster.roles")).containsExactlyInAnyOrder("gateway", "catalog");
    assertThat(c.getInt("pekko.remote.artery.canonical.port")).isEqualTo(2600);
    assertThat(c.getInt("pekko.management.http.port")).isEqualTo(9000);
  }

  @Test
  void postgresProfileUsesTheGivenUrlAndDialect() {
    Config c = load("linecommerce.db { profile = postgres, url = \"jdbc:postgresql://127.0.0.1:5432/shop\", user = shop }");
    assertThat(c.getString("pekko-persistence-jdbc.shared-databases.default.db.url"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/shop");
    assertThat(c.getString("pekko-persistence-jdbc.shared-databases.default.db.user")).isEqualTo("shop");
    assertThat(c.getString("jdbc-durable-state-store.slick.profile")).isEqualTo("slick.jdbc.PostgresProfile$");
    assertThat(c.getString("pekko.projection.jdbc.dialect")).isEqualTo("postgres-dialect");
  }

  @Test
  void badSettingsAreRefusedWithAMessageNamingTheVariable() {
    assertThatThrownBy(() -> load("linecommerce.node.roles = \"gateway,shop\""))
        .hasMessageContaining("NODE_ROLES").hasMessageContaining("shop");
    assertThatThrownBy(() -> load("linecommerce.node.seed-nodes = \"host-without-port\""))
        .hasMessageContaining("CLUSTER_SEED_NODES");
    assertThatThrownBy(() -> load("linecommerce.db.profile = postgres"))
        .hasMessageContaining("DB_URL");
    assertThatThrownBy(() -> load("linecommerce.db.profile = mysql"))
        .hasMessageContaining("DB_PROFILE");
  }
}
