package org.linecommerce.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.runtime.subscription.Beacon;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * {@link ClusterStatus} on a real two-node cluster: both nodes see both members up, each node
 * reports only the shards and entities it hosts, and together they account for every entity; the
 * gauges of {@code GET /metrics} show the same numbers.
 */
class ClusterStatusTest {

  private static final int BEACONS = 150;

  @Test
  void eachNodeReportsTheMembersAndOnlyItsOwnShardsAndEntities() throws Exception {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(2, db, List.of(Beacon.module(system -> {})),
            ConfigFactory.parseString("linecommerce.metrics.poll-interval = 300ms"))) {
      List<CompletableFuture<?>> emitted = new ArrayList<>();
      for (int i = 0; i < BEACONS; i++) {
        // ids that hash apart (not "beacon-1", "beacon-2", … in neighbouring shards), so some of the
        // 1000 shards hold several entities and the shard and entity counts differ
        String id = UUID.nameUUIDFromBytes(("beacon-" + i).getBytes(StandardCharsets.UTF_8)).toString();
        emitted.add(Beacon.emit(cluster.system(0), id, "e" + i).toCompletableFuture());
      }
      CompletableFuture.allOf(emitted.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

      ClusterStatus.Snapshot first = ClusterStatus.get(cluster.system(0)).refresh().toCompletableFuture().get(10, TimeUnit.SECONDS);
      ClusterStatus.Snapshot second = ClusterStatus.get(cluster.system(1)).refresh().toCompletableFuture().get(10, TimeUnit.SECONDS);

      for (ClusterStatus.Snapshot s : List.of(first, second)) {
        assertThat(s.members()).hasSize(2).allSatisfy(m -> {
          assertThat(m.status()).isEqualTo("up");
          assertThat(m.reachable()).isTrue();
        });
        assertThat(s.members()).extracting(ClusterStatus.Member::address).contains(s.self());
      }
      assertThat(first.self()).isNotEqualTo(second.self());
      ClusterStatus.Sharding a = first.sharding().get("Beacon");
      ClusterStatus.Sharding b = second.sharding().get("Beacon");
      assertThat(a.entities() + b.entities()).as("every entity hosted by exactly one node").isEqualTo(BEACONS);
      assertThat(a.shards() + b.shards()).as("some shard holds several entities").isLessThan(BEACONS);
      assertThat(a.shards()).as("shards spread over both nodes").isPositive();
      assertThat(b.shards()).as("shards spread over both nodes").isPositive();

      String expected = "cluster_entities{entity_type=\"Beacon\",node=\"" + first.self() + "\"} " + a.entities() + ".0";
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInSameThread().untilAsserted(() ->
          assertThat(Metrics.get(cluster.system(0)).registry().scrape())
              .contains(expected)
              .contains("cluster_members{node=\"" + first.self() + "\",status=\"up\"} 2.0"));
    }
  }
}
