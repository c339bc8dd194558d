package org.linecommerce.runtime.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.persistence.jdbc.config.EventJournalTableColumnNames;
import org.apache.pekko.persistence.jdbc.config.EventJournalTableConfiguration;
import org.apache.pekko.persistence.jdbc.config.EventTagTableConfiguration;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.persistence.jdbc.config.BaseDaoConfig;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * pekko-persistence-jdbc 1.1's journal DAO with one change: a batch of <b>tagged</b> events is
 * written with two JDBC batches (the events, their generated {@code ordering} read back, then the
 * tag rows) in one transaction, instead of one {@code INSERT … RETURNING} round trip per event.
 *
 * <p>Why: the plugin's {@code DefaultJournalDao} inserts tagged events through Slick's
 * insert-returning ({@code ++=} with {@code returning}), which Slick never sends as a JDBC batch,
 * so a write of N events costs N database round trips before the commit. Every domain entity
 * here tags its events ({@code EventTags}), so under concurrent load the journal's batches (up to
 * {@code jdbc-journal.batchSize} events of many entities, see the plugin's write queue) cost a round
 * trip per event and the journal stops scaling with the number of writing entities (issue 11,
 * {@code bench/RESULTS.md} section 3). Untagged writes, reads, deletes and the write queue are
 * the plugin's, unchanged; rows, columns and values are exactly those the plugin writes (table and
 * column names from its {@code jdbc-journal.tables} configuration).
 *
 * <p>And one more: the plugin's write queue puts the writes of many entities in one transaction,
 * so one write the database refuses — a persistence id whose next sequence number another writer
 * took meanwhile (a shard or singleton store restarting on another node while the old one's last
 * write was still queued), a row it cannot store — failed every other entity's write in the
 * batch: their persist failed, they restarted, the journal's breaker counted the failures and
 * opened, and a node under a rolling restart failed all its writes and recoveries
 * (reliability/). Here the queue is the same (size, batch size and parallelism of
 * {@code jdbc-journal}), but a batch that fails is written again one write at a time, each in its
 * own transaction, so only the write that breaks fails.
 *
 * <p>Configured as {@code jdbc-journal.dao} in {@code linecommerce-pekko.conf}. The plugin
 * creates it reflectively with this constructor's six arguments.
 */
public final class BatchedJournalDao extends DefaultJournalDao {

  /** One entity's write (the rows of one {@code asyncWriteMessages}) waiting in the queue. */
  private record Pending(List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows, CompletableFuture<BoxedUnit> done) {}

  private final String insertEvent;
  private final String insertTag;
  private final String orderingColumn;
  private final BoundedSourceQueue<Pending> queue;

