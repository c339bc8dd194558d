package org.linecommerce.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Rows of pekko-persistence-jdbc 1.1's {@code event_journal} (and {@code event_tag}) written with
 * plain JDBC, the way the plugin writes one batch: every event row with the same columns as the
 * plugin (payload serialized by the node's Pekko serialization, i.e. Jackson CBOR for
 * {@code CborSerializable}), the generated {@code ordering} read back, then one tag row per tag,
 * all in one transaction. Used by {@link JournalBenchmark} as the raw baseline and by
 * {@link RecoveryBenchmark} to lay down long journals quickly.
 */
final class JournalRows {

  /** One journal row: what the plugin stores for one persisted event. */
  record Row(String persistenceId, long sequenceNr, String writer, long timestamp, int serializerId, String manifest,
      byte[] payload, Set<String> tags) {}

  /** Serialized form of an event: serializer id, manifest, bytes. */
  record Payload(int serializerId, String manifest, byte[] bytes) {}

  private static final String INSERT_EVENT = "INSERT INTO event_journal (persistence_id, sequence_number, deleted, writer,"
      + " write_timestamp, adapter_manifest, event_ser_id, event_ser_manifest, event_payload, meta_ser_id,"
      + " meta_ser_manifest, meta_payload) VALUES (?, ?, FALSE, ?, ?, '', ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_TAG = "INSERT INTO event_tag (event_id, tag) VALUES (?, ?)";

  private JournalRows() {}

  static Payload serialize(ActorSystem<?> system, Object event) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
    Serializer serializer = serialization.findSerializerFor(event);
    return new Payload(serializer.identifier(), Serializers.manifestFor(serializer, event), serializer.toBinary(event));
  }

  static Row row(String persistenceId, long sequenceNr, String writer, Payload payload, Set<String> tags) {
    return new Row(persistenceId, sequenceNr, writer, System.currentTimeMillis(), payload.serializerId(),
        payload.manifest(), payload.bytes(), tags);
  }

  /** Inserts {@code rows} (and their tags) in one transaction on {@code c}, as one JDBC batch per table. */
  static void insert(Connection c, List<Row> rows) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      long[] orderings = new long[rows.size()];
      boolean tagged = false;
      try (PreparedStatement events = c.prepareStatement(INSERT_EVENT, new String[] {"ordering"})) {
        for (Row r : rows) {
          events.setString(1, r.persistenceId());
          events.setLong(2, r.sequenceNr());
          events.setString(3, r.writer());
          events.setLong(4, r.timestamp());
          events.setInt(5, r.serializerId());
          events.setString(6, r.manifest());
          events.setBytes(7, r.payload());
          events.setNull(8, Types.INTEGER);
          events.setNull(9, Types.VARCHAR);
          events.setNull(10, Types.BINARY);
          events.addBatch();
          tagged |= !r.tags().isEmpty();
        }
        events.executeBatch();
        if (tagged) {
          try (ResultSet keys = events.getGeneratedKeys()) {
            int i = 0;
            while (keys.next() && i < orderings.length) orderings[i++] = keys.getLong(1);
            if (i != orderings.length) throw new SQLException("expected " + orderings.length + " generated keys, got " + i);
          }
        }
      }
      if (tagged) {
        try (PreparedStatement tags = c.prepareStatement(INSERT_TAG)) {
          for (int i = 0; i < rows.size(); i++) {
            for (String tag : rows.get(i).tags()) {
              tags.setLong(1, orderings[i]);
              tags.setString(2, tag);
              tags.addBatch();
            }
          }
          tags.executeBatch();
        }
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }
}
