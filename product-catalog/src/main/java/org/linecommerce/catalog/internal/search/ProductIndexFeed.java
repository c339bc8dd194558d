package org.linecommerce.catalog.internal.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.Sequence;
import org.linecommerce.runtime.persistence.Database;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.runtime.subscription.EventTags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a node's {@link ProductIndex} from the journal: one live {@code eventsByTag} stream per
 * product tag, from the journal ordering the index already reflects for that tag (what the
 * durable read model was loaded at, see {@link CatalogSearch}; the beginning of the journal when
 * nothing was loaded), each restarted with backoff when it fails and resumed from the last offset
 * it applied (events seen twice are ignored by sequence number anyway).
 *
 * <p>The streams read through their own instance of the JDBC read journal, on a connection pool
 * of its own ({@value #POOL_SIZE} connections at most), whose sequence
 * retrieval polls every {@value #QUERY_DELAY_MS} ms instead of the plugin's 1 s: eventsByTag only
 * returns events up to the highest ordering that actor has confirmed, so its delay, not only
 * {@code jdbc-read-journal.refresh-interval}, bounds how soon a change is searchable.
 */
final class ProductIndexFeed {

  static final String READ_JOURNAL_ID = "linecommerce-catalog-search-read-journal";
  static final long QUERY_DELAY_MS = 100;
  /** Connections of the streams' own pool (at most; one kept open). */
  static final int POOL_SIZE = 2;

  private static final Logger log = LoggerFactory.getLogger(ProductIndexFeed.class);

  private final ActorSystem<?> system;
  private final ProductIndex index;
  private final EventTags tags;
  private final List<UniqueKillSwitch> switches = new ArrayList<>();
  private final AtomicLong failedEvents = new AtomicLong();
  private final AtomicLong restarts = new AtomicLong();
  private final AtomicLong eventsRead = new AtomicLong();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  /** per tag: the journal's last ordering of the tag when the node started (-1 until known). */
  private final java.util.Map<String, AtomicLong> targets = new java.util.concurrent.ConcurrentHashMap<>();
  /** per tag: the ordering of the last event this node applied (or that its start offset covers). */
  private final java.util.Map<String, AtomicLong> applied = new java.util.concurrent.ConcurrentHashMap<>();

  /** A feed of {@code index} from the tags of {@code tags}; reads the catch-up targets now, streams nothing until {@link #start}. */
  ProductIndexFeed(ActorSystem<?> system, ProductIndex index, EventTags tags) {
    this.system = system;
    this.index = index;
    this.tags = tags;
    for (String tag : tags.all()) {
      AtomicLong target = new AtomicLong(-1);
      targets.put(tag, target);
      applied.put(tag, new AtomicLong(0));
      lastOrdering(system, tag).whenComplete((last, error) -> {
        if (error != null) {
          log.warn("Catalog index: could not read the journal's last event of {} ({}); counted as caught up",
              tag, error.getMessage());
          target.set(0);
        } else {
          target.set(last);
        }
      });
    }
  }

  /**
   * Starts one stream per tag, each after the journal ordering {@code from} gives for it (from the
   * beginning for a tag it does not name). Once only; nothing after {@link #stop}.
   */
  synchronized void start(java.util.Map<String, Long> from) {
    if (stopped.get() || !started.compareAndSet(false, true)) return;
    JdbcReadJournal journal = readJournal(system);
    RestartSettings restart = RestartSettings.create(Duration.ofMillis(500), Duration.ofSeconds(10), 0.2);
    for (String tag : tags.all()) {
      long fromOrdering = from.getOrDefault(tag, 0L);
      AtomicLong seen = applied.get(tag);
      seen.set(fromOrdering);
      AtomicReference<Offset> offset =
          new AtomicReference<>(fromOrdering > 0 ? Offset.sequence(fromOrdering) : Offset.noOffset());
      AtomicBoolean running = new AtomicBoolean();
      UniqueKillSwitch kill = RestartSource.withBackoff(restart, () -> {
            if (running.getAndSet(true)) {
              restarts.incrementAndGet();
              log.info("Catalog index stream for {} restarting after offset {}", tag, offset.get());
            }
            return journal.eventsByTag(tag, offset.get()).map(envelope -> {
              eventsRead.incrementAndGet();
              apply(index, envelope);
              offset.set(envelope.offset());
              if (envelope.offset() instanceof Sequence sequence) seen.set(sequence.value());
              return Done.getInstance();
            });
          })
          .viaMat(KillSwitches.single(), Keep.right())
          .toMat(Sink.ignore(), Keep.left())
          .run(system);
      switches.add(kill);
    }
  }

  private void apply(ProductIndex index, EventEnvelope envelope) {
    if (!(envelope.event() instanceof ProductEvent event)) return;
    try {
      index.apply(event, envelope.sequenceNr());
    } catch (RuntimeException e) {
      // one bad event must not stop the index from following every other product
      failedEvents.incrementAndGet();
      log.error("Catalog index could not apply {} #{} ({}); skipped",
          envelope.persistenceId(), envelope.sequenceNr(), event.getClass().getSimpleName(), e);
    }
  }

  /**
   * True once the feed started and every tag's stream has applied the events the journal held
   * when the node started: until then searches answer from a partial index (the node's readiness check waits for it).
   */
  boolean caughtUp() {
    if (!started.get()) return false;
    for (var e : targets.entrySet()) {
      long target = e.getValue().get();
      if (target < 0 || applied.get(e.getKey()).get() < target) return false;
    }
    return true;
  }

  /** The highest journal ordering carrying {@code tag} (0 when none): the catch-up target. */
  private static java.util.concurrent.CompletionStage<Long> lastOrdering(ActorSystem<?> system, String tag) {
    return Database.get(system).withConnection(c -> {
      try (java.sql.PreparedStatement q = c.prepareStatement("SELECT MAX(event_id) FROM event_tag WHERE tag = ?")) {
        q.setString(1, tag);
        try (java.sql.ResultSet rs = q.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    });
  }

  /** Events that could not be applied (logged and skipped). */
  long failedEvents() {
    return failedEvents.get();
  }

  /** How many times a stream was restarted after it failed or completed. */
  long restarts() {
    return restarts.get();
  }

  /** Journal events the streams read since the node started (applied or not): the replay cost. */
  long eventsRead() {
    return eventsRead.get();
  }

  /** Stops every stream (and any later {@link #start}). */
  synchronized void stop() {
    stopped.set(true);
    switches.forEach(UniqueKillSwitch::shutdown);
  }

  private static JdbcReadJournal readJournal(ActorSystem<?> system) {
    Config config = system.settings().config();
    // its own small pool: the node's projections share the default one, and a pool of its own keeps
    // the live streams' latency (and their failure and restart when the database drops them) theirs.
    // The tags' streams share POOL_SIZE connections: a live index only runs short polling queries
    int connections = POOL_SIZE;
    Config slick = config.getConfig("pekko-persistence-jdbc.shared-databases.default")
        .withValue("db.numThreads", ConfigValueFactory.fromAnyRef(connections))
        .withValue("db.maxConnections", ConfigValueFactory.fromAnyRef(connections))
        .withValue("db.minConnections", ConfigValueFactory.fromAnyRef(1));
    Config plugin = config.getConfig("jdbc-read-journal")
        .withValue("use-shared-db", ConfigValueFactory.fromAnyRef(""))
        .withValue("slick", slick.root())
        .withValue("journal-sequence-retrieval.query-delay", ConfigValueFactory.fromAnyRef(QUERY_DELAY_MS + "ms"));
    Config pluginConfig = ConfigFactory.empty().withValue(READ_JOURNAL_ID, plugin.root());
    return PersistenceQuery.get(Adapter.toClassic(system))
        .getReadJournalFor(JdbcReadJournal.class, READ_JOURNAL_ID, pluginConfig);
  }
}
