package org.linecommerce.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression guard for apache/pekko-persistence-jdbc#516 (recovery stops at a gap left by deleted
 * events): snapshots never delete events, and recovery after snapshots sees every event.
 */
class RecoveryAfterSnapshotsTest {

  @RegisterExtension static final NodeTestKit kit = NodeTestKit.h2();

  @Test
  void recoveryAfterSnapshotsReplaysEveryEventAndKeepsTheJournalWhole() throws Exception {
    Tally.init(kit.system());
    for (int i = 1; i <= 23; i++) {
      ref(kit.system()).<Integer>askWithStatus(r -> new Tally.Add(1, r), Duration.ofSeconds(5)).toCompletableFuture().get();
    }

    ActorSystem<Void> restarted = kit.restart().system();
    Tally.init(restarted);

    Tally.Snapshot s = ref(restarted).ask(Tally.Get::new, Duration.ofSeconds(10)).toCompletableFuture().get();
    assertThat(s.total()).isEqualTo(23);
    assertThat(s.eventsApplied()).isEqualTo(23);
    try (Connection c = kit.database().connect();
        PreparedStatement q = c.prepareStatement(
            "SELECT COUNT(*), SUM(CASE WHEN deleted THEN 1 ELSE 0 END) FROM event_journal WHERE persistence_id = ?")) {
      q.setString(1, "Tally|snap");
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).as("events in the journal").isEqualTo(23);
        assertThat(rs.getInt(2)).as("events marked deleted").isZero();
      }
    }
    try (Connection c = kit.database().connect();
        PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM snapshot WHERE persistence_id = ?")) {
      q.setString(1, "Tally|snap");
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).as("snapshots were taken").isPositive();
      }
    }
  }

  private static EntityRef<Tally.Command> ref(ActorSystem<?> system) {
    return ClusterSharding.get(system).entityRefFor(Tally.ENTITY_KEY, "snap");
  }
}
