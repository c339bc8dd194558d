package org.linecommerce.conversation.api;

import java.time.Instant;
import java.util.List;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.runtime.DomainEvent;
import org.linecommerce.runtime.MessageMeta;

/**
 * Events of a Conversation entity, tagged {@code conversation-0..N-1} for subscribers. The
 * journal keeps the whole history; the entity's state keeps a bounded window.
 */
public sealed interface ConversationEvent extends DomainEvent {

  /** Events are tagged {@code conversation-0..N-1} for subscribers (such as the gateway's handoff list). */
  String TAG_PREFIX = "conversation";

  String userId();

  /** The bot answered a message ({@code ai.response.generated}). */
  record ResponseGenerated(String userId, String messageId, String userText, AiAnswer answer, Focus focus, MessageMeta meta)
      implements ConversationEvent {
    public String eventType() { return "ai.response.generated"; }
  }

  /** A message arrived while the chat is with a human ({@code conversation.message.held}): the bot did not answer. */
  record MessageHeld(String userId, String messageId, String text, Intent intent, String language, MessageMeta meta)
      implements ConversationEvent {
    public String eventType() { return "conversation.message.held"; }
  }

  /** A provider of the chain failed on a message and the next one was asked ({@code ai.provider.failure}). */
  record ProviderFailed(String userId, String messageId, String provider, String reason, long elapsedMs, MessageMeta meta)
      implements ConversationEvent {
    public String eventType() { return "ai.provider.failure"; }
  }

  /** The user asked for a human: the bot stays quiet until handback ({@code conversation.handed_off}). */
  record HandedOff(String userId, String messageId, String reason, MessageMeta meta) implements ConversationEvent {
    public String eventType() { return "conversation.handed_off"; }
  }

  /** An operator returned the chat to the bot ({@code conversation.handed_back}). */
  record HandedBack(String userId, String operator, MessageMeta meta) implements ConversationEvent {
    public String eventType() { return "conversation.handed_back"; }
  }

  /** The customer's profile as the customer domain last told it; null once erased ({@code conversation.profile_refreshed}). */
  record ProfileRefreshed(String userId, CustomerProfile profile, String sourceEventId, MessageMeta meta)
      implements ConversationEvent {
    public String eventType() { return "conversation.profile_refreshed"; }
  }

  /** Products the customer viewed elsewhere, kept as context ({@code conversation.products_viewed}). */
  record ProductsViewed(String userId, List<String> productIds, String sourceEventId, MessageMeta meta)
      implements ConversationEvent {
    public ProductsViewed {
      productIds = productIds == null ? List.of() : List.copyOf(productIds);
    }

    public String eventType() { return "conversation.products_viewed"; }
  }

  /**
   * The conversation went idle ({@code conversation.completed}): how many messages it had, how
   * long it lasted, and how it ended ({@code ordered}, {@code handed_off}, {@code answered},
   * {@code unresolved}).
   */
  record ConversationCompleted(String userId, int messageCount, Instant startedAt, Instant endedAt, long durationMs,
      String resolution, MessageMeta meta) implements ConversationEvent {
    public String eventType() { return "conversation.completed"; }
  }
}
