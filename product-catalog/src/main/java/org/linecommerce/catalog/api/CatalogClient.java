package org.linecommerce.catalog.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskPolicy;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.ResilientAsk;

/**
 * How other modules talk to products: one ask to the product's entity through the runtime's
 * {@link ResilientAsk} (timeout, circuit breaker for the {@code Product} type, retries). Every call
 * completes with an {@link AskResult}, never exceptionally: {@code Ok(reply)}, or
 * {@code Failed(REJECTED, message)} when the product refused (the message says why and nothing was
 * changed), or {@code TIMEOUT}/{@code UNAVAILABLE}/{@code ERROR}. Search, product views and
 * recommendations come from the search read model ({@link CatalogSearchClient}).
 *
 * <p>Reads and the commands that are idempotent (upsert, price, discontinue, and the reservation
 * commands, which are idempotent per reservation id) are retried with backoff; {@link #adjustStock}
 * is asked once ({@link #withoutRetries} asks everything once). The node must have started the Product sharding (the catalog module's init does,
 * as a proxy where the {@code catalog} role is absent).
 */
public final class CatalogClient {

  private static final String SOURCE = "catalog-client";

  private final ClusterSharding sharding;
  private final ResilientAsk asks;
  private final AskPolicy reads;
  private final AskPolicy idempotent;
  private final AskPolicy once;
  private final Duration defaultTtl;
  private final CatalogSearchClient search;

  public CatalogClient(ActorSystem<?> system) {
    this.search = new CatalogSearchClient(system);
    this.sharding = ClusterSharding.get(system);
    this.asks = ResilientAsk.get(system);
    this.reads = asks.queryPolicy();
    this.idempotent = asks.commandPolicy().retried(asks.queryPolicy().retries());
    this.once = asks.commandPolicy();
    this.defaultTtl = system.settings().config().getDuration("linecommerce.catalog.reservation-ttl");
  }

  private CatalogClient(CatalogClient base, AskPolicy policy) {
    this.search = base.search;
    this.sharding = base.sharding;
    this.asks = base.asks;
    this.reads = policy;
    this.idempotent = policy;
    this.once = policy;
    this.defaultTtl = base.defaultTtl;
  }

  /**
   * This client asking every product once, without retries (search excepted): for callers that
   * retry on their own, such as saga steps (the saga retries the step), so that a call path has
   * one retry budget instead of retries nested in retries.
   */
  public CatalogClient withoutRetries() {
    return new CatalogClient(this, asks.commandPolicy());
  }

  /** Searches the catalog (a catalog node's search index, by message; see {@link CatalogSearchClient}). */
  public CompletionStage<AskResult<SearchPage>> search(SearchQuery query) {
    return search.search(query);
  }

  /** One product as the search read model shows it, texts in {@code language} (fallback en). */
  public CompletionStage<AskResult<Optional<ProductView>>> product(String productId, String language) {
    return search.product(productId, language);
  }

  /** Products related to a customer's signals, else popular in-stock products. */
  public CompletionStage<AskResult<List<SearchHit>>> recommend(RecommendQuery query) {
    return search.recommend(query);
  }

  /** How long {@link #reserve(String, String, int)} holds stock ({@code linecommerce.catalog.reservation-ttl}). */
  public Duration defaultReservationTtl() {
    return defaultTtl;
  }

  /** The product; {@link ProductSummary#exists()} is false for an unknown id. */
  public CompletionStage<AskResult<ProductSummary>> get(String productId) {
    if (blank(productId)) return rejected("productId is required");
    return asks.ask(ref(productId), ProductCommand.Get::new, reads);
  }

  /** Creates or updates {@code data.id()}; outcome created, updated or unchanged. */
  public CompletionStage<AskResult<UpsertResult>> upsert(ProductData data) {
    return upsert(data, null);
  }

  public CompletionStage<AskResult<UpsertResult>> upsert(ProductData data, MessageMeta meta) {
    if (data == null || blank(data.id())) return rejected("product data with an id is required");
    return asks.askWithStatus(ref(data.id()), r -> new ProductCommand.Upsert(data, meta(meta), r), idempotent);
  }

