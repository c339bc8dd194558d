package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.linecommerce.gateway.line.LineSignature;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.node.Node.NodeStartException;
import org.linecommerce.runtime.node.NodeConfig;
import org.linecommerce.runtime.node.StartupChecks;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.PostgresFixture;
import org.linecommerce.testkit.TestDatabase;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * {@code APP_ENV=production} refuses every development default before the ActorSystem exists, in
 * one line naming each variable to set; a production configuration with everything set starts a
 * whole node on PostgreSQL, with remoting bound to {@code NODE_HOSTNAME} only.
 */
class ProductionProfileTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String API_TOKEN = "prod-api-token-7c1e";
  private static final String ADMIN_TOKEN = "prod-admin-token-93fa";

  /** Everything production asks for; the database is a port nothing listens on (refusals come first). */
  private static Map<String, Object> production() {
    Map<String, Object> m = new HashMap<>();
    m.put("linecommerce.auth.app-env", "production");
    m.put("linecommerce.node.hostname", "127.0.0.1");
    m.put("linecommerce.db.profile", "postgres");
    m.put("linecommerce.db.url", "jdbc:postgresql://127.0.0.1:9/none");
    m.put("linecommerce.db.user", "linecommerce");
    m.put("linecommerce.db.password", "s3cret-db-password");
    m.put("linecommerce.db.startup-timeout", "1s");
    m.put("linecommerce.auth.api-token", API_TOKEN);
    m.put("linecommerce.auth.admin-token", ADMIN_TOKEN);
    m.put("linecommerce.line.channel-secret", "a-real-channel-secret");
    m.put("linecommerce.line.channel-access-token", "a-real-channel-access-token");
    m.put("linecommerce.catalog.seed", "off");
    return m;
  }

  private static Config nodeConfig(Map<String, Object> settings) {
    // the testkit's defaults set the hostname; without it the node falls back to the shipped default
    Config defaults = TestNodeConfig.defaults().withoutPath("linecommerce.node.hostname");
    return NodeConfig.withoutClusterConf(ConfigFactory.parseMap(settings, "test overrides").withFallback(defaults));
  }

  private static Config productionWith(Consumer<Map<String, Object>> change) {
    Map<String, Object> m = production();
    change.accept(m);
    return nodeConfig(m);
  }

  static Stream<Arguments> oneDevelopmentDefaultEach() {
    return Stream.of(
        Arguments.of("DB_PROFILE", (Consumer<Map<String, Object>>) m -> {
          m.put("linecommerce.db.profile", "h2");
          m.put("linecommerce.db.url", "");
        }),
        Arguments.of("DB_PASSWORD", (Consumer<Map<String, Object>>) m -> m.put("linecommerce.db.password", "")),
        Arguments.of("API_TOKEN", (Consumer<Map<String, Object>>) m -> m.put("linecommerce.auth.api-token", "")),
        Arguments.of("ADMIN_TOKEN", (Consumer<Map<String, Object>>) m -> m.put("linecommerce.auth.admin-token", "dev-admin-token")),
        Arguments.of("LINE_CHANNEL_SECRET", (Consumer<Map<String, Object>>) m -> m.put("linecommerce.line.channel-secret", "")),
        Arguments.of("LINE_CHANNEL_SECRET", (Consumer<Map<String, Object>>) m ->
            m.put("linecommerce.line.channel-secret", LineSignature.DEV_SECRET)),
        Arguments.of("LINE_CHANNEL_ACCESS_TOKEN", (Consumer<Map<String, Object>>) m ->
            m.put("linecommerce.line.channel-access-token", "")),
        Arguments.of("NODE_HOSTNAME", (Consumer<Map<String, Object>>) m -> m.remove("linecommerce.node.hostname")),
        Arguments.of("NODE_HOSTNAME", (Consumer<Map<String, Object>>) m -> m.put("linecommerce.node.hostname", "0.0.0.0")),
        Arguments.of("ARTERY_KEYSTORE", (Consumer<Map<String, Object>>) m -> {
          m.put("linecommerce.remote.transport", "tls-tcp");
          m.put("linecommerce.remote.tls.key-store", "target/no-such-keystore.p12");
          m.put("linecommerce.remote.tls.key-store-password", "x");
          m.put("linecommerce.remote.tls.trust-store", "pom.xml");
          m.put("linecommerce.remote.tls.trust-store-password", "x");
        }),
        Arguments.of("CLUSTER_SEED_NODES", (Consumer<Map<String, Object>>) m -> {
          m.put("linecommerce.cluster.bootstrap.mode", "kubernetes");
          m.put("linecommerce.node.seed-nodes", "10.0.0.1:2551");
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oneDevelopmentDefaultEach")
  void productionRefusesToStartOnOneDevelopmentDefaultNamingItsVariable(String variable, Consumer<Map<String, Object>> change) {
    Config config = productionWith(change);
    assertThatThrownBy(() -> Node.start(config, Main.modules()))
        .isInstanceOf(NodeStartException.class)
        .hasNoCause() // refused by the checks, not by a failing ActorSystem or database
        .hasMessageStartingWith("node refuses to start (APP_ENV=production): " + variable)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(";")); // this one problem only
  }

  @Test
  void productionOnDefaultsRefusesListingEveryProblemAtOnce() {
    Config config = nodeConfig(Map.of("linecommerce.auth.app-env", "production"));

    assertThatThrownBy(() -> Node.start(config, Main.modules()))
        .isInstanceOf(NodeStartException.class)
        .hasNoCause()
        .satisfies(e -> assertThat(e.getMessage())
            .doesNotContain("\n")
            .contains("DB_PROFILE is h2", "API_TOKEN (", "ADMIN_TOKEN (", "LINE_CHANNEL_SECRET is not set",
                "LINE_CHANNEL_ACCESS_TOKEN is not set", "NODE_HOSTNAME is not set"));
  }

  @Test
  void developmentStartsOnTheDefaultsProductionRefuses() {
    Config development = nodeConfig(Map.of("linecommerce.auth.app-env", "development"));
    assertThat(StartupChecks.problems(development, Main.modules())).isEmpty();
  }

  @Test
  void aProductionNodeWithoutTheGatewayRoleNeedsNoLineCredentials() {
    Config catalogOnly = productionWith(m -> {
      m.put("linecommerce.node.roles", "catalog,customer");
      m.put("linecommerce.line.channel-secret", "");
      m.put("linecommerce.line.channel-access-token", "");
    });
    assertThat(StartupChecks.problems(catalogOnly, Main.modules())).isEmpty();

    Config gateway = productionWith(m -> {
      m.put("linecommerce.node.roles", "gateway");
      m.put("linecommerce.line.channel-access-token", "");
    });
    assertThat(StartupChecks.problems(gateway, Main.modules())).singleElement().asString()
        .startsWith("LINE_CHANNEL_ACCESS_TOKEN");
  }

  @Test
  void productionBindsRemotingToNodeHostnameEvenWhenAConfigFileSaysAllInterfaces() {
    Map<String, Object> prod = production();
    prod.put("linecommerce.node.hostname", "10.1.2.3");
    prod.put("pekko.remote.artery.bind.hostname", "0.0.0.0");
    assertThat(nodeConfig(prod).getString("pekko.remote.artery.bind.hostname")).isEqualTo("10.1.2.3");
    assertThat(nodeConfig(prod).getString("pekko.remote.artery.canonical.hostname")).isEqualTo("10.1.2.3");

    Map<String, Object> dev = new HashMap<>(prod);
    dev.put("linecommerce.auth.app-env", "development");
    assertThat(nodeConfig(dev).getString("pekko.remote.artery.bind.hostname")).isEqualTo("0.0.0.0");
  }

  @Test
  void aProductionConfigurationWithEverythingSetStartsOnPostgresql() throws Exception {
    try (TestDatabase db = TestDatabase.postgres();
        FakeLinePlatform line = new FakeLinePlatform()) {
      PostgresFixture pg = PostgresFixture.get();
      Map<String, Object> m = production();
      m.put("linecommerce.db.url", db.url());
      m.put("linecommerce.db.user", pg.user());
      // the test server trusts loopback when TEST_PG_PASSWORD is empty; production still wants one set
      m.put("linecommerce.db.password", pg.password().isEmpty() ? "ignored-by-trust-auth" : pg.password());
      m.put("linecommerce.db.startup-timeout", "20s");
      m.put("linecommerce.line.api-base-url", line.apiBaseUrl());
      m.put("linecommerce.line.channel-access-token", line.channelAccessToken());
      m.put("linecommerce.line.channel-secret", line.channelSecret());
      m.put("linecommerce.node.port", 0);
      m.put("linecommerce.http.port", 0);
      m.put("linecommerce.management.port", TestNodeConfig.freePort());
      Config config = nodeConfig(m);
      assertThat(StartupChecks.problems(config, Main.modules())).isEmpty();

      Node node = Node.start(config, Main.modules());
      try {
        assertThat(node.system().settings().config().getString("pekko.remote.artery.bind.hostname")).isEqualTo("127.0.0.1");
        Awaitility.await("/ready").atMost(Duration.ofSeconds(30)).pollInSameThread()
            .until(() -> get(node.managementUri() + "/ready", null).statusCode() == 200);
        String products = "http://127.0.0.1:" + node.httpPort() + "/api/v1/products?limit=1";
        assertThat(get(products, API_TOKEN).statusCode()).isEqualTo(200);
        assertThat(get(products, "dev-api-token").statusCode()).isEqualTo(401);
        // not in dry-run: the development outbox does not exist
        assertThat(get("http://127.0.0.1:" + node.httpPort() + "/dev/line/outbox", ADMIN_TOKEN).statusCode()).isEqualTo(404);
      } finally {
        node.shutdown().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    }
  }

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
    if (token != null) request.header("Authorization", "Bearer " + token);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
