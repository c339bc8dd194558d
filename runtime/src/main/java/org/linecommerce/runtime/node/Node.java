package org.linecommerce.runtime.node;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.linecommerce.runtime.health.HealthRoutes;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.runtime.http.HttpEdge;
import org.linecommerce.runtime.ops.OpsRoutes;
import org.linecommerce.runtime.persistence.Database;
import org.linecommerce.runtime.persistence.DatabaseSettings;
import org.linecommerce.runtime.persistence.SchemaMigrations;
import org.linecommerce.runtime.saga.SagaRoutes;
import org.linecommerce.runtime.subscription.DeadLetterRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node: one ActorSystem in the cluster, its database schema migrated, the modules its
 * roles ask for, Pekko Management ({@code /alive}, {@code /ready}, {@code /cluster/members}) and
 * the public HTTP server behind the runtime's edge. {@link #start} is what {@code Main} and the
 * testkit both call, so tests run the same start-up as production.
 */
public final class Node {

  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final ActorSystem<Void> system;
  private final NodeSettings settings;
  private final ServerBinding httpBinding;
  private final String managementUri;

  private Node(ActorSystem<Void> system, NodeSettings settings, ServerBinding httpBinding, String managementUri) {
    this.system = system;
    this.settings = settings;
    this.httpBinding = httpBinding;
    this.managementUri = managementUri;
  }

  /**
   * Starts a node on {@code config} (from {@link NodeConfig}) with {@code modules}; blocks until it
   * listens. Refuses first, before any actor system exists, a configuration {@link StartupChecks}
   * finds wrong (in production: any development default). Throws if the database stays
   * unreachable for {@code linecommerce.db.startup-timeout} or a port cannot be bound (the
   * ActorSystem is then terminated).
   */
  public static Node start(Config config, List<DomainModule> modules) {
    StartupChecks.check(config, modules);
    HttpEdge.validate(config);
    NodeSettings settings = NodeSettings.fromConfig(config);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), settings.systemName(), config);
    try {
      org.linecommerce.runtime.tracing.LogContext.nodeStarted(system); // node address on every log line; LOG_FORMAT checked
      org.linecommerce.runtime.tracing.Tracing.get(system); // OTLP exporter (when configured) and its flush on shutdown
      Database database = Database.get(system);
      migrateWithRetry(database, config.getDuration("linecommerce.db.startup-timeout"));

      Cluster cluster = Cluster.get(system);
      boolean bootstrap = usesClusterBootstrap(config);
      if (settings.seedNodes().isEmpty() && !bootstrap) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }

      NodeContext context = new NodeContext(system, settings);
      List<Route> routes = new ArrayList<>();
      routes.add(new HealthRoutes(system).route());
      routes.add(Metrics.get(system).route());
      routes.add(new DeadLetterRoutes(system).route());
      for (DomainModule module : modules) {
        module.init(context);
        if (context.hosts(module.role())) {
          module.routes(context).ifPresent(routes::add);
        }
      }
      routes.add(SagaRoutes.route(system)); // after modules: definitions registered first
      routes.add(OpsRoutes.route(system)); // GET /dev/dashboard and the admin routes it reads
      ClusterStatus.get(system); // polls this node's shard regions for GET /metrics

      String managementUri =
          PekkoManagement.get(system).start().toCompletableFuture().get(30, TimeUnit.SECONDS).toString();
      if (bootstrap) {
        // after management is up: the other nodes probe this one's contact point on its port
        ClusterBootstrap.get(system).start();
      }

      Route all = HttpEdge.wrap(system, Directives.concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new)));
      ServerBinding binding =
          Http.get(system)
              .newServerAt(settings.httpInterface(), settings.httpPort())
              .bind(all)
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS)
              .addToCoordinatedShutdown(Duration.ofSeconds(10), system);

      Node node = new Node(system, settings, binding, managementUri);
      DatabaseSettings db = database.settings();
      log.info(
          "Node {} started: HTTP http://{}:{} | management {} | roles {} | seeds {} | database {} {}",
          cluster.selfMember().address(),
          settings.httpInterface(),
          node.httpPort(),
          managementUri,
          settings.roles(),
          bootstrap ? "[cluster bootstrap]" : settings.seedNodes().isEmpty() ? "[self]" : settings.seedNodes(),
          db.profile().name().toLowerCase(),
          db.describe());
      String baseUrl = "http://" + reachableHost(settings.httpInterface()) + ":" + node.httpPort();
      for (DomainModule module : modules) {
        if (!context.hosts(module.role())) continue;
        try {
          module.httpStarted(context, baseUrl);
        } catch (RuntimeException e) {
          log.warn("Module {} failed after the HTTP server started: {}", module.name(), rootMessage(e));
        }
      }
      return node;
    } catch (Exception e) {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // already failing; the cause below is what matters
      }
      throw new NodeStartException("node did not start: " + rootMessage(e), e);
    }
  }

  /** {@code CLUSTER_BOOTSTRAP=kubernetes}: Cluster Bootstrap instead of seed nodes. */
  static boolean usesClusterBootstrap(Config config) {
    return config.getString("linecommerce.cluster.bootstrap.mode").trim().equalsIgnoreCase("kubernetes");
  }

  private static void migrateWithRetry(Database database, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long backoffMs = 500;
    while (true) {
      try {
        SchemaMigrations.migrate(database.dataSource(), database.settings());
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) throw e;
        log.warn("Database {} not ready ({}); retrying in {} ms",
            database.settings().describe(), rootMessage(e), backoffMs);
        Thread.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }

  /** The host to print for an HTTP interface: a wildcard bind is reached at 127.0.0.1. */
  private static String reachableHost(String httpInterface) {
    if (httpInterface.equals("0.0.0.0") || httpInterface.equals("::") || httpInterface.equals("[::]")) return "127.0.0.1";
    return httpInterface.contains(":") && !httpInterface.startsWith("[") ? "[" + httpInterface + "]" : httpInterface;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public NodeSettings settings() {
    return settings;
  }

  /** The bound HTTP port (the configured one, or the one chosen for port 0). */
  public int httpPort() {
    return httpBinding.localAddress().getPort();
  }

  /** {@code http://host:port} of Pekko Management (no trailing slash). */
  public String managementUri() {
    return managementUri;
  }

  /** Runs coordinated shutdown: stop HTTP, hand shards off, leave the cluster, terminate. */
  public CompletionStage<Done> shutdown() {
    return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
  }

  /** Thrown when a node cannot start; the message says why in one line. */
  public static final class NodeStartException extends RuntimeException {
    NodeStartException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
