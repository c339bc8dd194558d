package org.linecommerce.node;

import com.typesafe.config.Config;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.conversation.ConversationModule;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.gateway.GatewayModule;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.node.NodeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar node/target/node.jar}: starts one node from cluster.conf and the environment
 * (see the README's configuration table). SIGTERM and SIGINT run coordinated shutdown (stop HTTP,
 * hand shards off, leave the cluster) and exit 0; a node that cannot start exits 1, and so does a
 * node whose actor system ended without a signal (the split brain resolver downed it, or the
 * cluster removed it): its supervisor starts a fresh process, which joins again.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);
  /** Set once a signal asked the node to stop: its actor system's end is then expected. */
  private static final AtomicBoolean STOPPING = new AtomicBoolean();

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0) {
      System.err.println("node.jar takes no arguments; configure it with cluster.conf or environment variables (see README.md)");
      System.exit(2);
    }
    Node node;
    try {
      Config config = NodeConfig.load();
      node = init(config, modules());
    } catch (RuntimeException e) {
      log.error("{}", e.getMessage(), e);
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    installSignalHandlers(node);
    node.system().getWhenTerminated().thenRun(() -> {
      if (STOPPING.get()) return;
      log.error("The node left the cluster without being asked to (downed by the split brain resolver or removed)"
          + " and stopped: exiting with status 1 so that its supervisor starts it again");
      System.exit(1);
    });
  }

  /** Starts a node with {@code modules}; tests call this with their own configuration. */
  public static Node init(Config config, List<DomainModule> modules) {
    return Node.start(config, modules);
  }

  /** Every domain module; each starts what the node's roles ask for. */
  public static List<DomainModule> modules() {
    return List.of(new CatalogModule(), new CustomerModule(), new ConversationModule(), new GatewayModule());
  }

  private static void installSignalHandlers(Node node) {
    // The JVM's own shutdown hook would exit 143 on SIGTERM; a clean coordinated shutdown exits 0.
    Runnable stop = () -> {
      if (!STOPPING.compareAndSet(false, true)) return;
      log.info("Shutdown requested: leaving the cluster");
      try {
        CoordinatedShutdown.get(node.system())
            .runAll(CoordinatedShutdown.jvmExitReason())
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
        node.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        log.info("Node stopped");
        System.exit(0);
      } catch (Exception e) {
        log.error("Shutdown did not complete cleanly", e);
        System.exit(1);
      }
    };
    for (String signal : List.of("TERM", "INT")) {
      Signal.handle(new Signal(signal), s -> {
        // The signal's thread is a daemon and so would be a thread it starts: once the actor system
        // has terminated, the JVM would exit on its own, racing the last log line and the exit code.
        Thread thread = new Thread(stop, "shutdown-" + signal);
        thread.setDaemon(false);
        thread.start();
      });
    }
  }
}
