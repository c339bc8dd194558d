package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.testkit.TestDatabase;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * {@code CLUSTER_BOOTSTRAP=kubernetes}: no seed nodes, no node joins itself; Pekko Management
 * Cluster Bootstrap finds the contact points through discovery and the nodes form one cluster.
 * In Kubernetes the discovery method is {@code kubernetes-api} (pods by label); here the same
 * bootstrap runs on Pekko's {@code config} discovery listing the two nodes' management ports,
 * because no Kubernetes API is at hand.
 */
class ClusterBootstrapTest {

  @Test
  void twoNodesWithoutSeedNodesFormOneClusterThroughClusterBootstrap() throws Exception {
    int management1 = TestNodeConfig.freePort();
    int management2 = TestNodeConfig.freePort();
    String discovery = "pekko.discovery.config.services.bootstrap-test.endpoints = ["
        + "{ host = \"127.0.0.1\", port = " + management1 + " }, { host = \"127.0.0.1\", port = " + management2 + " }]\n"
        + "linecommerce.cluster.bootstrap { mode = kubernetes, discovery-method = config, service-name = bootstrap-test }\n"
        // both contact points share one host here (in Kubernetes each pod has its own IP)
        + "pekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port = false\n"
        + "pekko.management.cluster.bootstrap.contact-point-discovery { stable-margin = 1s, interval = 500ms }\n";
    List<Node> nodes = new ArrayList<>();
    try (TestDatabase db = TestDatabase.h2()) {
      try {
        for (int port : List.of(management1, management2)) {
          Config config = TestNodeConfig.node(db, ConfigFactory.parseString(discovery + "linecommerce.management.port = " + port));
          assertThat(config.getList("pekko.cluster.seed-nodes")).isEmpty();
          nodes.add(Node.start(config, List.of()));
        }
        Awaitility.await("both nodes Up in one cluster")
            .atMost(Duration.ofSeconds(60))
            .pollInSameThread()
            .until(() -> nodes.stream().allMatch(n -> upMembers(n) == 2));
        assertThat(Cluster.get(nodes.get(0).system()).state().getLeader())
            .isEqualTo(Cluster.get(nodes.get(1).system()).state().getLeader());
      } finally {
        for (Node n : nodes) n.system().terminate();
        // both nodes leave at once: a region may wait for a coordinator that just left, up to the
        // cluster-sharding-shutdown-region phase's 30 s, before the system terminates
        for (Node n : nodes) n.system().getWhenTerminated().toCompletableFuture().get(90, TimeUnit.SECONDS);
      }
    }
  }

  private static long upMembers(Node node) {
    long up = 0;
    for (Member m : Cluster.get(node.system()).state().getMembers()) {
      if (m.status() == MemberStatus.up()) up++;
    }
    return up;
  }
}