  public CompletionStage<AskResult<ProductSummary>> changePrice(
      String productId, BigDecimal price, String currency, MessageMeta meta) {
    if (blank(productId)) return rejected("productId is required");
    return asks.askWithStatus(ref(productId), r -> new ProductCommand.ChangePrice(price, currency, meta(meta), r), idempotent);
  }

  /** Adds {@code delta} units to the stock on hand (negative removes); not retried, as it is not idempotent. */
  public CompletionStage<AskResult<ProductSummary>> adjustStock(
      String productId, int delta, String reason, MessageMeta meta) {
    if (blank(productId)) return rejected("productId is required");
    return asks.askWithStatus(ref(productId), r -> new ProductCommand.AdjustStock(delta, reason, meta(meta), r), once);
  }

  public CompletionStage<AskResult<ProductSummary>> discontinue(String productId, MessageMeta meta) {
    if (blank(productId)) return rejected("productId is required");
    return asks.askWithStatus(ref(productId), r -> new ProductCommand.Discontinue(meta(meta), r), idempotent);
  }

  /** Reserves for the default ttl. */
  public CompletionStage<AskResult<Reservation>> reserve(String productId, String reservationId, int quantity) {
    return reserve(productId, reservationId, quantity, defaultTtl, null);
  }

  /**
   * Holds {@code quantity} units until now + {@code ttl}: {@code Ok(active reservation)}, or
   * {@code REJECTED} with the reason (not enough stock, discontinued, unknown product, invalid
   * arguments). Asking again with the same {@code reservationId} gets the first answer.
   */
  public CompletionStage<AskResult<Reservation>> reserve(
      String productId, String reservationId, int quantity, Duration ttl) {
    return reserve(productId, reservationId, quantity, ttl, null);
  }

  public CompletionStage<AskResult<Reservation>> reserve(
      String productId, String reservationId, int quantity, Duration ttl, MessageMeta meta) {
    if (blank(productId)) return rejected("productId is required");
    return asks.askWithStatus(ref(productId),
        r -> new ProductCommand.Reserve(reservationId, quantity, ttl, meta(meta), r), idempotent);
  }

  /** Frees the reservation ({@code REJECTED} only if it was committed); idempotent. */
  public CompletionStage<AskResult<Reservation>> release(String productId, String reservationId) {
    return release(productId, reservationId, null);
  }

  public CompletionStage<AskResult<Reservation>> release(String productId, String reservationId, MessageMeta meta) {
    if (blank(productId)) return rejected("productId is required");
    return asks.askWithStatus(ref(productId), r -> new ProductCommand.Release(reservationId, meta(meta), r), idempotent);
  }

  /** Sells the reserved units ({@code REJECTED} when expired, released, refused or unknown); idempotent. */
  public CompletionStage<AskResult<Reservation>> commit(String productId, String reservationId) {
    return commit(productId, reservationId, null);
  }

  public CompletionStage<AskResult<Reservation>> commit(String productId, String reservationId, MessageMeta meta) {
    if (blank(productId)) return rejected("productId is required");
    return asks.askWithStatus(ref(productId), r -> new ProductCommand.Commit(reservationId, meta(meta), r), idempotent);
  }

  /**
   * Undoes the reservation whatever it holds (releases it, or returns committed units to stock);
   * idempotent. For compensations, which must leave no units behind.
   */
  public CompletionStage<AskResult<Reservation>> revert(String productId, String reservationId, MessageMeta meta) {
    if (blank(productId)) return rejected("productId is required");
    return asks.askWithStatus(ref(productId), r -> new ProductCommand.Revert(reservationId, meta(meta), r), idempotent);
  }

  /** What the product remembers of {@code reservationId} (status unknown when nothing). */
  public CompletionStage<AskResult<Reservation>> reservation(String productId, String reservationId) {
    if (blank(productId)) return rejected("productId is required");
    return asks.ask(ref(productId), r -> new ProductCommand.GetReservation(reservationId, r), reads);
  }

  private EntityRef<ProductCommand> ref(String productId) {
    return sharding.entityRefFor(ProductCommand.ENTITY_KEY, productId);
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
