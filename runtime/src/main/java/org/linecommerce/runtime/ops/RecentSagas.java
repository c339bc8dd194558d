package org.linecommerce.runtime.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.runtime.persistence.Database;
import org.linecommerce.runtime.saga.Saga;
import org.linecommerce.runtime.subscription.EventDelivery;
import org.linecommerce.runtime.subscription.EventSubscription;
import org.linecommerce.runtime.subscription.SubscriptionHandler;
import org.linecommerce.runtime.subscription.SubscriptionSettings;

/**
 * The dashboard's list of recent sagas: a read model (table {@code ops_recent_sagas}) fed by the
 * subscription {@code ops-recent-sagas} over every saga event ({@link Saga#tags}). One row per
 * saga: its definition, its status after the last event applied ({@link #statusAfter}), the step
 * it is at, when it started and when it last changed. Delivery is at-least-once; a row remembers
 * the sequence number of the last event applied, so a replayed event changes nothing. Each event
 * costs one statement (a conditional {@code UPDATE}; the first of a saga an {@code INSERT}), as
 * every saga transition passes through here. Rows of sagas unchanged for
 * {@code linecommerce.ops.recent-sagas.retention} are pruned when a new saga is listed, at most
 * once a minute, so the table stays bounded. The timeline of one saga is read from the saga itself
 * ({@code GET /admin/sagas/{sagaId}}), never copied here.
 */
public final class RecentSagas implements SubscriptionHandler<Saga.Event> {

  /** The subscription's name (its offsets and dead letters are stored under it). */
  public static final String NAME = "ops-recent-sagas";
  private static final int MAX_REASON = 1000;

  /** One saga as the list shows it. */
  public record RecentSaga(
      String sagaId, String definition, String status, String currentStep, String lastEvent,
      String failureReason, Instant startedAt, Instant updatedAt) {}

  /** Old rows are pruned when a saga is first listed, at most this often. */
  static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

  private final Database db;
  private final Duration retention;
  private final java.util.concurrent.atomic.AtomicLong lastPrune = new java.util.concurrent.atomic.AtomicLong();

  RecentSagas(Database db, Duration retention) {
    this.db = db;
    this.retention = retention;
  }

  public static RecentSagas of(ActorSystem<?> system) {
    return new RecentSagas(Database.get(system),
        system.settings().config().getDuration("linecommerce.ops.recent-sagas.retention"));
  }

  /** Starts the subscription (projections on the nodes that host sagas). Once per node. */
  public static EventSubscription<Saga.Event> start(ActorSystem<?> system) {
    SubscriptionSettings settings = SubscriptionSettings.create(system);
    String role = system.settings().config().getString("linecommerce.sagas.role");
    if (!role.isBlank()) settings = settings.withRole(role.trim());
    return EventSubscription.start(system, NAME, Saga.tags(system), Saga.Event.class, of(system), settings);
  }

  /** The status a saga has after {@code event}, given the one before (null before its first event). */
  static String statusAfter(Saga.Event event, String before) {
    String status = statusOf(event);
    if (status != null) return status;
    // retries, signals, passed deadlines and single compensations leave the status as it was
    return before == null ? Saga.Status.RUNNING.code() : before;
  }

  /** The status {@code event} sets, or null when it leaves the status as it was. */
  static String statusOf(Saga.Event event) {
    Saga.Status status = null;
    if (event instanceof Saga.SagaStarted || event instanceof Saga.StepStarted || event instanceof Saga.StepSucceeded) {
      status = Saga.Status.RUNNING;
    } else if (event instanceof Saga.StepAwaitingSignal) {
      status = Saga.Status.WAITING;
    } else if (event instanceof Saga.SagaCompleted) {
      status = Saga.Status.COMPLETED;
    } else if (event instanceof Saga.SagaFailed || event instanceof Saga.CompensationStarted) {
      status = Saga.Status.COMPENSATING;
    } else if (event instanceof Saga.SagaCompensated) {
      status = Saga.Status.FAILED;
    } else if (event instanceof Saga.CompensationFailed) {
      status = Saga.Status.REQUIRES_MANUAL_INTERVENTION;
    }
    return status == null ? null : status.code();
  }

