package org.linecommerce.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.awaitility.Awaitility;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.Node;

/**
 * N real nodes in one JVM: each a full {@link Node} (same start-up as production: migrations,
 * sharding, subscriptions, management, HTTP on a free port) sharing one database. Nodes join the
 * first node; {@link #stopAbruptly} simulates a crash (no leaving, no hand-off; the split brain
 * resolver downs it) and
 * {@link #startNode} adds a replacement.
 *
 * <pre>{@code
 * try (TestDatabase db = TestDatabase.postgres();
 *      InProcessCluster cluster = InProcessCluster.start(3, db, List.of(myModule))) { ... }
 * }</pre>
 */
public final class InProcessCluster implements AutoCloseable {

  private final TestDatabase database;
  private final List<DomainModule> modules;
  private final Config overrides;
  private final List<Node> nodes = new ArrayList<>();

  private InProcessCluster(TestDatabase database, List<DomainModule> modules, Config overrides) {
    this.database = database;
    this.modules = modules;
    this.overrides = overrides;
  }

  /** Starts {@code size} nodes on {@code database} and waits until all are Up. */
  public static InProcessCluster start(int size, TestDatabase database, List<DomainModule> modules) {
    return start(size, database, modules, ConfigFactory.empty());
  }

  /** Like {@link #start(int, TestDatabase, List)} with extra configuration for every node. */
  public static InProcessCluster start(
      int size, TestDatabase database, List<DomainModule> modules, Config overrides) {
    InProcessCluster cluster = new InProcessCluster(database, modules, overrides);
    try {
      for (int i = 0; i < size; i++) cluster.startNode();
      cluster.awaitAllUp();
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Starts one more node that joins the running ones; returns its index. */
  public int startNode() {
    return startNode(ConfigFactory.empty());
  }

  /** Starts one more node with extra configuration (e.g. {@code linecommerce.node.roles}). */
  public synchronized int startNode(Config nodeOverrides) {
    List<String> seeds = running().stream()
        .map(n -> {
          Address a = n.system().address();
          return a.getHost().get() + ":" + a.getPort().get();
        })
        .collect(Collectors.toList());
    // the management port is picked free and bound later: another process on the machine may take
    // it in between, so a node that could not bind is started again on fresh ports
    for (int attempt = 1; ; attempt++) {
      Config config = TestNodeConfig.node(database,
          nodeOverrides.withFallback(overrides).withFallback(ConfigFactory.parseMap(
              Map.of(
                  "linecommerce.node.seed-nodes", String.join(",", seeds),
                  // terminate() is then a crash; shutdown() still runs the graceful sequence
                  "pekko.coordinated-shutdown.run-by-actor-system-terminate", "off"),
              "in-process cluster")));
      try {
        nodes.add(Node.start(config, modules));
        return nodes.size() - 1;
      } catch (Node.NodeStartException e) {
        if (attempt >= 3 || !portTaken(e)) throw e;
      }
    }
  }

  private static boolean portTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("Address already in use")) return true;
    }
    return false;
  }

  public Node node(int index) {
    return nodes.get(index);
  }

  public ActorSystem<Void> system(int index) {
    return nodes.get(index).system();
  }

  /** Nodes whose system has not terminated. */
  public synchronized List<Node> running() {
    return nodes.stream().filter(n -> !n.system().whenTerminated().isCompleted()).collect(Collectors.toList());
  }

  /** Waits until every running node sees every running node Up. */
  public void awaitAllUp() {
    Awaitility.await("all nodes Up")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> {
          List<Node> live = running();
          for (Node n : live) {
            long up = 0;
            for (Member m : Cluster.get(n.system()).state().getMembers()) {
              if (m.status() == MemberStatus.up()) up++;
            }
            if (up != live.size()) return false;
          }
          return true;
        });
  }

  /**
   * Crashes node {@code index}: its system terminates without leaving the cluster or handing off
   * shards, as if the process was killed. Nobody downs it by hand: the survivors' split brain
   * resolver does, as in production (after {@code stable-after}), and they take over its shards.
   * Returns once every survivor sees every survivor Up and the crashed node no longer Up.
   */
  public void stopAbruptly(int index) {
    Node victim = nodes.get(index);
    victim.system().terminate();
    try {
      victim.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("node " + index + " did not terminate", e);
    }
    awaitAllUp();
  }

  /** Stops node {@code index} gracefully (coordinated shutdown: leave, hand shards off). */
  public void stopGracefully(int index) {
    try {
      nodes.get(index).shutdown().toCompletableFuture().get(60, TimeUnit.SECONDS);
      nodes.get(index).system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("node " + index + " did not stop", e);
    }
    awaitAllUp();
  }

  public TestDatabase database() {
    return database;
  }

  /** Terminates every node; the database is the caller's to close. */
  @Override
  public void close() {
    for (Node n : nodes) n.system().terminate();
    for (Node n : nodes) {
      try {
        n.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // best effort: a stuck system must not hide the test's own failure
      }
    }
  }
}
