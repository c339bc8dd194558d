package org.linecommerce.conversation.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Who answers the user: the bot, or (after the user asked for one) a human operator until handback. */
public enum ConversationMode {
  BOT,
  HANDOFF;

  @JsonValue
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ConversationMode of(String code) {
    return valueOf(code.trim().toUpperCase(Locale.ROOT));
  }
}
