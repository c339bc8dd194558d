package org.linecommerce.runtime.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linecommerce.runtime.persistence.DatabaseSettings;

/**
 * Builds a node's whole configuration. Precedence, highest first: system properties, the
 * {@code overrides} a caller passes (tests), keys computed here (seed nodes, roles, database),
 * {@code cluster.conf} (with its environment-variable overrides), {@code application.conf}, the
 * runtime's {@code linecommerce-pekko.conf}, and every module's {@code reference.conf}.
 *
 * <p>{@code cluster.conf} is read from the file named by {@code CLUSTER_CONF}, else
 * {@code ./cluster.conf} when present, else the copy bundled in the node jar.
 */
public final class NodeConfig {

  /** Pekko settings of every node; above reference.conf, whose merge order a fat jar scrambles. */
  static final String PEKKO_DEFAULTS = "linecommerce-pekko.conf";

  private NodeConfig() {}

  /** The node's configuration as a deployer set it up (cluster.conf + environment). */
  public static Config load() {
    return load(ConfigFactory.empty());
  }

  /** The node's configuration with {@code overrides} on top of cluster.conf. */
  public static Config load(Config overrides) {
    return resolve(overrides.withFallback(clusterConf()));
  }

  /** Configuration without cluster.conf: reference defaults plus {@code overrides} (tests). */
  public static Config withoutClusterConf(Config overrides) {
    return resolve(overrides);
  }

  private static Config resolve(Config userConfig) {
    Config stack =
        ConfigFactory.defaultOverrides()
            .withFallback(userConfig)
            .withFallback(ConfigFactory.defaultApplication())
            .withFallback(ConfigFactory.parseResources(NodeConfig.class.getClassLoader(), PEKKO_DEFAULTS))
            .withFallback(ConfigFactory.defaultReferenceUnresolved());
    // linecommerce.* holds no substitutions into computed keys, so it resolves on its own first
    Config settingsOnly =
        stack.withOnlyPath("linecommerce").resolve(ConfigResolveOptions.defaults());
    NodeSettings node = NodeSettings.fromConfig(settingsOnly);
    DatabaseSettings db = DatabaseSettings.fromConfig(settingsOnly.getConfig("linecommerce.db"));

    Map<String, Object> computed = new HashMap<>();
    computed.put("pekko.cluster.seed-nodes", node.seedNodeUris());
    computed.put("pekko.cluster.roles", List.copyOf(node.roles()));
    computed.put("linecommerce.db.resolved.url", db.url());
    computed.put("linecommerce.db.resolved.driver", db.profile().driver);
    computed.put("linecommerce.db.resolved.slick-profile", db.profile().slickProfile);
    computed.put("linecommerce.db.resolved.projection-dialect", db.profile().projectionDialect);
    Config tls = settingsOnly.getConfig("linecommerce.remote.tls");
    String keyPassword = tls.getString("key-password");
    computed.put("pekko.remote.artery.ssl.config-ssl-engine.key-password",
        keyPassword.isEmpty() ? tls.getString("key-store-password") : keyPassword);
    if (StartupChecks.isProduction(settingsOnly)) {
      // production: remoting listens on NODE_HOSTNAME only, whatever a config file says
      computed.put("pekko.remote.artery.bind.hostname", node.hostname());
    }
    Config withComputed = ConfigFactory.defaultOverrides()
        .withFallback(ConfigFactory.parseMap(computed, "computed by NodeConfig"))
        .withFallback(stack);
    return withComputed.resolve();
  }

  private static Config clusterConf() {
    ConfigParseOptions options = ConfigParseOptions.defaults().setAllowMissing(false);
    String explicit = System.getenv("CLUSTER_CONF");
    if (explicit != null && !explicit.isBlank()) {
      return ConfigFactory.parseFile(Path.of(explicit).toFile(), options);
    }
    Path local = Path.of("cluster.conf");
    if (Files.isRegularFile(local)) {
      return ConfigFactory.parseFile(local.toFile(), options);
    }
    return ConfigFactory.parseResources(NodeConfig.class.getClassLoader(), "cluster.conf",
        ConfigParseOptions.defaults().setAllowMissing(true));
  }
}
