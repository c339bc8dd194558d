package org.linecommerce.runtime.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.linecommerce.runtime.http.BearerAuth;
import org.linecommerce.runtime.node.Node.NodeStartException;
import org.linecommerce.runtime.persistence.DatabaseSettings;

/**
 * What a node checks about its configuration before its ActorSystem starts, so that a node that
 * cannot run as configured says so in one line listing every problem at once, instead of failing
 * on the first one or, worse, starting on a development default.
 *
 * <p>In every environment: the remoting transport ({@code ARTERY_TRANSPORT=tls-tcp} needs readable
 * key and trust stores with their passwords) and the way the node joins its cluster
 * ({@code CLUSTER_BOOTSTRAP=kubernetes} excludes {@code CLUSTER_SEED_NODES}).
 *
 * <p>With {@code APP_ENV=production} (the production profile), also: PostgreSQL, not H2, with a
 * password; real bearer tokens (the rules are {@link BearerAuth}'s); {@code NODE_HOSTNAME} set to the
 * address other nodes reach (remoting then binds to it alone, see {@link NodeConfig}); and whatever
 * each {@link DomainModule#productionProblems} reports (the gateway: real LINE credentials).
 */
public final class StartupChecks {

  /** The shipped default of {@code linecommerce.node.hostname}: right on a laptop, wrong in production. */
  static final String DEFAULT_HOSTNAME = "127.0.0.1";

  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "::0");
  private static final Set<String> TRANSPORTS = Set.of("tcp", "tls-tcp");
  private static final Set<String> BOOTSTRAP_MODES = Set.of("seeds", "kubernetes");

  private StartupChecks() {}

  /** Whether {@code APP_ENV} ({@code linecommerce.auth.app-env}) is {@code production}. */
  public static boolean isProduction(Config config) {
    return BearerAuth.isProduction(config);
  }

  /** Throws a {@link NodeStartException} naming every problem of {@link #problems}, if any. */
  public static void check(Config config, List<DomainModule> modules) {
    List<String> problems = problems(config, modules);
    if (!problems.isEmpty()) {
      throw new NodeStartException(
          "node refuses to start" + (isProduction(config) ? " (APP_ENV=production)" : "") + ": "
              + String.join("; ", problems), null);
    }
  }

  /** Every problem of {@code config} for a node hosting {@code modules}; empty when it may start. */
  public static List<String> problems(Config config, List<DomainModule> modules) {
    List<String> problems = new ArrayList<>();
    remoting(config, problems);
    bootstrap(config, problems);
    if (isProduction(config)) {
      database(config, problems);
      problems.addAll(BearerAuth.productionRefusals(config));
      hostname(config, problems);
      for (DomainModule module : modules) {
        problems.addAll(module.productionProblems(config));
      }
    }
    return problems;
  }

  private static void remoting(Config config, List<String> problems) {
    String transport = config.getString("linecommerce.remote.transport").trim().toLowerCase(Locale.ROOT);
    if (!TRANSPORTS.contains(transport)) {
      problems.add("ARTERY_TRANSPORT must be tcp or tls-tcp, not '" + transport + "'");
      return;
    }
    if (!transport.equals("tls-tcp")) return;
    Config tls = config.getConfig("linecommerce.remote.tls");
    store(tls, "key-store", "ARTERY_KEYSTORE", problems);
    secret(tls, "key-store-password", "ARTERY_KEYSTORE_PASSWORD", problems);
    store(tls, "trust-store", "ARTERY_TRUSTSTORE", problems);
    secret(tls, "trust-store-password", "ARTERY_TRUSTSTORE_PASSWORD", problems);
  }

  private static void store(Config tls, String key, String variable, List<String> problems) {
    String path = tls.getString(key).trim();
    if (path.isEmpty()) {
      problems.add(variable + " is not set (ARTERY_TRANSPORT=tls-tcp needs it)");
    } else if (!Files.isReadable(Path.of(path))) {
      problems.add(variable + " names no readable file: " + path);
    }
  }

  private static void secret(Config tls, String key, String variable, List<String> problems) {
    if (tls.getString(key).isEmpty()) {
      problems.add(variable + " is not set (ARTERY_TRANSPORT=tls-tcp needs it)");
    }
  }

  private static void bootstrap(Config config, List<String> problems) {
    String mode = config.getString("linecommerce.cluster.bootstrap.mode").trim().toLowerCase(Locale.ROOT);
    if (!BOOTSTRAP_MODES.contains(mode)) {
      problems.add("CLUSTER_BOOTSTRAP must be seeds or kubernetes, not '" + mode + "'");
    } else if (mode.equals("kubernetes") && !config.getString("linecommerce.node.seed-nodes").isBlank()) {
      problems.add("CLUSTER_SEED_NODES must be empty with CLUSTER_BOOTSTRAP=kubernetes (the bootstrap finds the nodes)");
    }
  }

  private static void database(Config config, List<String> problems) {
    DatabaseSettings db;
    try {
      db = DatabaseSettings.fromConfig(config.getConfig("linecommerce.db"));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      return;
    }
    if (db.profile() == DatabaseSettings.Profile.H2) {
      problems.add("DB_PROFILE is h2: production needs PostgreSQL (DB_PROFILE=postgres with DB_URL, DB_USER, DB_PASSWORD)");
      return;
    }
    if (db.user().isBlank()) problems.add("DB_USER is not set");
    if (db.password().isEmpty()) problems.add("DB_PASSWORD is not set");
  }

  private static void hostname(Config config, List<String> problems) {
    String hostname = config.getString("linecommerce.node.hostname").trim();
    if (WILDCARDS.contains(hostname)) {
      problems.add("NODE_HOSTNAME is the wildcard " + hostname
          + ": set the address other nodes reach this one at (remoting binds to it alone)");
    } else if (hostname.equals(DEFAULT_HOSTNAME) && fromShippedDefault(config.getValue("linecommerce.node.hostname").origin())) {
      problems.add("NODE_HOSTNAME is not set (the default " + DEFAULT_HOSTNAME
          + " is for one machine): set the address other nodes reach this one at");
    }
  }

  /** The literal default of reference.conf or cluster.conf, as opposed to an environment variable or override. */
  private static boolean fromShippedDefault(ConfigOrigin origin) {
    for (String name : new String[] {origin.resource(), origin.filename(), origin.description()}) {
      if (name == null) continue;
      String file = name.replaceAll(":\\s*\\d+$", "").replaceAll(" @ .*$", "");
      if (file.endsWith("reference.conf") || file.endsWith("cluster.conf")) return true;
    }
    return false;
  }
}
