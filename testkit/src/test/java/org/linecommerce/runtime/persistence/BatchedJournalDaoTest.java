package org.linecommerce.runtime.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.linecommerce.testkit.NodeTestKit;
import org.linecommerce.testkit.Tally;
import org.linecommerce.testkit.TestDatabase;

/**
 * The journal writes tagged events of many entities in JDBC batches ({@link BatchedJournalDao},
 * configured in {@code linecommerce-pekko.conf}) and every event keeps its own tag: each
 * {@code event_tag} row points at the {@code ordering} of the event it belongs to, every event has
 * its entity's tag, and {@code eventsByTag} and recovery see every event.
 */
class BatchedJournalDaoTest {

  /** {@code Tally}'s tags (its entity id's hash picks one). */
  private static final List<String> TALLY_TAGS = List.of("tally-0", "tally-1", "tally-2");
  private static final int ENTITIES = 40;
  private static final int EVENTS_EACH = 5;

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void concurrentTaggedWritesKeepEachEventsTagOnH2AndPostgres(TestDatabase.Kind kind) throws Exception {
    try (NodeTestKit kit = NodeTestKit.on(kind).start("BatchedJournalDao" + kind)) {
      assertThat(kit.system().settings().config().getString("jdbc-journal.dao"))
          .isEqualTo(BatchedJournalDao.class.getName());
      assertThat(DefaultJournalDao.class).isAssignableFrom(BatchedJournalDao.class);
      Tally.init(kit.system());
      ClusterSharding sharding = ClusterSharding.get(kit.system());
      // every entity's commands at once: the journal's write queue groups events of many entities
      for (int round = 0; round < EVENTS_EACH; round++) {
        List<CompletableFuture<Integer>> writes = new ArrayList<>();
        for (int e = 0; e < ENTITIES; e++) {
          writes.add(sharding.entityRefFor(Tally.ENTITY_KEY, "batch-" + e)
              .<Integer>askWithStatus(r -> new Tally.Add(1, r), Duration.ofSeconds(20)).toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      }

      Map<String, String> expectedTag = new HashMap<>();
      for (int e = 0; e < ENTITIES; e++) {
        String id = "batch-" + e;
        expectedTag.put("Tally|" + id, TALLY_TAGS.get(Math.abs(id.hashCode() % TALLY_TAGS.size())));
      }
      try (Connection c = kit.database().connect(); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT j.persistence_id, j.sequence_number, t.tag FROM event_journal j"
            + " LEFT JOIN event_tag t ON t.event_id = j.ordering WHERE j.persistence_id LIKE 'Tally|batch-%'")) {
          int rows = 0;
          while (rs.next()) {
            rows++;
            assertThat(rs.getString(3)).as("tag of %s #%d", rs.getString(1), rs.getLong(2))
                .isEqualTo(expectedTag.get(rs.getString(1)));
          }
          assertThat(rows).as("events, each with one tag").isEqualTo(ENTITIES * EVENTS_EACH);
        }
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM event_tag t LEFT JOIN event_journal j"
            + " ON j.ordering = t.event_id WHERE j.ordering IS NULL")) {
          rs.next();
          assertThat(rs.getInt(1)).as("tag rows without their event").isZero();
        }
      }

      JdbcReadJournal reads = PersistenceQuery.get(kit.system())
          .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      int byTag = 0;
      for (String tag : TALLY_TAGS) {
        byTag += reads.currentEventsByTag(tag, Offset.noOffset())
            .filter(env -> env.persistenceId().startsWith("Tally|batch-"))
            .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS).size();
      }
      assertThat(byTag).as("events read by tag").isEqualTo(ENTITIES * EVENTS_EACH);
    }
  }

  /**
   * A write the database refuses (here: sequence number 1 of {@code Tally|taken} already stored by
   * another writer, as when a restarted shard store races its old self) fails alone: the other
   * entities' writes queued in the same batch are stored and acknowledged.
   */
  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aWriteTheDatabaseRefusesFailsAloneAndNotTheOthersInItsBatch(TestDatabase.Kind kind) throws Exception {
    try (NodeTestKit kit = NodeTestKit.on(kind).start("BatchedJournalDaoRefused" + kind)) {
      Tally.init(kit.system());
      ClusterSharding sharding = ClusterSharding.get(kit.system());
      // the entity recovers (nothing stored yet), then another writer takes its sequence number 1
      sharding.entityRefFor(Tally.ENTITY_KEY, "taken").<Tally.Snapshot>ask(Tally.Get::new, Duration.ofSeconds(20))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      try (Connection c = kit.database().connect(); java.sql.PreparedStatement s = c.prepareStatement(
          "INSERT INTO event_journal (persistence_id, sequence_number, deleted, writer, write_timestamp, adapter_manifest,"
              + " event_ser_id, event_ser_manifest, event_payload) VALUES ('Tally|taken', 1, false, 'another-node', 0, '', 1, '', ?)")) {
        s.setBytes(1, new byte[] {0});
        s.executeUpdate();
      }
      // every entity recovered first, so that their writes reach the journal's queue together
      for (int e = 0; e < ENTITIES; e++) {
        sharding.entityRefFor(Tally.ENTITY_KEY, "neighbour-" + e).<Tally.Snapshot>ask(Tally.Get::new, Duration.ofSeconds(20))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      List<CompletableFuture<Integer>> others = new ArrayList<>();
      CompletableFuture<Integer> taken = null;
      for (int e = 0; e < ENTITIES; e++) {
        if (e == ENTITIES / 2) {
          taken = sharding.entityRefFor(Tally.ENTITY_KEY, "taken")
              .<Integer>askWithStatus(r -> new Tally.Add(1, r), Duration.ofSeconds(3)).toCompletableFuture();
        }
        others.add(sharding.entityRefFor(Tally.ENTITY_KEY, "neighbour-" + e)
            .<Integer>askWithStatus(r -> new Tally.Add(1, r), Duration.ofSeconds(20)).toCompletableFuture());
      }
      CompletableFuture<Integer> refused = taken;
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> refused.get(30, TimeUnit.SECONDS)))
          .as("the write whose sequence number was taken").isNotNull();
      int acknowledged = 0;
      for (CompletableFuture<Integer> w : others) {
        try {
          w.get(30, TimeUnit.SECONDS);
          acknowledged++;
        } catch (Exception failed) {
          // counted below
        }
      }
      assertThat(acknowledged).as("writes of the other entities acknowledged").isEqualTo(ENTITIES);
      try (Connection c = kit.database().connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM event_journal WHERE persistence_id LIKE 'Tally|neighbour-%'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("their events stored").isEqualTo(ENTITIES);
      }
    }
  }
}
