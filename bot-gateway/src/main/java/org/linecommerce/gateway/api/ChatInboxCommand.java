package org.linecommerce.gateway.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.MessageMeta;

/**
 * What a ChatInbox (one per chat: {@link ChatSource#chatId()}, sharded under {@link #ENTITY_KEY})
 * accepts. The webhook goes through {@link InboxClient}.
 */
public sealed interface ChatInboxCommand extends CborSerializable {

  /** Type key of the ChatInbox entity; its entity id is the chat id. */
  EntityTypeKey<ChatInboxCommand> ENTITY_KEY = EntityTypeKey.create(ChatInboxCommand.class, "ChatInbox");

  /**
   * Records the chat's webhook events: every event not seen before is persisted, and only then the
   * reply {@link Accepted} goes out; a duplicate (same event id within the dedupe window) is
   * acknowledged without being recorded again. No reply when the journal cannot persist (the
   * caller's ask times out, and LINE must redeliver).
   */
  record Accept(List<LineEvent> events, MessageMeta meta, ActorRef<StatusReply<Accepted>> replyTo)
      implements ChatInboxCommand {
    public Accept {
      events = List.copyOf(events);
    }
  }

  /** Replies the inbox's {@link Status}. */
  record GetStatus(ActorRef<Status> replyTo) implements ChatInboxCommand {}

  /**
   * Messages the entity sends itself (a finished reaction, timers). Not part of the protocol other
   * modules use; declared here only because a sealed interface's subtypes must live in its package.
   */
  non-sealed interface Internal extends ChatInboxCommand {}

  /**
   * The answer to {@link Accept}: how many events were new (now persisted) and how many were
   * duplicates, and the duplicates' webhook event ids (for the per-type webhook metrics; empty when
   * an older node answered, which did not send them).
   */
  record Accepted(int recorded, int duplicates, List<String> duplicateEventIds) implements CborSerializable {
    @JsonCreator
    public Accepted {
      duplicateEventIds = duplicateEventIds == null ? List.of() : List.copyOf(duplicateEventIds);
    }

    public Accepted(int recorded, int duplicates) {
      this(recorded, duplicates, List.of());
    }
  }

  /** What the inbox holds: events accepted but not handled yet (in handling order), and counters. */
  record Status(String chatId, List<String> pendingEventIds, long accepted, long handled, long failed)
      implements CborSerializable {
    public Status {
      pendingEventIds = List.copyOf(pendingEventIds);
    }
  }
}
