package org.linecommerce.catalog.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Routers;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.catalog.api.CatalogSearchProtocol.Command;
import org.linecommerce.catalog.api.CatalogSearchProtocol.GetProduct;
import org.linecommerce.catalog.api.CatalogSearchProtocol.ProductLookup;
import org.linecommerce.catalog.api.CatalogSearchProtocol.Recommend;
import org.linecommerce.catalog.api.CatalogSearchProtocol.Recommendations;
import org.linecommerce.catalog.api.CatalogSearchProtocol.Search;
import org.linecommerce.runtime.resilience.AskPolicy;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.ResilientAsk;

/**
 * How any node searches the catalog: by message to a {@code CatalogSearch} instance found through
 * the Receptionist ({@link CatalogSearchProtocol#SERVICE_KEY}), the node's own instance when it
 * hosts the catalog role (a group router with {@code preferLocalRoutees}), otherwise a random
 * catalog node's. Asks go through {@link ResilientAsk} (circuit breaker {@value #TARGET}, a 3 s
 * timeout, one retry: these are idempotent reads). Results are {@link AskResult}s, never failed
 * futures: {@code TIMEOUT} also when no catalog node is up.
 *
 * <pre>{@code
 * CatalogSearchClient catalog = new CatalogSearchClient(system);
 * catalog.search(SearchQuery.of("日焼け止めはありますか").withLimit(5))
 *     .thenAccept(r -> { if (r instanceof AskResult.Ok<SearchPage> ok) … });
 * }</pre>
 */
public final class CatalogSearchClient {

  /** Circuit-breaker target name of catalog search asks. */
  public static final String TARGET = "CatalogSearch";

  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final ActorSystem<?> system;
  private final ActorRef<Command> router;
  private final AskPolicy policy;

  public CatalogSearchClient(ActorSystem<?> system) {
    this.system = system;
    this.router = Router.ID.apply(system).ref;
    this.policy = ResilientAsk.get(system).queryPolicy().withTimeout(TIMEOUT).retried(1);
  }

  /** One page of products matching {@code query} (or all products when it has no text). */
  public CompletionStage<AskResult<SearchPage>> search(SearchQuery query) {
    return ask(replyTo -> new Search(query, replyTo));
  }

  /** Product {@code productId} with texts in {@code language} (null = en), or empty when there is none. */
  public CompletionStage<AskResult<Optional<ProductView>>> product(String productId, String language) {
    return this.<ProductLookup>ask(replyTo -> new GetProduct(productId, language, replyTo))
        .thenApply(r -> r.map(ProductLookup::toOptional));
  }

  /** Recommended products, best first (at most {@code query.limit()}). */
  public CompletionStage<AskResult<List<SearchHit>>> recommend(RecommendQuery query) {
    return this.<Recommendations>ask(replyTo -> new Recommend(query, replyTo))
        .thenApply(r -> r.map(Recommendations::items));
  }

  private <R> CompletionStage<AskResult<R>> ask(Function<ActorRef<StatusReply<R>>, Command> message) {
    ResilientAsk asks = ResilientAsk.get(system);
    return asks.run(TARGET, policy, () ->
        AskPattern.<Command, StatusReply<R>>ask(router, message::apply, policy.timeout(), system.scheduler())
            .thenApplyAsync(reply -> reply.isSuccess()
                ? new AskResult.Ok<>(reply.getValue())
                : new AskResult.Failed<>(AskResult.Failure.ERROR, TARGET + ": " + reply.getError().getMessage()),
                asks.executor())); // an explicit executor: see ResilientAsk
  }

  /** One group router per ActorSystem over every registered CatalogSearch, preferring the local one. */
  static final class Router implements Extension {
    static final ExtensionId<Router> ID = new ExtensionId<>() {
      @Override
      public Router createExtension(ActorSystem<?> system) {
        return new Router(system.systemActorOf(
            Routers.group(CatalogSearchProtocol.SERVICE_KEY).withRandomRouting(true),
            "catalog-search-router",
            Props.empty()));
      }
    };

    final ActorRef<Command> ref;

    private Router(ActorRef<Command> ref) {
      this.ref = ref;
    }
  }
}