  public BatchedJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, JournalConfig journalConfig,
      Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    EventJournalTableConfiguration events = journalConfig.eventJournalTableConfiguration();
    EventJournalTableColumnNames c = events.columnNames();
    this.orderingColumn = c.ordering();
    this.insertEvent = "INSERT INTO " + table(events.schemaName(), events.tableName()) + " ("
        + String.join(", ", quote(c.persistenceId()), quote(c.sequenceNumber()), quote(c.deleted()), quote(c.writer()),
            quote(c.writeTimestamp()), quote(c.adapterManifest()), quote(c.eventSerId()), quote(c.eventSerManifest()),
            quote(c.eventPayload()), quote(c.metaSerId()), quote(c.metaSerManifest()), quote(c.metaPayload()))
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    EventTagTableConfiguration tags = journalConfig.eventTagTableConfiguration();
    this.insertTag = "INSERT INTO " + table(tags.schemaName(), tags.tableName()) + " ("
        + quote(tags.columnNames().eventId()) + ", " + quote(tags.columnNames().tag()) + ") VALUES (?, ?)";
    BaseDaoConfig queueConfig = journalConfig.daoConfig();
    this.queue = Source.<Pending>queue(queueConfig.bufferSize())
        .batchWeighted(queueConfig.batchSize(), p -> (long) p.rows().size(),
            p -> {
              List<Pending> batch = new ArrayList<>();
              batch.add(p);
              return batch;
            },
            (batch, p) -> {
              batch.add(p);
              return batch;
            })
        .mapAsync(queueConfig.parallelism(), this::writeBatch)
        .to(Sink.ignore())
        .run(mat);
  }

  @Override
  public Future<BoxedUnit> queueWriteJournalRows(Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows) {
    CompletableFuture<BoxedUnit> done = new CompletableFuture<>();
    QueueOfferResult offered = queue.offer(new Pending(CollectionConverters.asJava(rows), done));
    if (offered == QueueOfferResult.enqueued()) return FutureConverters.asScala(done);
    String why = offered == QueueOfferResult.dropped()
        ? "the queue buffer was full (" + baseDaoConfig().bufferSize()
            + " elements) please check the jdbc-journal.bufferSize setting"
        : String.valueOf(offered);
    return FutureConverters.asScala(CompletableFuture.<BoxedUnit>failedFuture(
        new IllegalStateException("Failed to enqueue journal row batch write: " + why)));
  }

  /** The queued writes of {@code batch} in one transaction; if it fails, each alone. Never fails itself. */
  private CompletionStage<Done> writeBatch(List<Pending> batch) {
    List<Tuple2<JournalPekkoSerializationRow, Set<String>>> all = new ArrayList<>();
    for (Pending p : batch) all.addAll(p.rows());
    return write(all).handle((ok, error) -> {
      if (error == null) {
        batch.forEach(p -> p.done().complete(BoxedUnit.UNIT));
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      if (batch.size() == 1) {
        batch.get(0).done().completeExceptionally(error);
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      CompletionStage<Done> alone = CompletableFuture.completedFuture(Done.getInstance());
      for (Pending p : batch) {
        alone = alone.thenCompose(d -> write(p.rows()).handle((o, e) -> {
          if (e == null) p.done().complete(BoxedUnit.UNIT);
          else p.done().completeExceptionally(e);
          return Done.getInstance();
        }));
      }
      return alone;
    }).thenCompose(stage -> stage);
  }

  /**
   * {@link #writeJournalRows} as a plain {@code CompletableFuture} completed on the DAO's execution
   * context: a stage converted from a Scala future runs even non-async dependents on the JDK's
   * common pool, which starts a thread per task where its parallelism is 1 (2 cores;
   * RequestBurstThreadsTest).
   */
  private CompletionStage<BoxedUnit> write(List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows) {
    CompletableFuture<BoxedUnit> written = new CompletableFuture<>();
    try {
      writeJournalRows(CollectionConverters.asScala(rows).toList()).onComplete(result -> {
        if (result.isSuccess()) written.complete(BoxedUnit.UNIT);
        else written.completeExceptionally(result.failed().get());
        return BoxedUnit.UNIT;
      }, ec());
    } catch (RuntimeException e) {
      written.completeExceptionally(e);
    }
    return written;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Future<BoxedUnit> writeJournalRows(Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows) {
    if (!rows.exists(row -> row._2().nonEmpty())) return super.writeJournalRows(rows); // the plugin batches these
    SimpleJdbcAction<BoxedUnit> write = new SimpleJdbcAction<>(context -> {
      try {
        writeTagged(context.connection(), rows);
      } catch (SQLException e) {
        throw new IllegalStateException("journal write of " + rows.size() + " events failed: " + e.getMessage(), e);
      }
      return BoxedUnit.UNIT;
    });
    return db().run((DBIOAction) write);
  }

  private void writeTagged(Connection c, Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> batch)
      throws SQLException {
    List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows = new ArrayList<>(batch.size());
    batch.foreach(rows::add);
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      int n = rows.size();
      long[] ordering = new long[n];
      try (PreparedStatement insert = c.prepareStatement(insertEvent, new String[] {orderingColumn})) {
        for (int i = 0; i < n; i++) {
          JournalPekkoSerializationRow r = rows.get(i)._1();
          insert.setString(1, r.persistenceId());
          insert.setLong(2, r.sequenceNumber());
          insert.setBoolean(3, r.deleted());
          insert.setString(4, r.writer());
          insert.setLong(5, r.writeTimestamp());
          insert.setString(6, r.adapterManifest());
          insert.setInt(7, r.eventSerId());
          insert.setString(8, r.eventSerManifest());
          insert.setBytes(9, r.eventPayload());
          Option<Object> metaSerId = r.metaSerId();
          if (metaSerId.isDefined()) insert.setInt(10, (Integer) metaSerId.get());
          else insert.setNull(10, Types.INTEGER);
          insert.setString(11, r.metaSerManifest().isDefined() ? r.metaSerManifest().get() : null);
          if (r.metaPayload().isDefined()) insert.setBytes(12, r.metaPayload().get());
          else insert.setNull(12, Types.BINARY);
          insert.addBatch();
        }
        insert.executeBatch();
        try (ResultSet keys = insert.getGeneratedKeys()) {
          int i = 0;
          while (i < n && keys.next()) ordering[i++] = keys.getLong(1);
          if (i != n) throw new SQLException("the database returned " + i + " generated orderings for " + n + " events");
        }
      }
      try (PreparedStatement insert = c.prepareStatement(insertTag)) {
        for (int i = 0; i < n; i++) {
          scala.collection.Iterator<String> tags = rows.get(i)._2().iterator();
          while (tags.hasNext()) {
            insert.setLong(1, ordering[i]);
            insert.setString(2, tags.next());
            insert.addBatch();
          }
        }
        insert.executeBatch();
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static String table(Option<String> schema, String table) {
    return schema.isDefined() ? quote(schema.get()) + "." + quote(table) : quote(table);
  }

  /** Quoted as Slick quotes them, so the names mean the same as in the plugin's own statements. */
  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
