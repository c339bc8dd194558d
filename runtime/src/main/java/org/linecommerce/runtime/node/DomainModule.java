package org.linecommerce.runtime.node;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What a domain module gives a node. Every node calls {@link #init} (so sharding proxies let it
 * reach the domain's entities from anywhere); a module starts its entities and subscriptions only
 * where {@code context.hosts(role())}. {@link #routes} are served only by nodes hosting the role.
 */
public interface DomainModule {

  /** Module name, e.g. {@code customer}. */
  String name();

  /** The cluster role that hosts this module's entities, subscriptions and routes. */
  String role();

  /** Starts sharding (host or proxy, by role) and, on hosting nodes, subscriptions. */
  void init(NodeContext context);

  /**
   * What stops this module from serving in production ({@code APP_ENV=production}), one item per
   * problem naming the variable to set, e.g. a development secret still in use. The node refuses to
   * start, before its ActorSystem exists, listing every module's problems at once. {@code config}
   * is the node's whole configuration (its roles: {@code NodeSettings.fromConfig(config)}).
   */
  default List<String> productionProblems(Config config) {
    return List.of();
  }

  /** Routes this module serves on hosting nodes, below the HTTP edge (auth, limits, errors). */
  default Optional<Route> routes(NodeContext context) {
    return Optional.empty();
  }

  /**
   * Called on hosting nodes once the HTTP server listens, with the address to reach it from this
   * machine ({@code http://127.0.0.1:8080}, the bound port): e.g. to log where a module's pages are.
   * A failure here is logged and does not stop the node.
   */
  default void httpStarted(NodeContext context, String baseUrl) {}
}
