package org.linecommerce.gateway.api;

import org.linecommerce.runtime.DomainEvent;
import org.linecommerce.runtime.MessageMeta;

/** Events of a ChatInbox, tagged {@code chat-inbox-0..N-1} for subscribers. */
public sealed interface ChatInboxEvent extends DomainEvent {

  String chatId();

  /**
   * A webhook event was accepted for the chat ({@code line.event.accepted}); recorded before the
   * webhook answers 200. {@code acceptedAt} is epoch milliseconds of the recording.
   */
  record EventAccepted(String chatId, LineEvent event, long acceptedAt, MessageMeta meta) implements ChatInboxEvent {
    public String eventType() { return "line.event.accepted"; }
  }

  /**
   * The gateway reacted to an accepted event ({@code line.event.handled}); {@code failure} is null
   * when the reaction completed, else why it was given up after its retries.
   */
  record EventHandled(String chatId, String eventId, String failure, MessageMeta meta) implements ChatInboxEvent {
    public String eventType() { return "line.event.handled"; }

    public boolean failed() {
      return failure != null;
    }
  }
}
