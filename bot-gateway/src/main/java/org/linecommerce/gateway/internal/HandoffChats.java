package org.linecommerce.gateway.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.conversation.api.ConversationEvent;
import org.linecommerce.gateway.GatewayModule;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.persistence.Database;
import org.linecommerce.runtime.subscription.EventDelivery;
import org.linecommerce.runtime.subscription.EventSubscription;
import org.linecommerce.runtime.subscription.EventTags;
import org.linecommerce.runtime.subscription.SubscriptionHandler;
import org.linecommerce.runtime.subscription.SubscriptionSettings;

/**
 * The read model of chats waiting for a person ({@code gateway_handoff_chats}), kept by the
 * subscription {@value #NAME} to conversation events: {@code HandedOff} → waiting,
 * {@code MessageHeld} → one more of its last {@value #LAST_MESSAGES} messages, {@code HandedBack} →
 * not waiting (messages cleared). Idempotent per conversation: an event whose sequence number is not
 * above the row's {@code last_sequence_nr} changes nothing.
 */
public final class HandoffChats implements SubscriptionHandler<ConversationEvent> {

  public static final String NAME = "gateway-handoff-chats";
  public static final int LAST_MESSAGES = 10;

  /** A held message as the operator sees it. */
  public record HeldMessage(String messageId, String text, Instant at) {}

  /** A chat waiting for a person. */
  public record WaitingChat(String chatId, Instant since, List<HeldMessage> lastMessages) {}

  private static final TypeReference<List<HeldMessage>> MESSAGES = new TypeReference<>() {};

  private final Database db;
  private final ObjectMapper mapper;

  public HandoffChats(Database db, ObjectMapper mapper) {
    this.db = db;
    this.mapper = mapper;
  }

  public static HandoffChats of(ActorSystem<?> system) {
    return new HandoffChats(Database.get(system), Json.mapper(system));
  }

  public static EventSubscription<ConversationEvent> start(ActorSystem<?> system) {
    return EventSubscription.start(system, NAME, EventTags.fromConfig(system, ConversationEvent.TAG_PREFIX),
        ConversationEvent.class, of(system), SubscriptionSettings.create(system).withRole(GatewayModule.ROLE));
  }

  @Override
  public CompletionStage<Done> handle(EventDelivery<ConversationEvent> delivery) {
    ConversationEvent event = delivery.event();
    if (!(event instanceof ConversationEvent.HandedOff || event instanceof ConversationEvent.MessageHeld
        || event instanceof ConversationEvent.HandedBack)) {
      return ChatBot.done();
    }
    return db.inTransaction(c -> {
      apply(c, event, delivery.sequenceNr(), delivery.timestamp() == null ? Instant.now() : delivery.timestamp());
      return Done.getInstance();
    });
  }

  /** The chats waiting for a person, longest waiting first. */
  public CompletionStage<List<WaitingChat>> waiting(int limit) {
    return db.withConnection(c -> {
      List<WaitingChat> out = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement("SELECT chat_id, since, last_messages FROM gateway_handoff_chats"
          + " WHERE waiting = TRUE ORDER BY since, chat_id LIMIT ?")) {
        q.setInt(1, limit);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            Timestamp since = rs.getTimestamp(2);
            out.add(new WaitingChat(rs.getString(1), since == null ? null : since.toInstant(), read(rs.getString(3))));
          }
        }
      }
      return out;
    });
  }

  private void apply(Connection c, ConversationEvent event, long sequenceNr, Instant at) throws SQLException {
    String chatId = event.userId();
    boolean exists = false;
    boolean waiting = false;
    Instant since = null;
    List<HeldMessage> messages = new ArrayList<>();
    long lastSeq = 0;
    try (PreparedStatement q = c.prepareStatement(
        "SELECT waiting, since, last_messages, last_sequence_nr FROM gateway_handoff_chats WHERE chat_id = ?")) {
      q.setString(1, chatId);
      try (ResultSet rs = q.executeQuery()) {
        if (rs.next()) {
          exists = true;
          waiting = rs.getBoolean(1);
          Timestamp ts = rs.getTimestamp(2);
          since = ts == null ? null : ts.toInstant();
          messages = new ArrayList<>(read(rs.getString(3)));
          lastSeq = rs.getLong(4);
        }
      }
    }
    if (exists && sequenceNr <= lastSeq) return; // seen: a replay changes nothing
    if (event instanceof ConversationEvent.HandedOff) {
      if (!waiting) since = at;
      waiting = true;
    } else if (event instanceof ConversationEvent.MessageHeld held) {
      if (!waiting) since = at;
      waiting = true; // held messages exist only in handoff mode
      messages.add(new HeldMessage(held.messageId(), held.text(), at));
      while (messages.size() > LAST_MESSAGES) messages.remove(0);
    } else if (event instanceof ConversationEvent.HandedBack) {
      waiting = false;
      since = null;
      messages.clear();
    }
    String json = write(messages);
    if (!exists) {
      try (PreparedStatement i = c.prepareStatement("INSERT INTO gateway_handoff_chats"
          + " (chat_id, waiting, since, last_messages, last_sequence_nr, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
        i.setString(1, chatId);
        i.setBoolean(2, waiting);
        i.setTimestamp(3, since == null ? null : Timestamp.from(since));
        i.setString(4, json);
        i.setLong(5, sequenceNr);
        i.setTimestamp(6, Timestamp.from(at));
        i.executeUpdate();
      }
    } else {
      try (PreparedStatement u = c.prepareStatement("UPDATE gateway_handoff_chats SET waiting = ?, since = ?,"
          + " last_messages = ?, last_sequence_nr = ?, updated_at = ? WHERE chat_id = ?")) {
        u.setBoolean(1, waiting);
        u.setTimestamp(2, since == null ? null : Timestamp.from(since));
        u.setString(3, json);
        u.setLong(4, sequenceNr);
        u.setTimestamp(5, Timestamp.from(at));
        u.setString(6, chatId);
        u.executeUpdate();
      }
    }
  }

  private List<HeldMessage> read(String json) {
    try {
      return json == null || json.isBlank() ? List.of() : mapper.readValue(json, MESSAGES);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable last_messages", e);
    }
  }

  private String write(List<HeldMessage> messages) {
    try {
      return mapper.writeValueAsString(messages);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
