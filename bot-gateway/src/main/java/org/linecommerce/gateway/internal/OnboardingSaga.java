package org.linecommerce.gateway.internal;

import java.time.Duration;
import java.time.Instant;
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
import org.linecommerce.runtime.saga.RetryPolicy;
import org.linecommerce.runtime.saga.SagaDefinition;
import org.linecommerce.runtime.saga.SagaStep;
import org.linecommerce.runtime.saga.Sagas;
import org.linecommerce.runtime.saga.StepContext;

/**
 * Onboarding of a new (or returning) follower as a durable runtime saga, id
 * {@code onboarding-<follow event id>} (a redelivered follow starts it once; its timeline is at
 * {@code GET /admin/sagas/{sagaId}}):
 * <ol>
 *   <li>{@value #PROFILE}: the LINE profile; after {@value #PROFILE_ATTEMPTS} failed attempts it
 *       degrades to no name (the welcome matters more than the name);
 *   <li>{@value #REGISTER}: register the customer (UNCHANGED when known) and unblock (a returning
 *       follower); compensated by blocking again, so a customer whose onboarding failed is not
 *       messaged by campaigns;
 *   <li>{@value #CONVERSATION}: the conversation learns the profile (essential; retried, then the
 *       saga fails and compensates the registration);
 *   <li>{@value #WELCOME}: the welcome in the profile's language (else the customer's, else en) through
 *       the dispatcher as {@code welcome-<eventId>}: retried for long, never compensated.
 * </ol>
 */
public final class OnboardingSaga {

  public static final String NAME = "onboarding";
  public static final String PROFILE = "fetch-line-profile";
  public static final String REGISTER = "register-customer";
  public static final String CONVERSATION = "initialize-conversation";
  public static final String WELCOME = "send-welcome";
  static final int PROFILE_ATTEMPTS = 3;

  private static final RetryPolicy TRANSIENT = RetryPolicy.exponential(PROFILE_ATTEMPTS, Duration.ofMillis(200), Duration.ofSeconds(2));
  private static final RetryPolicy ESSENTIAL = RetryPolicy.exponential(8, Duration.ofMillis(200), Duration.ofSeconds(5));
  private static final RetryPolicy PERSISTENT = RetryPolicy.exponential(40, Duration.ofMillis(500), Duration.ofSeconds(30));

  /** What the saga needs from the follow event. */
  public record Follow(String userId, String eventId, String replyToken, long eventTimeMs) {}

  private OnboardingSaga() {}

  public static String sagaId(String eventId) {
    return "onboarding-" + eventId;
  }

  public static SagaDefinition<Follow> definition(ConversationClient conversations, CustomerClient customers,
      LineMessaging line, LineMessages messages, ChatBot.Outbound outbound) {
    return SagaDefinition.builder(NAME, Follow.class)
        .step(SagaStep.<Follow>action(PROFILE, ctx -> profile(line, ctx)).withRetry(TRANSIENT))
        .step(SagaStep.<Follow>action(REGISTER, ctx -> {
              LineProfile p = profileOf(ctx);
              String userId = ctx.input().userId();
              return customers.register(userId, p.displayName(), Onboarding.language(p.language()), p.pictureUrl(),
                      p.statusMessage(), ctx.meta())
                  .thenCompose(r -> ChatBot.okOrFail(r, "register"))
                  .thenCompose(registered -> customers.unblock(userId, ctx.meta()))
                  .thenCompose(r -> ChatBot.okOrFail(r, "unblock"))
                  .thenApply(done -> "registered"); // a step's result is stored as JSON (Done is not)
            })
            .withRetry(ESSENTIAL)
            .compensatedBy(ctx -> customers.block(ctx.input().userId(), ctx.meta())
                .thenCompose(r -> ChatBot.okOrFail(r, "block")).thenApply(done -> "blocked")))
        .step(SagaStep.<Follow>action(CONVERSATION, ctx -> customers.get(ctx.input().userId())
                .thenCompose(view -> {
                  if (!(view instanceof AskResult.Ok<CustomerView> ok)) {
                    return CompletableFuture.failedFuture(new IllegalStateException("customer: " + view));
                  }
                  return conversations.refreshProfile(ctx.input().userId(), ok.value().profile(),
                          ctx.input().eventId(), ctx.meta())
                      .thenCompose(r -> ChatBot.okOrFail(r, "refreshProfile"))
                      .thenApply(done -> ChatBot.languageOf(ok.value()));
                }))
            .withRetry(ESSENTIAL))
        .step(SagaStep.<Follow>action(WELCOME, ctx -> {
              LineProfile p = profileOf(ctx);
              String customerLanguage = ctx.result(CONVERSATION, String.class).orElse(ChatBot.DEFAULT_LANGUAGE);
              String language = p.language() != null && Onboarding.profileLanguage(p, null).equals(Onboarding.language(p.language()))
                  ? Onboarding.language(p.language()) : customerLanguage;
              Follow f = ctx.input();
              return outbound.send(new OutboundRequest(Onboarding.welcomeId(f.eventId()), f.userId(),
                  messages.welcome(language, p.displayName()), f.replyToken(),
                  f.eventTimeMs() > 0 ? Instant.ofEpochMilli(f.eventTimeMs()) : null, ctx.meta()))
                  .thenApply(done -> "handed to the dispatcher");
            })
            .withRetry(PERSISTENT))
        .build();
  }

  /** Starts the onboarding of {@code event}'s user (idempotent per event); completes once it is recorded. */
  static CompletionStage<Done> start(Sagas sagas, SagaDefinition<Follow> definition, LineEvent event, MessageMeta meta) {
    var follow = new Follow(event.source().userId(), event.eventId(), event.replyToken(), event.timestamp());
    return sagas.start(sagaId(event.eventId()), definition, follow, meta).thenApply(summary -> Done.getInstance());
  }

  private static CompletionStage<LineProfile> profile(LineMessaging line, StepContext<Follow> ctx) {
    String userId = ctx.input().userId();
    return line.profile(userId, ctx.meta())
        .thenApply(p -> p.orElse(ChatBot.noProfile(userId)))
        .exceptionallyCompose(e -> ctx.attempt() >= PROFILE_ATTEMPTS
            ? CompletableFuture.completedFuture(ChatBot.noProfile(userId)) // LINE is down: welcome without a name
            : CompletableFuture.failedFuture(e));
  }

  private static LineProfile profileOf(StepContext<Follow> ctx) {
    return ctx.result(PROFILE, LineProfile.class).orElse(ChatBot.noProfile(ctx.input().userId()));
  }
}
