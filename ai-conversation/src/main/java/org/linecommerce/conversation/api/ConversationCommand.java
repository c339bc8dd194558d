package org.linecommerce.conversation.api;

import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.MessageMeta;

/**
 * What the Conversation entity (one per LINE user id, sharded under {@link #ENTITY_KEY}) accepts.
 * Other modules go through {@link ConversationClient}. {@code meta} may be null (a root
 * {@link MessageMeta} is made then).
 */
public sealed interface ConversationCommand extends CborSerializable {

  /** Type key of the Conversation entity; its entity id is the LINE user id. */
  EntityTypeKey<ConversationCommand> ENTITY_KEY = EntityTypeKey.create(ConversationCommand.class, "Conversation");

  /**
   * Answers one message: replies the {@link AiAnswer} (in {@code handoff} mode an empty response:
   * the message is kept for the operator). A message id answered before replies the same answer
   * again and acts on nothing. Never an error for a missing customer, catalog or AI vendor: the
   * answer degrades instead; an error only for an invalid request.
   */
  record Generate(GenerateRequest request, MessageMeta meta, ActorRef<StatusReply<AiAnswer>> replyTo)
      implements ConversationCommand {}

  /** Replies the last {@code limit} messages, oldest first. */
  record GetHistory(int limit, ActorRef<History> replyTo) implements ConversationCommand {}

  /** Replies the conversation's mode, last messages and counters. */
  record GetView(ActorRef<ConversationView> replyTo) implements ConversationCommand {}

  /** Hands a chat in {@code handoff} mode back to the bot; replies the view (also when already with the bot). */
  record HandBack(String operator, MessageMeta meta, ActorRef<StatusReply<ConversationView>> replyTo)
      implements ConversationCommand {}

  /**
   * The customer's profile changed ({@code customer.created}/{@code customer.updated}), or was
   * erased ({@code profile} null). Idempotent by {@code sourceEventId}; replies Done once applied.
   */
  record RefreshProfile(CustomerProfile profile, String sourceEventId, MessageMeta meta, ActorRef<StatusReply<Done>> replyTo)
      implements ConversationCommand {}

  /** The customer viewed products (a {@code product_viewed} activity): context for the next turns. Idempotent by {@code sourceEventId}. */
  record NoteViewedProducts(List<String> productIds, String sourceEventId, MessageMeta meta, ActorRef<StatusReply<Done>> replyTo)
      implements ConversationCommand {}

  /**
   * Messages the entity sends itself (a finished turn, the idle timer). Not part of the protocol
   * other modules use; declared here only because a sealed interface's subtypes must live in its package.
   */
  non-sealed interface Internal extends ConversationCommand {}

  /** The last messages of a conversation, oldest first. */
  record History(String userId, List<Turn> messages) implements CborSerializable {
    public History {
      messages = messages == null ? List.of() : List.copyOf(messages);
    }
  }
}
