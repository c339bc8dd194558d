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
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.runtime.persistence.Database;

/**
 * The {@code order_requests} table (migration {@code V20__orders.sql}): one row per accepted
 * {@code Idempotency-Key}, holding the request's hash and body and the order id it was given. The
 * primary key makes acceptance concurrency-safe: of two requests with one key, one insert wins and
 * the other reads the winner's row. The same rows, indexed by user, are the read model of a
 * customer's orders (no projection needed: a row exists from the moment the order is accepted).
 */
public final class OrderRequests {

  /** An accepted request. */
  public record Accepted(String idempotencyKey, String requestHash, String requestJson, String orderId,
      String userId, Instant createdAt) {}

  private final Database db;

  public OrderRequests(ActorSystem<?> system) {
    this.db = Database.get(system);
  }

  /** Inserts {@code candidate} unless its key is taken; completes with the row that holds the key. */
  public CompletionStage<Accepted> accept(Accepted candidate) {
    return db.withConnection(c -> {
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO order_requests (idempotency_key, request_hash, request_json, order_id, user_id, created_at)"
              + " VALUES (?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, candidate.idempotencyKey());
        insert.setString(2, candidate.requestHash());
        insert.setString(3, candidate.requestJson());
        insert.setString(4, candidate.orderId());
        insert.setString(5, candidate.userId());
        insert.setTimestamp(6, Timestamp.from(candidate.createdAt()));
        insert.executeUpdate();
        return candidate;
      } catch (SQLException e) {
        if (!"23505".equals(e.getSQLState())) throw e;
        return byKey(c, candidate.idempotencyKey())
            .orElseThrow(() -> new SQLException("idempotency key vanished after a duplicate insert", e));
      }
    });
  }

  public CompletionStage<Optional<Accepted>> byOrderId(String orderId) {
    return db.withConnection(c -> {
      List<Accepted> rows = query(c, "SELECT * FROM order_requests WHERE order_id = ?", orderId, 1);
      return rows.stream().findFirst();
    });
  }

  /** Notes that the checkout saga of {@code orderId} has started (the sweeper skips it from now on). */
  public CompletionStage<Boolean> markStarted(String orderId) {
    return db.withConnection(c -> {
      try (PreparedStatement u = c.prepareStatement("UPDATE order_requests SET saga_started = TRUE WHERE order_id = ?")) {
        u.setString(1, orderId);
        return u.executeUpdate() == 1;
      }
    });
  }

  /** Accepted requests whose saga is not known to have started, accepted before {@code before}, oldest first. */
  public CompletionStage<List<Accepted>> unstarted(Instant before, int limit) {
    return db.withConnection(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "SELECT * FROM order_requests WHERE saga_started = FALSE AND created_at < ? ORDER BY created_at")) {
        q.setTimestamp(1, Timestamp.from(before));
        q.setMaxRows(limit);
        try (ResultSet rs = q.executeQuery()) {
          List<Accepted> rows = new ArrayList<>();
          while (rs.next()) rows.add(row(rs));
          return rows;
        }
      }
    });
  }

  /** The user's orders, newest first, at most {@code limit}. */
  public CompletionStage<List<Accepted>> byUser(String userId, int limit) {
    return db.withConnection(c -> query(c,
        "SELECT * FROM order_requests WHERE user_id = ? ORDER BY created_at DESC, order_id DESC", userId, limit));
  }

  private static Optional<Accepted> byKey(Connection c, String key) throws SQLException {
    return query(c, "SELECT * FROM order_requests WHERE idempotency_key = ?", key, 1).stream().findFirst();
  }

  private static List<Accepted> query(Connection c, String sql, String arg, int limit) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(sql)) {
      q.setString(1, arg);
      q.setMaxRows(limit);
      try (ResultSet rs = q.executeQuery()) {
        List<Accepted> rows = new ArrayList<>();
        while (rs.next()) rows.add(row(rs));
        return rows;
      }
    }
  }

  private static Accepted row(ResultSet rs) throws SQLException {
    return new Accepted(rs.getString("idempotency_key"), rs.getString("request_hash"),
        rs.getString("request_json"), rs.getString("order_id"), rs.getString("user_id"),
        rs.getTimestamp("created_at").toInstant());
  }
}
