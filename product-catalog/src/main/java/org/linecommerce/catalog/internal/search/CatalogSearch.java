package org.linecommerce.catalog.internal.search;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.catalog.api.CatalogSearchProtocol;
import org.linecommerce.catalog.api.CatalogSearchProtocol.Command;
import org.linecommerce.catalog.api.CatalogSearchProtocol.GetProduct;
import org.linecommerce.catalog.api.CatalogSearchProtocol.ProductLookup;
import org.linecommerce.catalog.api.CatalogSearchProtocol.Recommend;
import org.linecommerce.catalog.api.CatalogSearchProtocol.Recommendations;
import org.linecommerce.catalog.api.CatalogSearchProtocol.Search;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.runtime.subscription.EventTags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog search of one node: a {@link ProductIndex} in memory, fed from the journal by
 * {@link ProductIndexFeed} (rebuilt from the first event at every start), and an actor serving it
 * to the cluster, registered with the Receptionist under {@link CatalogSearchProtocol#SERVICE_KEY}.
 * Callers use {@code CatalogSearchClient}, which prefers the local instance.
 *
 * <p>The actor only dispatches: each request runs on the blocking-IO dispatcher, so searches run
 * in parallel and a slow one holds no other up. It replies {@code StatusReply} errors when the
 * index fails. Metrics: timer {@code catalog_search_seconds} by {@code operation} (search,
 * product, recommend) for requests this node served; gauges {@code catalog_index_products},
 * {@code catalog_index_events_applied}, {@code catalog_index_stream_restarts},
 * {@code catalog_index_failed_events}.
 *
 * <p>Start it on nodes hosting the catalog role with {@link #init(ActorSystem)}.
 */
public final class CatalogSearch implements Extension {

  private static final Logger log = LoggerFactory.getLogger(CatalogSearch.class);

  private final ProductIndex index;
  private final ProductIndexFeed feed;
  private final ActorRef<Command> ref;

  private CatalogSearch(ActorSystem<?> system) {
    this.index = new ProductIndex();
    this.feed = ProductIndexFeed.start(system, index, EventTags.fromConfig(system, ProductEvent.TAG_PREFIX));
    Executor executor = system.dispatchers().lookup(DispatcherSelector.blocking());
    MeterRegistry registry = Metrics.get(system).registry();
    Gauge.builder("catalog_index_products", index, ProductIndex::size)
        .description("products in this node's search index").register(registry);
    Gauge.builder("catalog_index_events_applied", index, ProductIndex::eventsApplied)
        .description("product events applied to this node's search index since it started").register(registry);
    Gauge.builder("catalog_index_stream_restarts", feed, ProductIndexFeed::restarts)
        .description("restarts of this node's journal streams into the search index (after failures)").register(registry);
    Gauge.builder("catalog_index_failed_events", feed, ProductIndexFeed::failedEvents)
        .description("product events this node's search index could not apply (logged, skipped)").register(registry);
    this.ref = system.systemActorOf(create(index, executor, registry), "catalog-search", Props.empty());
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "catalog-search-index", () -> {
      feed.stop();
      return CompletableFuture.supplyAsync(() -> {
        index.close();
        return org.apache.pekko.Done.getInstance();
      }, executor);
    });
    // also when the system is terminated without coordinated shutdown (a crash in tests)
    // (on the terminating thread: a plain thenRun on this Scala-backed stage would use the JDK's
    // default executor, a new thread on a 2-core machine)
    system.getWhenTerminated().thenRunAsync(index::close, Runnable::run);
    log.info("Catalog search started: index fed from tags {}",
        EventTags.fromConfig(system, ProductEvent.TAG_PREFIX).all());
  }

  /**
   * Starts this node's catalog search (index, journal streams, actor); call on nodes hosting the
   * catalog role. Idempotent: later calls return the running instance.
   */
  public static CatalogSearch init(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** True when this node hosts no catalog search, or its index has caught up with the journal. */
  public static boolean readyOn(ActorSystem<?> system) {
    return !system.hasExtension(ID) || ID.apply(system).feed.caughtUp();
  }

  /** True once the index holds every product event the journal had when the node started. */
  public boolean caughtUp() {
    return feed.caughtUp();
  }

  /** This node's index (for tests and diagnostics). */
  public ProductIndex index() {
    return index;
  }

  /** Restarts of the journal streams after failures since the node started. */
  public long feedRestarts() {
    return feed.restarts();
  }

  /** This node's CatalogSearch actor. */
  public ActorRef<Command> ref() {
    return ref;
  }

  static Behavior<Command> create(ProductIndex index, Executor executor, MeterRegistry registry) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(CatalogSearchProtocol.SERVICE_KEY, context.getSelf()));
      return Behaviors.receive(Command.class)
          .onMessage(Search.class, m -> serve(executor, registry, "search", m.replyTo(), () -> index.search(m.query())))
          .onMessage(GetProduct.class, m -> serve(executor, registry, "product", m.replyTo(),
              () -> new ProductLookup(index.product(m.productId(), m.language()).orElse(null))))
          .onMessage(Recommend.class, m -> serve(executor, registry, "recommend", m.replyTo(),
              () -> new Recommendations(index.recommend(m.query()))))
          .build();
    });
  }

  private static <R> Behavior<Command> serve(
      Executor executor, MeterRegistry registry, String operation, ActorRef<StatusReply<R>> replyTo, Supplier<R> work) {
    Timer timer = Timer.builder("catalog_search_seconds").description("catalog search requests served by this node")
        .tag("operation", operation).register(registry);
    CompletableFuture.supplyAsync(() -> timer.record(work), executor).whenComplete((result, error) -> {
      if (error == null) {
        replyTo.tell(StatusReply.success(result));
      } else {
        log.error("Catalog search {} failed", operation, error);
        replyTo.tell(StatusReply.error("catalog search failed: " + error.getClass().getSimpleName()));
      }
    });
    return Behaviors.same();
  }

  private static final ExtensionId<CatalogSearch> ID = new ExtensionId<>() {
    @Override
    public CatalogSearch createExtension(ActorSystem<?> system) {
      return new CatalogSearch(system);
    }
  };
}
