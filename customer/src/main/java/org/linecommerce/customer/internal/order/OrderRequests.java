package org.linecommerce.customer.internal.order;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.runtime.persistence.Database;

/**
 * The {@code order_requests} table (migrations {@code V20}–{@code V22}): one row per accepted
 * request, keyed by (caller, user, {@code Idempotency-Key}), holding the request's hash and body
 * (JSON) and the order id it was given. The primary key makes acceptance concurrency-safe: of two
 * requests with one key, one insert wins and the other reads the winner's row.
 *
 * <p>That a request's checkout saga started is noted in batches ({@link #markStartedSoon}): one
 * {@code UPDATE} for the orders of the last {@value #MARK_DELAY_MS} ms instead of one round trip on
 * every order's answer. A mark that is lost (the node stops before it is written, the database
 * refuses it) only makes the checkout sweeper start that saga once more, which is idempotent.
 */
public final class OrderRequests {

  /** An accepted request. */
  public record Accepted(String caller, String idempotencyKey, String requestHash, String requestJson, String orderId,
      String userId, Instant createdAt) {}

  /** A row of a user's order list: the accepted request and, once projected, the order's view as JSON. */
  public record Listed(Accepted request, String viewJson) {}

  private static final int MAX_REASON = 4000;
  static final long MARK_DELAY_MS = 100;
  /** Order ids per {@code UPDATE ... IN (...)}. */
  private static final int MARK_BATCH = 200;

  private final ActorSystem<?> system;
  private final Database db;
  private final ConcurrentLinkedQueue<String> unmarked = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean markScheduled = new AtomicBoolean();

  public OrderRequests(ActorSystem<?> system) {
    this.system = system;
    this.db = Database.get(system);
  }

