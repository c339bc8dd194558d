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
 * the sequence number of the last event applied, so a replayed event changes nothing. Rows of
 * sagas unchanged for {@code linecommerce.ops.recent-sagas.retention} are pruned when a new saga
 * starts, so the table stays bounded. The timeline of one saga is read from the saga itself
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

  private final Database db;
  private final Duration retention;

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
    // retries, signals, passed deadlines and single compensations leave the status as it was
    if (status != null) return status.code();
    return before == null ? Saga.Status.RUNNING.code() : before;
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
    return db.inTransaction(c -> {
      apply(c, delivery.event(), delivery.sequenceNr(), at);
      return Done.getInstance();
    });
  }

  private void apply(Connection c, Saga.Event event, long sequenceNr, Instant at) throws SQLException {
    String status = null;
    String step = null;
    String definition = null;
    String reason = null;
    long lastSeq = -1;
    try (PreparedStatement q = c.prepareStatement("SELECT status, current_step, definition, failure_reason, last_sequence_nr"
        + " FROM ops_recent_sagas WHERE saga_id = ?")) {
      q.setString(1, event.sagaId());
      try (ResultSet rs = q.executeQuery()) {
        if (rs.next()) {
          status = rs.getString(1);
          step = rs.getString(2);
          definition = rs.getString(3);
          reason = rs.getString(4);
          lastSeq = rs.getLong(5);
        }
      }
    }
    if (lastSeq >= 0 && sequenceNr <= lastSeq) return; // seen before: a replay changes nothing
    String newStatus = statusAfter(event, status);
    String newStep = stepOf(event) != null ? stepOf(event) : step;
    String newReason = reasonOf(event) != null ? reasonOf(event) : reason;
    if (event instanceof Saga.SagaStarted started) definition = started.definition();
    if (lastSeq < 0) {
      prune(c, at);
      try (PreparedStatement i = c.prepareStatement("INSERT INTO ops_recent_sagas (saga_id, definition, status,"
          + " current_step, last_event, failure_reason, started_at, updated_at, last_sequence_nr)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        i.setString(1, event.sagaId());
        i.setString(2, definition);
        i.setString(3, newStatus);
        i.setString(4, newStep);
        i.setString(5, event.eventType());
        i.setString(6, newReason);
        i.setTimestamp(7, Timestamp.from(at));
        i.setTimestamp(8, Timestamp.from(at));
        i.setLong(9, sequenceNr);
        i.executeUpdate();
      }
    } else {
      try (PreparedStatement u = c.prepareStatement("UPDATE ops_recent_sagas SET definition = ?, status = ?,"
          + " current_step = ?, last_event = ?, failure_reason = ?, updated_at = ?, last_sequence_nr = ? WHERE saga_id = ?")) {
        u.setString(1, definition);
        u.setString(2, newStatus);
        u.setString(3, newStep);
        u.setString(4, event.eventType());
        u.setString(5, newReason);
        u.setTimestamp(6, Timestamp.from(at));
        u.setLong(7, sequenceNr);
        u.setString(8, event.sagaId());
        u.executeUpdate();
      }
    }
  }

  private void prune(Connection c, Instant now) throws SQLException {
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
