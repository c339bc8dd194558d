package org.linecommerce.conversation.api;

import java.time.Instant;
import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * A conversation as its entity holds it.
 *
 * @param lastMessages the last messages kept in memory, oldest first
 * @param messageCount messages since the conversation (re)started; 0 after it completed
 * @param lastActivityAt when the last message arrived; null for a conversation never started
 */
public record ConversationView(
    String userId, ConversationMode mode, List<Turn> lastMessages, int messageCount, Instant lastActivityAt)
    implements CborSerializable {

  public ConversationView {
    lastMessages = lastMessages == null ? List.of() : List.copyOf(lastMessages);
  }
}
