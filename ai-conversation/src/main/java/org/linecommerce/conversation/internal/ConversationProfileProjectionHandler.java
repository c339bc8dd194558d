package org.linecommerce.conversation.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.linecommerce.conversation.api.ConversationClient;
import org.linecommerce.customer.api.Activity;
import org.linecommerce.customer.api.CustomerEvent;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.subscription.EventDelivery;
import org.linecommerce.runtime.subscription.SubscriptionHandler;

/**
 * Keeps each conversation's picture of its customer current from the customer's events:
 *
 * <ul>
 *   <li>{@code customer.created} / {@code customer.updated} → {@code RefreshProfile(profile)} (the
 *       profile snapshot and the customer's language);
 *   <li>{@code customer.erased} → {@code RefreshProfile(null)}: the conversation forgets the profile;
 *   <li>{@code customer.activity} of type {@code product_viewed} → {@code NoteViewedProducts} with
 *       the ids in {@code data.productId} / {@code data.productIds} (none: nothing to do);
 *   <li>every other event is ignored.
 * </ul>
 *
 * Idempotent: each command carries the event's key ({@code persistenceId#sequenceNr}) as its
 * {@code sourceEventId}, which the Conversation entity applies once. Any failed ask, a refusal
 * included, fails the delivery, so the subscription retries it with backoff and then
 * dead-letters it for an operator ({@code /admin/dead-letters}).
 */
public final class ConversationProfileProjectionHandler implements SubscriptionHandler<CustomerEvent> {

  static final String SOURCE = "conversation-profile";
  /** Most product ids taken from one activity. */
  static final int MAX_VIEWED_PRODUCTS = 20;
  private static final int MAX_PRODUCT_ID_LENGTH = 100;

  private final ConversationClient conversations;
  private final ObjectMapper mapper;

  public ConversationProfileProjectionHandler(ConversationClient conversations, ObjectMapper mapper) {
    this.conversations = conversations;
    this.mapper = mapper;
  }

  /** What one customer event asks of the user's conversation. */
  public sealed interface Reaction {
    /** Refresh the profile snapshot; {@code profile} null = the customer was erased. */
    record RefreshProfile(String userId, CustomerProfile profile) implements Reaction {}

    /** Note products the customer viewed. */
    record NoteViewedProducts(String userId, List<String> productIds) implements Reaction {}
  }

  /** The reaction to {@code event}, or empty when the conversation has nothing to do with it. */
  public static Optional<Reaction> reactionTo(CustomerEvent event, ObjectMapper mapper) {
    if (event instanceof CustomerEvent.CustomerRegistered e) {
      return Optional.of(new Reaction.RefreshProfile(e.userId(), e.profile()));
    }
    if (event instanceof CustomerEvent.ProfileUpdated e) {
      return Optional.of(new Reaction.RefreshProfile(e.userId(), e.profile()));
    }
    if (event instanceof CustomerEvent.CustomerErased e) {
      return Optional.of(new Reaction.RefreshProfile(e.userId(), null));
    }
    if (event instanceof CustomerEvent.ActivityRecorded e && Activity.PRODUCT_VIEWED.equals(e.activityType())) {
      List<String> ids = viewedProductIds(e.data(), mapper);
      return ids.isEmpty() ? Optional.empty() : Optional.of(new Reaction.NoteViewedProducts(e.userId(), ids));
    }
    return Optional.empty();
  }

  /**
   * The product ids of a {@code product_viewed} activity's data: {@code productId} (a string)
   * first, then {@code productIds} (an array of strings), distinct, at most
   * {@value #MAX_VIEWED_PRODUCTS}; blank, overlong and non-string items are skipped, and data that
   * is not a JSON object gives none.
   */
  static List<String> viewedProductIds(String data, ObjectMapper mapper) {
    if (data == null || data.isBlank()) return List.of();
    JsonNode node;
    try {
      node = mapper.readTree(data);
    } catch (Exception e) {
      return List.of();
    }
    if (node == null || !node.isObject()) return List.of();
    Set<String> ids = new LinkedHashSet<>();
    add(ids, node.get("productId"));
    JsonNode many = node.get("productIds");
    if (many != null && many.isArray()) many.forEach(item -> add(ids, item));
    return new ArrayList<>(ids).subList(0, Math.min(ids.size(), MAX_VIEWED_PRODUCTS));
  }

  private static void add(Set<String> ids, JsonNode item) {
    if (item == null || !item.isTextual()) return;
    String id = item.textValue().strip();
    if (!id.isEmpty() && id.length() <= MAX_PRODUCT_ID_LENGTH) ids.add(id);
  }

  @Override
  public CompletionStage<Done> handle(EventDelivery<CustomerEvent> delivery) {
    CustomerEvent event = delivery.event();
    Optional<Reaction> reaction = reactionTo(event, mapper);
    if (reaction.isEmpty()) return CompletableFuture.completedFuture(Done.getInstance());
    String key = delivery.eventKey();
    MessageMeta meta = event.meta() != null ? event.meta().causes(SOURCE) : MessageMeta.root(SOURCE, null);
    CompletionStage<AskResult<Done>> ask;
    String what;
    if (reaction.get() instanceof Reaction.RefreshProfile r) {
      ask = conversations.refreshProfile(r.userId(), r.profile(), key, meta);
      what = r.profile() == null ? "profile erasure" : "profile refresh";
    } else {
      Reaction.NoteViewedProducts n = (Reaction.NoteViewedProducts) reaction.get();
      ask = conversations.noteViewedProducts(n.userId(), n.productIds(), key, meta);
      what = "viewed products";
    }
    return ask.thenCompose(result -> {
      if (result instanceof AskResult.Failed<Done> f) {
        return CompletableFuture.failedFuture(new IllegalStateException(what + " of " + event.eventType() + " " + key
            + " not applied to the conversation of " + event.userId() + ": " + f.failure() + " " + f.detail()));
      }
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }
}
