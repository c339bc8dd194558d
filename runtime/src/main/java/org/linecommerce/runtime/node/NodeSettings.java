package org.linecommerce.runtime.node;

import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a node listens and which domains it hosts, read from {@code linecommerce.node},
 * {@code linecommerce.http} and {@code linecommerce.management}.
 *
 * @param seedNodes {@code host:port} remoting addresses; empty means this node founds the cluster alone
 * @param roles subset of {@link #ALL_ROLES}
 */
public record NodeSettings(
    String systemName,
    String hostname,
    int port,
    List<String> seedNodes,
    Set<String> roles,
    String httpInterface,
    int httpPort,
    int managementPort) {

  public static final List<String> ALL_ROLES = List.of("gateway", "conversation", "customer", "catalog");

  public static NodeSettings fromConfig(Config config) {
    Config lc = config.getConfig("linecommerce");
    String hostname = lc.getString("node.hostname");
    List<String> seeds = splitList(lc.getString("node.seed-nodes"));
    for (String seed : seeds) {
      int colon = seed.lastIndexOf(':');
      if (colon <= 0 || !seed.substring(colon + 1).matches("\\d{1,5}")) {
        throw new IllegalArgumentException(
            "CLUSTER_SEED_NODES must list host:port addresses separated by commas, got '" + seed + "'");
      }
    }
    String rolesValue = lc.getString("node.roles").trim();
    Set<String> roles =
        rolesValue.isEmpty() || rolesValue.equalsIgnoreCase("all")
            ? new LinkedHashSet<>(ALL_ROLES)
            : new LinkedHashSet<>(splitList(rolesValue));
    for (String role : roles) {
      if (!ALL_ROLES.contains(role)) {
        throw new IllegalArgumentException(
            "NODE_ROLES: unknown role '" + role + "' (known: " + String.join(",", ALL_ROLES) + ")");
      }
    }
    String httpInterface = lc.getString("http.interface").trim();
    return new NodeSettings(
        lc.getString("system-name"),
        hostname,
        lc.getInt("node.port"),
        seeds,
        Set.copyOf(roles),
        httpInterface.isEmpty() ? hostname : httpInterface,
        lc.getInt("http.port"),
        lc.getInt("management.port"));
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** Seed addresses as Pekko URIs ({@code pekko://system@host:port}). */
  public List<String> seedNodeUris() {
    return seedNodes.stream().map(s -> "pekko://" + systemName + "@" + s).collect(Collectors.toList());
  }

  static List<String> splitList(String value) {
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toList());
  }
}