  /** Inserts {@code candidate} unless its (caller, user, key) is taken; completes with the row that holds it. */
  public CompletionStage<Accepted> accept(Accepted candidate) {
    return db.withConnection(c -> {
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO order_requests (caller, idempotency_key, request_hash, request_json, order_id, user_id, created_at)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, candidate.caller());
        insert.setString(2, candidate.idempotencyKey());
        insert.setString(3, candidate.requestHash());
        insert.setString(4, candidate.requestJson());
        insert.setString(5, candidate.orderId());
        insert.setString(6, candidate.userId());
        insert.setTimestamp(7, Timestamp.from(candidate.createdAt()));
        insert.executeUpdate();
        return candidate;
      } catch (SQLException e) {
        if (!"23505".equals(e.getSQLState())) throw e;
        return byKey(c, candidate.caller(), candidate.userId(), candidate.idempotencyKey())
            .orElseThrow(() -> new SQLException("idempotency key vanished after a duplicate insert", e));
      }
    });
  }

  public CompletionStage<Optional<Accepted>> byOrderId(String orderId) {
    return db.withConnection(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT * FROM order_requests WHERE order_id = ?")) {
        q.setString(1, orderId);
        return rows(q, 1).stream().findFirst();
      }
    });
  }

  /**
   * Notes that the checkout saga of {@code orderId} has started (the sweeper skips it from then
   * on), within about {@value #MARK_DELAY_MS} ms, in one statement with the other orders started
   * meanwhile. Returns at once; a failed batch is logged (the sweeper starts those sagas again).
   */
  public void markStartedSoon(String orderId) {
    unmarked.add(orderId);
    if (markScheduled.compareAndSet(false, true)) {
      system.scheduler().scheduleOnce(java.time.Duration.ofMillis(MARK_DELAY_MS), this::flushMarks, system.executionContext());
    }
  }

  private void flushMarks() {
    // cleared before draining: an id added from now on schedules the next flush (at worst an empty one)
    markScheduled.set(false);
    List<String> ids = new ArrayList<>();
    for (String id = unmarked.poll(); id != null; id = unmarked.poll()) ids.add(id);
    if (ids.isEmpty()) return;
    markStarted(ids).whenComplete((marked, error) -> {
      if (error != null) {
        system.log().warn("{} order request(s) not marked started ({}); the checkout sweeper will start them again",
            ids.size(), error.getMessage());
      }
    });
  }

  /** Notes that the checkout sagas of {@code orderIds} have started; completes with the rows updated. */
  public CompletionStage<Integer> markStarted(List<String> orderIds) {
    if (orderIds.isEmpty()) return CompletableFuture.completedFuture(0);
    return db.withConnection(c -> {
      int updated = 0;
      for (int from = 0; from < orderIds.size(); from += MARK_BATCH) {
        List<String> chunk = orderIds.subList(from, Math.min(orderIds.size(), from + MARK_BATCH));
        String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
        try (PreparedStatement u = c.prepareStatement(
            "UPDATE order_requests SET saga_started = TRUE WHERE order_id IN (" + marks + ")")) {
          for (int i = 0; i < chunk.size(); i++) u.setString(i + 1, chunk.get(i));
          updated += u.executeUpdate();
        }
      }
      return updated;
    });
  }

  /** Notes that the stored request of {@code orderId} cannot be read ({@code why}); the sweeper skips it from now on. */
  public CompletionStage<Boolean> markUnreadable(String orderId, String why) {
    String reason = why == null ? "unreadable" : why.length() <= MAX_REASON ? why : why.substring(0, MAX_REASON);
    return db.withConnection(c -> {
      try (PreparedStatement u = c.prepareStatement("UPDATE order_requests SET unreadable = ? WHERE order_id = ?")) {
        u.setString(1, reason);
        u.setString(2, orderId);
        return u.executeUpdate() == 1;
      }
    });
  }

  /**
   * Accepted requests whose saga is not known to have started and that are not marked unreadable,
   * accepted before {@code before}, oldest first.
   */
  public CompletionStage<List<Accepted>> unstarted(Instant before, int limit) {
    return db.withConnection(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "SELECT * FROM order_requests WHERE saga_started = FALSE AND unreadable IS NULL AND created_at < ?"
              + " ORDER BY created_at")) {
        q.setTimestamp(1, Timestamp.from(before));
        return rows(q, limit);
      }
    });
  }

  /**
   * The user's orders, newest accepted first, at most {@code limit}, each with the order's view
   * from the {@code customer_orders} read model (null until the projection has seen the order).
   * One indexed query.
   */
  public CompletionStage<List<Listed>> listForUser(String userId, int limit) {
    return db.withConnection(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "SELECT r.*, v.view_json FROM order_requests r LEFT JOIN customer_orders v ON v.order_id = r.order_id"
              + " WHERE r.user_id = ? ORDER BY r.created_at DESC, r.order_id DESC")) {
        q.setString(1, userId);
        q.setMaxRows(limit);
        try (ResultSet rs = q.executeQuery()) {
          List<Listed> rows = new ArrayList<>();
          while (rs.next()) rows.add(new Listed(row(rs), rs.getString("view_json")));
          return rows;
        }
      }
    });
  }

  private static Optional<Accepted> byKey(Connection c, String caller, String userId, String key) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "SELECT * FROM order_requests WHERE caller = ? AND user_id = ? AND idempotency_key = ?")) {
      q.setString(1, caller);
      q.setString(2, userId);
      q.setString(3, key);
      return rows(q, 1).stream().findFirst();
    }
  }

  private static List<Accepted> rows(PreparedStatement q, int limit) throws SQLException {
    q.setMaxRows(limit);
    try (ResultSet rs = q.executeQuery()) {
      List<Accepted> rows = new ArrayList<>();
      while (rs.next()) rows.add(row(rs));
      return rows;
    }
  }

  private static Accepted row(ResultSet rs) throws SQLException {
    return new Accepted(rs.getString("caller"), rs.getString("idempotency_key"), rs.getString("request_hash"),
        rs.getString("request_json"), rs.getString("order_id"), rs.getString("user_id"),
        rs.getTimestamp("created_at").toInstant());
  }
}
