package org.linecommerce.gateway.internal;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.linecommerce.conversation.api.ConversationClient;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.CustomerView;
import org.linecommerce.gateway.api.LineEvent;
import org.linecommerce.gateway.api.OutboundRequest;
import org.linecommerce.gateway.line.LineMessages;
import org.linecommerce.gateway.line.LineMessaging;
import org.linecommerce.gateway.line.LineProfile;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Onboarding on follow: fetch the LINE profile → register (or reactivate: unblock) the customer →
 * initialise the conversation with the profile → welcome in the customer's language
 * ({@code welcome-<eventId>}).
 *
 * <p>On a node the {@link OnboardingSaga} runs these steps durably; this in-stage sequence is what
 * a {@link ChatBot} without a registered saga does (and holds the language helpers both use). Each
 * step is idempotent (register answers UNCHANGED when
 * registered, unblock likewise, refreshProfile dedupes by the event id, the welcome by its
 * outbound id), so the inbox's retry of the follow event re-runs the steps safely, and nothing
 * needs compensating: registration is the only essential step and a failure there fails the stage
 * before anything else happened. The profile lookup degrades to no name; the conversation's
 * initialisation degrades too (it also learns the profile from the customer-event subscription).
 */
final class Onboarding {

  private static final Logger log = LoggerFactory.getLogger(Onboarding.class);
  private static final Set<String> LANGUAGES = Set.of("en", "ja", "th");

  private final ConversationClient conversations;
  private final CustomerClient customers;
  private final LineMessaging line;
  private final LineMessages messages;
  private final ChatBot.Outbound outbound;

  Onboarding(ConversationClient conversations, CustomerClient customers, LineMessaging line, LineMessages messages,
      ChatBot.Outbound outbound) {
    this.conversations = conversations;
    this.customers = customers;
    this.line = line;
    this.messages = messages;
    this.outbound = outbound;
  }

  static String welcomeId(String eventId) {
    return "welcome-" + eventId;
  }

  CompletionStage<Done> start(LineEvent event, MessageMeta meta) {
    String userId = event.source().userId();
    return line.profile(userId, meta)
        .thenApply(p -> p.orElse(ChatBot.noProfile(userId)))
        .exceptionally(e -> {
          log.warn("onboarding {}: LINE profile unavailable, welcoming without a name ({})", userId, e.toString());
          return ChatBot.noProfile(userId);
        })
        .thenCompose(profile -> customers.register(userId, profile.displayName(), language(profile.language()),
                profile.pictureUrl(), profile.statusMessage(), meta)
            .thenCompose(r -> ChatBot.okOrFail(r, "register"))
            .thenCompose(registered -> customers.unblock(userId, meta))
            .thenCompose(r -> ChatBot.okOrFail(r, "unblock"))
            .thenCompose(unblocked -> customers.get(userId))
            .thenCompose(view -> {
              Optional<CustomerView> customer = view instanceof AskResult.Ok<CustomerView> ok
                  ? Optional.of(ok.value()) : Optional.empty();
              CompletionStage<Done> initialised = customer.isEmpty() ? ChatBot.done()
                  : conversations.refreshProfile(userId, customer.get().profile(), event.eventId(), meta)
                      .thenApply(r -> {
                        if (!r.isOk()) log.warn("onboarding {}: conversation not initialised: {}", userId, r);
                        return Done.getInstance();
                      })
                      .exceptionally(e -> Done.getInstance());
              String language = profileLanguage(profile, customer.orElse(null));
              return initialised.thenCompose(ignored -> outbound.send(new OutboundRequest(welcomeId(event.eventId()),
                  userId, messages.welcome(language, profile.displayName()), event.replyToken(),
                  event.timestamp() > 0 ? java.time.Instant.ofEpochMilli(event.timestamp()) : null, meta)));
            }));
  }

  /** The LINE profile's language when the shop speaks it, else the customer's, else en. */
  static String profileLanguage(LineProfile profile, CustomerView customer) {
    if (profile != null && profile.language() != null && LANGUAGES.contains(language(profile.language()))) {
      return language(profile.language());
    }
    return ChatBot.languageOf(customer);
  }

  /** LINE sends tags like {@code ja} or {@code zh-Hant}: the primary subtag. */
  static String language(String tag) {
    if (tag == null || tag.isBlank()) return null;
    return tag.split("[-_]")[0].toLowerCase();
  }
}
