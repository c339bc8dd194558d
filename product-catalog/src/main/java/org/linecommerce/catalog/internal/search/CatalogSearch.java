package org.linecommerce.catalog.internal.search;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
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
import org.apache.pekko.pattern.Patterns;
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
 * The catalog search of one node: a {@link ProductIndex} in memory and an actor serving it to the
 * cluster, registered with the Receptionist under {@link CatalogSearchProtocol#SERVICE_KEY}.
 * Callers use {@code CatalogSearchClient}, which prefers the local instance.
 *
 * <p><b>How the index is built.</b> The index holds per product only what search needs
 * ({@link IndexedProduct}: data, stock, available, discontinued, popularity). A durable copy of it
 * is kept in the database by {@link CatalogSearchProjection} (one exactly-once projection per
 * product tag, spread over the catalog nodes), with per tag the journal ordering it reflects. A
 * node starting up loads those rows, O(products), and then follows the journal live from those
 * orderings ({@link ProductIndexFeed}), O(events since the projection's last commit): start-up no
 * longer replays every reservation ever made. Until both are done the node is not ready
 * ({@link CatalogIndexReadinessCheck}). The first start on a journal without the read model
 * (an upgrade) still reads the journal from the beginning, once, while the projection fills the
 * table. {@code linecommerce.catalog.search.start-from = journal} restores the old behaviour
 * (replay the whole journal; for comparison in {@code bench/} or if the table is suspect).
 *
 * <p>The actor only dispatches: each request runs on the blocking-IO dispatcher, so searches run
 * in parallel and a slow one holds no other up. It replies {@code StatusReply} errors when the
 * index fails. Metrics: timer {@code catalog_search_seconds} by {@code operation} (search,
 * product, recommend) for requests this node served; gauges {@code catalog_index_products},
 * {@code catalog_index_products_restored}, {@code catalog_index_events_applied},
 * {@code catalog_index_events_read}, {@code catalog_index_stream_restarts},
 * {@code catalog_index_failed_events}, {@code catalog_read_model_skipped_events}.
 *
 * <p>Start it on nodes hosting the catalog role with {@link #init(ActorSystem)}.
 */
public final class CatalogSearch implements Extension {

  private static final Logger log = LoggerFactory.getLogger(CatalogSearch.class);

  /** {@code linecommerce.catalog.search.start-from}: load the durable read model, then the journal since. */
  public static final String START_FROM_READ_MODEL = "read-model";
  /** {@code linecommerce.catalog.search.start-from}: replay the whole journal (the read model is still kept). */
  public static final String START_FROM_JOURNAL = "journal";

  private final ActorSystem<?> system;
  private final ProductIndex index;
  private final ProductIndexFeed feed;
  private final boolean fromReadModel;
  private final AtomicLong readModelSkipped = new AtomicLong();
  private final ActorRef<Command> ref;
  private volatile boolean stopped;

  private CatalogSearch(ActorSystem<?> system) {
    this.system = system;
    this.index = new ProductIndex(Duration.ofMillis(100), ShopperLexicon.directory(
        system.settings().config().getString("linecommerce.catalog.search.concepts-dir")));
    EventTags tags = EventTags.fromConfig(system, ProductEvent.TAG_PREFIX);
    this.feed = new ProductIndexFeed(system, index, tags);
    String startFrom = system.settings().config().getString("linecommerce.catalog.search.start-from");
    if (!startFrom.equals(START_FROM_READ_MODEL) && !startFrom.equals(START_FROM_JOURNAL)) {
      throw new IllegalArgumentException("linecommerce.catalog.search.start-from must be "
          + START_FROM_READ_MODEL + " or " + START_FROM_JOURNAL + ", not " + startFrom);
    }
    this.fromReadModel = startFrom.equals(START_FROM_READ_MODEL);
    CatalogSearchProjection.init(system, tags, readModelSkipped);
    Executor executor = system.dispatchers().lookup(DispatcherSelector.blocking());
    MeterRegistry registry = Metrics.get(system).registry();
    Gauge.builder("catalog_index_products", index, ProductIndex::size)
        .description("products in this node's search index").register(registry);
    Gauge.builder("catalog_index_products_restored", index, ProductIndex::productsRestored)
        .description("products this node's search index loaded from the durable read model").register(registry);
    Gauge.builder("catalog_index_events_applied", index, ProductIndex::eventsApplied)
        .description("product events applied to this node's search index since it started").register(registry);
    Gauge.builder("catalog_index_events_read", feed, ProductIndexFeed::eventsRead)
        .description("journal events this node's search index read since it started").register(registry);
    Gauge.builder("catalog_index_stream_restarts", feed, ProductIndexFeed::restarts)
        .description("restarts of this node's journal streams into the search index (after failures)").register(registry);
    Gauge.builder("catalog_index_failed_events", feed, ProductIndexFeed::failedEvents)
        .description("product events this node's search index could not apply (logged, skipped)").register(registry);
    Gauge.builder("catalog_read_model_skipped_events", readModelSkipped, AtomicLong::get)
        .description("product events the catalog search read model could not apply on this node (logged, skipped)")
        .register(registry);
    this.ref = system.systemActorOf(create(index, executor, registry), "catalog-search", Props.empty());
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "catalog-search-index", () -> {
      stopped = true;
      feed.stop();
      return CompletableFuture.supplyAsync(() -> {
        index.close();
        return org.apache.pekko.Done.getInstance();
      }, executor);
    });
    // also when the system is terminated without coordinated shutdown (a crash in tests)
    // (on the terminating thread: a plain thenRun on this Scala-backed stage would use the JDK's
    // default executor, a new thread on a 2-core machine)
    system.getWhenTerminated().thenRunAsync(() -> {
      stopped = true;
      feed.stop();
      index.close();
    }, Runnable::run);
    startIndex(1);
    log.info("Catalog search started: index fed from tags {}, starting from the {}", tags.all(), startFrom);
  }

  /**
   * Loads the durable read model into the index, then starts following the journal from the
   * offsets it reflects; retried with backoff while the database cannot be read. With
   * {@code start-from = journal}, follows the journal from its first event (nothing loaded).
   */
  private void startIndex(int attempt) {
    if (stopped) return;
    if (!fromReadModel) {
      feed.start(Map.of());
      return;
    }
    long begin = System.nanoTime();
    CatalogSearchProjection.restore(system, index).whenComplete((restored, error) -> {
      if (stopped) return;
      if (error != null) {
        Duration backoff = Duration.ofMillis(Math.min(10_000L, 500L << Math.min(attempt - 1, 5)));
        log.warn("Catalog index: could not load the read model (attempt {}: {}); retrying in {} ms",
            attempt, error.getMessage(), backoff.toMillis());
        Patterns.after(backoff, system.classicSystem().scheduler(), system.executionContext(), () -> {
          startIndex(attempt + 1);
          return CompletableFuture.completedFuture(org.apache.pekko.Done.getInstance());
        });
        return;
      }
      log.info("Catalog index: {} products loaded from the read model in {} ms; following the journal from {}",
          restored.products(), (System.nanoTime() - begin) / 1_000_000, restored.offsets());
      feed.start(restored.offsets());
    });
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

  /** Journal events this node's index read since it started: what its start-up replayed, then the live changes. */
  public long eventsRead() {
    return feed.eventsRead();
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
