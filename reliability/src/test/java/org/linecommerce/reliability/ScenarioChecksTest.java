package org.linecommerce.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.TestDatabase;

/**
 * The scenarios' checks bite: planted violations — a chat answered twice, an inbox that accepted
 * an event twice, an entity written by two nodes at once — are found, and clean data is not
 * flagged. (A check that never fails would let every scenario pass.)
 */
class ScenarioChecksTest {

  @Test
  void aChatAnsweredTwiceOrNotAtAllIsFound() throws Exception {
    try (FakeLinePlatform line = new FakeLinePlatform()) {
      push(line, "Uonce");
      push(line, "Utwice");
      push(line, "Utwice");
      List<String> chats = List.of("Uonce", "Utwice", "Unever");
      assertThat(LineChecks.answeredMoreThanOnce(line, chats)).containsExactly("Utwice");
      assertThat(LineChecks.notAnswered(line, chats)).containsExactly("Unever");
    }
  }

  @Test
  void anInboxThatAcceptedTwiceAndAnEntityWrittenByTwoNodesAtOnceAreFound() throws Exception {
    try (TestDatabase db = TestDatabase.postgres()) {
      try (Connection c = db.connect(); Statement s = c.createStatement();
          InputStream schema = getClass().getResourceAsStream("/db/migration/postgres/V1__pekko_persistence.sql")) {
        s.execute(new String(schema.readAllBytes(), StandardCharsets.UTF_8));
      }
      long t = System.currentTimeMillis();
      insert(db, "ChatInbox|Uclean", 1, "node-a", t, "EventAccepted");
      insert(db, "ChatInbox|Uclean", 2, "node-a", t + 10, "EventHandled");
      insert(db, "ChatInbox|Utwice", 1, "node-a", t, "EventAccepted");
      insert(db, "ChatInbox|Utwice", 2, "node-a", t + 10, "EventAccepted");
      insert(db, "ChatInbox|Utwice", 3, "node-a", t + 20, "EventHandled");
      // one entity moved to another node long after: fine; another written by two nodes within 300 ms
      insert(db, "Conversation|Umoved", 1, "node-a", t, "TurnRecorded");
      insert(db, "Conversation|Umoved", 2, "node-b", t + 20_000, "TurnRecorded");
      insert(db, "Conversation|Usplit", 1, "node-a", t, "TurnRecorded");
      insert(db, "Conversation|Usplit", 2, "node-b", t + 300, "TurnRecorded");

      assertThat(JournalChecks.inboxJournal(db, "Uclean")).isEqualTo(Map.of("EventAccepted", 1, "EventHandled", 1));
      assertThat(JournalChecks.inboxJournal(db, "Utwice")).isEqualTo(Map.of("EventAccepted", 2, "EventHandled", 1));
      assertThat(JournalChecks.concurrentWriters(db)).containsExactly("Conversation|Usplit");
    }
  }

  private static void insert(TestDatabase db, String pid, long seq, String writer, long at, String event) throws Exception {
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
        "INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp, event_ser_id,"
            + " event_ser_manifest, event_payload) VALUES (?, ?, ?, ?, 33, ?, ?)")) {
      s.setString(1, pid);
      s.setLong(2, seq);
      s.setString(3, writer);
      s.setLong(4, at);
      s.setString(5, "org.linecommerce.gateway.api.ChatInboxEvent$" + event);
      s.setBytes(6, new byte[] {0});
      s.executeUpdate();
    }
  }

  private static void push(FakeLinePlatform line, String to) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(line.apiBaseUrl() + FakeLinePlatform.PUSH_PATH))
            .header("Authorization", "Bearer " + line.channelAccessToken())
            .header("Content-Type", "application/json")
            .header("X-Line-Retry-Key", UUID.randomUUID().toString())
            .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"" + to + "\",\"messages\":[{\"type\":\"text\",\"text\":\"hi\"}]}"))
            .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }
}
