package org.linecommerce.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.linecommerce.runtime.node.NodeConfig;

/**
 * The configuration of a node started by a test: the project's real configuration (the runtime's
 * defaults; cluster.conf is left out so the developer's local file cannot change tests) on
 * loopback, free ports, the test's database, and timings short enough for failure tests.
 */
public final class TestNodeConfig {

  private TestNodeConfig() {}

  /** Free TCP port on 127.0.0.1 at the time of the call. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Test defaults: loopback, remoting and HTTP on port 0, a free management port. */
  public static Config defaults() {
    Map<String, Object> m = new HashMap<>();
    m.put("linecommerce.node.hostname", "127.0.0.1");
    m.put("linecommerce.node.port", 0);
    m.put("linecommerce.http.port", 0);
    m.put("linecommerce.management.port", freePort());
    m.put("linecommerce.db.pool-size", 4);
    m.put("linecommerce.db.startup-timeout", "20s");
    m.put("linecommerce.http.rate-limit.burst", 100000);
    m.put("linecommerce.http.rate-limit.requests-per-second", 100000);
    m.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    m.put("pekko.cluster.split-brain-resolver.stable-after", "2s");
    m.put("pekko.cluster.failure-detector.acceptable-heartbeat-pause", "2s");
    m.put("pekko.cluster.failure-detector.heartbeat-interval", "500ms");
    m.put("pekko.cluster.unreachable-nodes-reaper-interval", "500ms");
    m.put("pekko.cluster.gossip-interval", "200ms");
    m.put("pekko.cluster.leader-actions-interval", "200ms");
    m.put("pekko.cluster.sharding.distributed-data.majority-min-cap", 1);
    m.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    // a node under a loaded CI machine may need more than the default 10 s to stop its projections
    m.put("pekko.actor.testkit.typed.system-shutdown-default", "30s");
    // a region stopped before its coordinator allocated its shards (a node stopped right after its
    // start) waits this whole phase for shard homes that never come: keep it well inside the 30 s
    // above (the node's own 30 s is for real hand-offs under load; a test hands off in well under 1 s)
    m.put("pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout", "10s");
    m.put("pekko.loglevel", "INFO");
    return ConfigFactory.parseMap(m, "testkit defaults");
  }

  /**
   * Configuration for Pekko's {@code EventSourcedBehaviorTestKit} (in-memory journal) with the
   * serialization every node uses, so entity tests with serialization checks on run each command,
   * event and state through the project's CBOR binding.
   */
  public static Config eventSourcedTestKit() {
    Config pekko = ConfigFactory.parseResources(TestNodeConfig.class.getClassLoader(), "linecommerce-pekko.conf");
    return org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.config()
        .withFallback(pekko.withOnlyPath("pekko.actor.serialization-bindings"))
        .withFallback(pekko.withOnlyPath("pekko.actor.allow-java-serialization"))
        .withFallback(pekko.withOnlyPath("pekko.serialization"))
        .withFallback(ConfigFactory.load());
  }

  /** A node's whole configuration: {@code overrides} over the database over test defaults. */
  public static Config node(TestDatabase database, Config overrides) {
    return NodeConfig.withoutClusterConf(overrides.withFallback(database.config()).withFallback(defaults()));
  }
}
