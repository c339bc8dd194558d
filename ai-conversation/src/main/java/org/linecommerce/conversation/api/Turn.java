package org.linecommerce.conversation.api;

import java.time.Instant;
import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * One message of a conversation.
 *
 * @param role {@code user}, {@code bot} or {@code operator}
 * @param intent the intent of a user message (and of the bot's answer to it); null for operator messages
 * @param provider which provider wrote a bot message ({@code local}, {@code openai}, {@code fallback}); null otherwise
 * @param productIds products the bot showed in this message (ids)
 */
public record Turn(
    String role, String text, Intent intent, String language, String provider, List<String> productIds, Instant timestamp)
    implements CborSerializable {

  public static final String USER = "user";
  public static final String BOT = "bot";
  public static final String OPERATOR = "operator";

  public Turn {
    productIds = productIds == null ? List.of() : List.copyOf(productIds);
  }
}
