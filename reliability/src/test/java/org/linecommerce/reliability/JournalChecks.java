package org.linecommerce.reliability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linecommerce.testkit.TestDatabase;

/** What the scenarios check on the journal after a run (the rows, not the replies). */
final class JournalChecks {

  private JournalChecks() {}

  /**
   * The ChatInbox journal of {@code chatId}: how many events of each kind it holds (simple class
   * name of the stored event, e.g. {@code EventAccepted}).
   */
  static Map<String, Integer> inboxJournal(TestDatabase database, String chatId) throws SQLException {
    Map<String, Integer> kinds = new HashMap<>();
    try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(
        "SELECT event_ser_manifest, count(*) FROM event_journal WHERE persistence_id = ? GROUP BY 1")) {
      s.setString(1, "ChatInbox|" + chatId);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String manifest = r.getString(1);
          kinds.put(manifest.substring(manifest.lastIndexOf('$') + 1), r.getInt(2));
        }
      }
    }
    return kinds;
  }

  /**
   * Persistence ids written by more than one writer (journal column {@code writer}, one per journal
   * instance, so one per node incarnation) within a second of each other: two nodes hosting the
   * same entity at once.
   */
  static List<String> concurrentWriters(TestDatabase database) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(
        "SELECT a.persistence_id FROM event_journal a JOIN event_journal b ON a.persistence_id = b.persistence_id"
            + " AND a.writer <> b.writer AND abs(a.write_timestamp - b.write_timestamp) < 1000 GROUP BY 1 LIMIT 20")) {
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) ids.add(r.getString(1));
      }
    }
    return ids;
  }
}
