package org.linecommerce.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A sharded entity survives the crash of the node hosting it: on H2 and on PostgreSQL. */
class ShardedEntityFailoverTest {

  private static final Duration ASK = Duration.ofSeconds(10);

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void entityComesBackOnSurvivorWithStateRecoveredFromJournal(TestDatabase.Kind kind) throws Exception {
    try (TestDatabase db = TestDatabase.of(kind);
        InProcessCluster cluster = InProcessCluster.start(3, db, List.of(Tally.module()))) {
      ActorSystem<?> client = cluster.system(0);
      // a victim entity hosted away from node 0 (node 0 asks, and stays up); it gets 1+2+…+7 = 28
      Hosted victim = hostedAwayFromFirstNode(cluster, "e-");
      String victimEntity = victim.entityId();
      int victimNode = victim.node();
      for (int i = 1; i <= 7; i++) {
        int amount = i;
        ref(client, victimEntity).<Integer>askWithStatus(r -> new Tally.Add(amount, r), ASK).toCompletableFuture().get();
      }
      String crashedAddress = cluster.system(victimNode).address().toString();

      cluster.stopAbruptly(victimNode);

      // messages in flight to the crashed node are lost, so a client retries until the shard is re-homed
      String entity = victimEntity;
      Tally.Snapshot after = Awaitility.await("entity answers again")
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> ref(client, entity).ask(Tally.Get::new, Duration.ofSeconds(2)).toCompletableFuture().get(),
              s -> s != null);
      assertThat(after.total()).isEqualTo(28);
      assertThat(after.eventsApplied()).isEqualTo(7);
      assertThat(after.hostAddress()).isNotEqualTo(crashedAddress);
      // it keeps working where it now lives
      int total = ref(client, victimEntity).<Integer>askWithStatus(r -> new Tally.Add(2, r), ASK).toCompletableFuture().get();
      assertThat(total).isEqualTo(30);
    }
  }

  record Hosted(String entityId, int node) {}

  /**
   * An entity living on node 1 or 2. Shards are allocated as regions register with the coordinator,
   * so the first entities may all land on node 0 — every shard, when the asks are fast enough to
   * reach them all before the other regions register; then only the coordinator's rebalance (every
   * 10 s) moves shards away. Keep creating new entities, for up to a minute, until one lives elsewhere.
   */
  private static Hosted hostedAwayFromFirstNode(InProcessCluster cluster, String prefix) throws Exception {
    ActorSystem<?> client = cluster.system(0);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int e = 0;
    for (; System.nanoTime() < deadline; e++) {
      Tally.Snapshot s = ref(client, prefix + e).ask(Tally.Get::new, ASK).toCompletableFuture().get();
      for (int n = 1; n < 3; n++) {
        if (s.hostAddress().equals(cluster.system(n).address().toString())) return new Hosted(prefix + e, n);
      }
      if (e >= 300) Thread.sleep(20); // past every shard: wait for the rebalance rather than spin
    }
    throw new AssertionError("none of " + e + " entities in 60 s was hosted on node 1 or 2");
  }

  private static EntityRef<Tally.Command> ref(ActorSystem<?> system, String id) {
    return ClusterSharding.get(system).entityRefFor(Tally.ENTITY_KEY, id);
  }

  @org.junit.jupiter.api.Test
  void entityMovesToSurvivorWhenItsNodeLeavesGracefully() throws Exception {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(3, db, List.of(Tally.module()))) {
      ActorSystem<?> client = cluster.system(0);
      Hosted hosted = hostedAwayFromFirstNode(cluster, "g-");
      String entity = hosted.entityId();
      int host = hosted.node();
      ref(client, entity).<Integer>askWithStatus(r -> new Tally.Add(5, r), ASK).toCompletableFuture().get();
      String leaving = cluster.system(host).address().toString();

      cluster.stopGracefully(host);

      // a graceful leave hands the shard off: the next ask is answered without client retries
      Tally.Snapshot after = ref(client, entity).ask(Tally.Get::new, ASK).toCompletableFuture().get();
      assertThat(after.total()).isEqualTo(5);
      assertThat(after.hostAddress()).isNotEqualTo(leaving);
    }
  }
}
