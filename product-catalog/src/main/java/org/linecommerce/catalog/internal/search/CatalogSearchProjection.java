package org.linecommerce.catalog.internal.search;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.linecommerce.runtime.persistence.DataSourceJdbcSession;
import org.linecommerce.runtime.persistence.Database;
import org.linecommerce.runtime.subscription.EventTags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the durable catalog search read model ({@link CatalogSearchTable}) and reads it back when a
 * node starts.
 *
 * <p><b>Writing.</b> One exactly-once Pekko Projection per product tag
 * ({@code JdbcProjection.groupedWithin}, projection id {@code (catalog-search-read-model, tag)},
 * {@code eventsByTag} of the JDBC read journal), run as the instances of the sharded daemon
 * process {@code catalog-search-read-model} on nodes with the {@code catalog} role (every node
 * when the node has no roles, as in tests): the cluster keeps each tag's projection on exactly one
 * node. Groups of up to {@code linecommerce.catalog.search.read-model.group-after-envelopes}
 * events (or what arrived within {@code …group-after-duration}) are applied by
 * {@link CatalogSearchProjectionHandler}; the changed rows, the tag's offset in
 * {@code catalog_search_offsets} and the projection's own offset commit in one transaction.
 *
 * <p><b>Reading.</b> {@link #restore} reads the offsets first and the rows after them: a row is
 * never older than the offset read before it (both commit together), so a node that loads the
 * rows and then follows each tag from its offset misses no event, and the events it sees again
 * (rows newer than the offset) change nothing, being at or below the row's sequence number.
 */
final class CatalogSearchProjection {

  static final String NAME = "catalog-search-read-model";
  static final String ROLE = "catalog";

  private static final Logger log = LoggerFactory.getLogger(CatalogSearchProjection.class);

  private CatalogSearchProjection() {}

  /** What a node restored from the read model: per tag the ordering the rows reflect, and the row count. */
  record Restored(Map<String, Long> offsets, long products) {}

  /** Starts the read model's projections (one per tag of {@code tags}) under a sharded daemon process. */
  static void init(ActorSystem<?> system, EventTags tags, AtomicLong skipped) {
    Config config = system.settings().config().getConfig("linecommerce.catalog.search.read-model");
    int groupAfterEnvelopes = config.getInt("group-after-envelopes");
    Duration groupAfterDuration = config.getDuration("group-after-duration");
    CatalogSearchTable table = table(system);
    ShardedDaemonProcessSettings settings = ShardedDaemonProcessSettings.create(system);
    boolean catalogRole = Cluster.get(system).selfMember().hasRole(ROLE);
    if (catalogRole) settings = settings.withRole(ROLE);
    List<String> tagList = tags.all();
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        NAME,
        tagList.size(),
        index -> projection(system, tagList.get(index), table, skipped, groupAfterEnvelopes, groupAfterDuration),
        settings,
        Optional.of(ProjectionBehavior.stopMessage()));
    log.info("Catalog search read model projected from tags {} ({})", tagList,
        catalogRole ? "on nodes with role " + ROLE : "on any node");
  }

  private static Behavior<ProjectionBehavior.Command> projection(
      ActorSystem<?> system, String tag, CatalogSearchTable table, AtomicLong skipped,
      int groupAfterEnvelopes, Duration groupAfterDuration) {
    SourceProvider<Offset, EventEnvelope<Object>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    GroupedProjection<Offset, EventEnvelope<Object>> projection = JdbcProjection.groupedWithin(
            ProjectionId.of(NAME, tag),
            source,
            () -> DataSourceJdbcSession.open(system),
            () -> new CatalogSearchProjectionHandler(tag, table, skipped),
            system)
        .withGroup(groupAfterEnvelopes, groupAfterDuration);
    return ProjectionBehavior.create(projection);
  }

  /**
   * Loads every row of the read model into {@code index} and returns the offsets they reflect
   * (read before the rows). Blocking JDBC runs on the database's blocking dispatcher.
   */
  static CompletionStage<Restored> restore(ActorSystem<?> system, ProductIndex index) {
    CatalogSearchTable table = table(system);
    return Database.get(system).withConnection(c -> {
      Map<String, Long> offsets = table.offsets(c);
      long products = table.loadAll(c, index::restore);
      return new Restored(offsets, products);
    });
  }

  private static CatalogSearchTable table(ActorSystem<?> system) {
    return new CatalogSearchTable(JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty()));
  }
}