  /** The step an event names, or null (saga-level events keep the step shown before). */
  static String stepOf(Saga.Event event) {
    if (event instanceof Saga.StepStarted e) return e.stepName();
    if (event instanceof Saga.StepAwaitingSignal e) return e.stepName();
    if (event instanceof Saga.StepAttemptFailed e) return e.stepName();
    if (event instanceof Saga.SignalReceived e) return e.early() ? null : e.stepName();
    if (event instanceof Saga.DeadlinePassed e) return e.stepName();
    if (event instanceof Saga.StepSucceeded e) return e.stepName();
    if (event instanceof Saga.SagaFailed e) return e.stepName();
    if (event instanceof Saga.CompensationStarted e) return e.stepName();
    if (event instanceof Saga.CompensationAttemptFailed e) return e.stepName();
    if (event instanceof Saga.StepCompensated e) return e.stepName();
    if (event instanceof Saga.CompensationFailed e) return e.stepName();
    return null;
  }

  private static String reasonOf(Saga.Event event) {
    String reason = null;
    if (event instanceof Saga.SagaFailed e) reason = e.reason();
    if (event instanceof Saga.CompensationFailed e) reason = e.reason();
    return reason == null || reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 1) + "…";
  }

  @Override
  public CompletionStage<Done> handle(EventDelivery<Saga.Event> delivery) {
    Instant at = delivery.timestamp() == null ? Instant.now() : delivery.timestamp();
    return db.withConnection(c -> {
      apply(c, delivery.event(), delivery.sequenceNr(), at);
      return Done.getInstance();
    });
  }

  /**
   * One statement for an event of a listed saga: an {@code UPDATE} of the row, conditional on the
   * sequence number (a replay changes nothing) and keeping the status, step, definition and reason
   * the event does not name. Only the first event of a saga inserts its row (and prunes old rows,
   * at most once per {@link #PRUNE_EVERY}).
   */
  private void apply(Connection c, Saga.Event event, long sequenceNr, Instant at) throws SQLException {
    String status = statusOf(event);
    String step = stepOf(event);
    String reason = reasonOf(event);
    String definition = event instanceof Saga.SagaStarted started ? started.definition() : null;
    try (PreparedStatement u = c.prepareStatement("UPDATE ops_recent_sagas SET definition = COALESCE(?, definition),"
        + " status = COALESCE(?, status), current_step = COALESCE(?, current_step), last_event = ?,"
        + " failure_reason = COALESCE(?, failure_reason), updated_at = ?, last_sequence_nr = ?"
        + " WHERE saga_id = ? AND last_sequence_nr < ?")) {
      u.setString(1, definition);
      u.setString(2, status);
      u.setString(3, step);
      u.setString(4, event.eventType());
      u.setString(5, reason);
      u.setTimestamp(6, Timestamp.from(at));
      u.setLong(7, sequenceNr);
      u.setString(8, event.sagaId());
      u.setLong(9, sequenceNr);
      if (u.executeUpdate() == 1) return;
    }
    // no row, or a row that already reflects this event (a replay)
    pruneNowAndThen(c, at);
    try (PreparedStatement i = c.prepareStatement("INSERT INTO ops_recent_sagas (saga_id, definition, status,"
        + " current_step, last_event, failure_reason, started_at, updated_at, last_sequence_nr)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      i.setString(1, event.sagaId());
      i.setString(2, definition);
      i.setString(3, status != null ? status : Saga.Status.RUNNING.code());
      i.setString(4, step);
      i.setString(5, event.eventType());
      i.setString(6, reason);
      i.setTimestamp(7, Timestamp.from(at));
      i.setTimestamp(8, Timestamp.from(at));
      i.setLong(9, sequenceNr);
      i.executeUpdate();
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState())) throw e; // the row exists: the event was applied before
    }
  }

  private void pruneNowAndThen(Connection c, Instant now) throws SQLException {
    long last = lastPrune.get();
    long nanos = System.nanoTime();
    if (last != 0 && nanos - last < PRUNE_EVERY.toNanos()) return;
    if (!lastPrune.compareAndSet(last, nanos)) return;
    try (PreparedStatement d = c.prepareStatement("DELETE FROM ops_recent_sagas WHERE updated_at < ?")) {
      d.setTimestamp(1, Timestamp.from(now.minus(retention)));
      d.executeUpdate();
    }
  }

  /** The {@code limit} sagas changed most recently, newest first. */
  public CompletionStage<List<RecentSaga>> recent(int limit) {
    return db.withConnection(c -> {
      List<RecentSaga> out = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement("SELECT saga_id, definition, status, current_step, last_event,"
          + " failure_reason, started_at, updated_at FROM ops_recent_sagas ORDER BY updated_at DESC, saga_id LIMIT ?")) {
        q.setInt(1, limit);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            out.add(new RecentSaga(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getTimestamp(8).toInstant()));
          }
        }
      }
      return out;
    });
  }
}
