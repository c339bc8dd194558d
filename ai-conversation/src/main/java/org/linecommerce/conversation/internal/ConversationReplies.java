package org.linecommerce.conversation.internal;

import java.util.List;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationMode;
import org.linecommerce.conversation.api.Intent;

/** Answers the entity gives without a turn: the bot's silence while a human has the chat. */
final class ConversationReplies {

  private ConversationReplies() {}

  /** The answer to a message held for the operator: no text, mode {@code handoff}. */
  static AiAnswer quiet(Intent intent, String language) {
    return new AiAnswer("", "none", 1.0, intent, language, List.of(), List.of(), null, ConversationMode.HANDOFF, 0);
  }
}
