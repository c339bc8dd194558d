package org.linecommerce.customer.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.linecommerce.catalog.api.RecommendationSignals;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskPolicy;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.ResilientAsk;

/**
 * How other modules talk to customers: one ask to the customer's entity through the runtime's
 * {@link ResilientAsk} (timeout, circuit breaker for the {@code Customer} type, retries). Every call
 * completes with an {@link AskResult}, never exceptionally: {@code Ok(reply)}, or
 * {@code Failed(REJECTED, message)} when the customer refused (invalid values, unknown or erased
 * customer; nothing was changed), or {@code TIMEOUT}/{@code UNAVAILABLE}/{@code ERROR}.
 *
 * <p>Reads and idempotent writes (register, profile update, block, unblock, erase) are retried
 * with backoff; {@link #recordActivity} is asked once (a retry could record it twice). The node
 * must have started the Customer sharding (the customer module's init does, as a proxy where the
 * {@code customer} role is absent).
 */
public final class CustomerClient {

  private static final String SOURCE = "customer-client";

  private final ClusterSharding sharding;
  private final ResilientAsk asks;
  private final AskPolicy reads;
  private final AskPolicy idempotent;
  private final AskPolicy once;

  public CustomerClient(ActorSystem<?> system) {
    this.sharding = ClusterSharding.get(system);
    this.asks = ResilientAsk.get(system);
    this.reads = asks.queryPolicy();
    this.idempotent = asks.commandPolicy().retried(asks.queryPolicy().retries());
    this.once = asks.commandPolicy();
  }

  /** The customer; status UNKNOWN for an id never registered, ERASED after erasure. */
  public CompletionStage<AskResult<CustomerView>> get(String userId) {
    if (blank(userId)) return rejected("userId is required");
    return asks.ask(ref(userId), CustomerCommand.Get::new, reads);
  }

  /**
   * The customer, or the seeds' default profile ("Customer", language en, empty lists, status
   * UNKNOWN) when the id is unknown or erased. Failures to answer stay failures.
   */
  public CompletionStage<AskResult<CustomerView>> getOrDefault(String userId) {
    return get(userId).thenApply(r -> r.map(v -> v.exists() ? v : CustomerView.defaultFor(userId)));
  }

  /** Registers from the LINE profile (follow); UNCHANGED when already registered. */
  public CompletionStage<AskResult<UpdateResult>> register(
      String userId, String displayName, String language, String pictureUrl, String statusMessage, MessageMeta meta) {
    if (blank(userId)) return rejected("userId is required");
    return asks.askWithStatus(ref(userId),
        r -> new CustomerCommand.Register(displayName, language, pictureUrl, statusMessage, meta(meta), r), idempotent);
  }

  /** Creates or updates the profile; UNCHANGED (nothing persisted) for the same values again. */
  public CompletionStage<AskResult<UpdateResult>> updateProfile(String userId, ProfileUpdate update, MessageMeta meta) {
    if (blank(userId)) return rejected("userId is required");
    return asks.askWithStatus(ref(userId), r -> new CustomerCommand.UpdateProfile(update, meta(meta), r), idempotent);
  }

  /**
   * Records an activity ({@code data}: a JSON object as text, null = {}; {@code timestamp} null =
   * now); registers an unknown customer with the default profile first (outcome CREATED).
   */
  public CompletionStage<AskResult<UpdateResult>> recordActivity(
      String userId, String type, String data, Instant timestamp, String source, MessageMeta meta) {
    if (blank(userId)) return rejected("userId is required");
    return asks.askWithStatus(ref(userId),
        r -> new CustomerCommand.RecordActivity(type, data, timestamp, source, meta(meta), r), once);
  }

  /**
   * Records an activity once per {@code activityId} (the entity dedupes it), so unlike
   * {@link #recordActivity(String, String, String, Instant, String, MessageMeta)} it is retried.
   */
  public CompletionStage<AskResult<UpdateResult>> recordActivity(
      String userId, String type, String data, Instant timestamp, String source, String activityId, MessageMeta meta) {
    if (blank(userId)) return rejected("userId is required");
    if (blank(activityId)) return rejected("activityId is required");
    return asks.askWithStatus(ref(userId),
        r -> new CustomerCommand.RecordActivity(type, data, timestamp, source, activityId, meta(meta), r), idempotent);
  }

  public CompletionStage<AskResult<UpdateResult>> block(String userId, MessageMeta meta) {
    if (blank(userId)) return rejected("userId is required");
    return asks.askWithStatus(ref(userId), r -> new CustomerCommand.Block(meta(meta), r), idempotent);
  }

  public CompletionStage<AskResult<UpdateResult>> unblock(String userId, MessageMeta meta) {
    if (blank(userId)) return rejected("userId is required");
    return asks.askWithStatus(ref(userId), r -> new CustomerCommand.Unblock(meta(meta), r), idempotent);
  }

  /** Erases the customer's personal data; REJECTED for an unknown or already erased customer. */
  public CompletionStage<AskResult<UpdateResult>> erase(String userId, MessageMeta meta) {
    if (blank(userId)) return rejected("userId is required");
    return asks.askWithStatus(ref(userId), r -> new CustomerCommand.Erase(meta(meta), r), idempotent);
  }

  /** What the customer's history says about their taste; {@link CustomerSignals#EMPTY} when unknown or erased. */
  public CompletionStage<AskResult<CustomerSignals>> signals(String userId) {
    if (blank(userId)) return rejected("userId is required");
    return asks.ask(ref(userId), CustomerCommand.GetSignals::new, reads);
  }

  /**
   * The catalog's recommendation signals for {@code userId}: interests (and recent search terms) as
   * interests, recently viewed then ordered products as related products. Always completes, with
   * {@link RecommendationSignals.Signals#EMPTY} when the customer is unknown or does not answer.
   */
  public CompletionStage<RecommendationSignals.Signals> recommendationSignals(String userId) {
    if (blank(userId)) return CompletableFuture.completedFuture(RecommendationSignals.Signals.EMPTY);
    return signals(userId).thenApply(r -> {
      if (!(r instanceof AskResult.Ok<CustomerSignals> ok)) return RecommendationSignals.Signals.EMPTY;
      CustomerSignals s = ok.value();
      List<String> interests = new ArrayList<>(new LinkedHashSet<>(concat(s.interests(), s.recentSearches())));
      List<String> products = new ArrayList<>(new LinkedHashSet<>(concat(s.recentProductViews(), s.orderedProductIds())));
      return new RecommendationSignals.Signals(interests, products);
    });
  }

  /** {@link #recommendationSignals} as the catalog's {@link RecommendationSignals}. */
  public RecommendationSignals asRecommendationSignals() {
    return this::recommendationSignals;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private EntityRef<CustomerCommand> ref(String userId) {
    return sharding.entityRefFor(CustomerCommand.ENTITY_KEY, userId);
  }

  private static MessageMeta meta(MessageMeta meta) {
    return meta != null ? meta : MessageMeta.root(SOURCE, null);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static <T> CompletionStage<AskResult<T>> rejected(String detail) {
    return CompletableFuture.completedFuture(new AskResult.Failed<>(AskResult.Failure.REJECTED, detail));
  }
}
