package org.linecommerce.runtime.subscription;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.linecommerce.runtime.DomainEvent;
import org.linecommerce.runtime.persistence.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persisted dead letters of every subscription (table {@code dead_letter}, migration V3), and
 * the operator's actions on them: retry (redeliver to the subscription's handler on this node)
 * and discard.
 *
 * <p>One row per (subscription, persistence id, sequence nr): an event that fails again after a
 * replay updates its row (error, attempts; back to {@code pending} unless it was discarded)
 * instead of adding one. The event is stored as Pekko serialized it (serializer id, manifest,
 * bytes), so it is read back with the same serializer as the journal's. All JDBC runs on the
 * blocking dispatcher through {@link Database#withConnection}.
 */
public final class DeadLetterStore implements Extension {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterStore.class);

  /** Upper bound of {@link #list}'s {@code limit}. */
  public static final int MAX_LIST_LIMIT = 1000;

  private static final String COLUMNS =
      "id, subscription, persistence_id, sequence_nr, event_type, event_timestamp, serializer_id, serializer_manifest,"
          + " error_message, attempts, status, created_at, updated_at";

  private final ActorSystem<?> system;
  private final Database database;

  private DeadLetterStore(ActorSystem<?> system) {
    this.system = system;
    this.database = Database.get(system);
  }

  public static DeadLetterStore get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /**
   * Stores (or updates) the dead letter of {@code delivery}'s event for its subscription.
   * An event that cannot be serialized is still recorded, without payload (it cannot be retried).
   */
  public CompletionStage<DeadLetter> record(EventDelivery<?> delivery, String error, int attempts) {
    Object event = delivery.event();
    String eventType = event instanceof DomainEvent d ? d.eventType() : event.getClass().getName();
    Integer serializerId = null;
    String manifest = null;
    byte[] payload = null;
    String errorMessage = error;
    try {
      Serializer serializer = serialization().findSerializerFor(event);
      manifest = Serializers.manifestFor(serializer, event);
      payload = serializer.toBinary(event);
      serializerId = serializer.identifier();
    } catch (RuntimeException e) {
      log.error("Dead letter {} of {}: event cannot be serialized, stored without payload",
          delivery.eventKey(), delivery.subscription(), e);
      errorMessage = EventSubscription.describe(new IllegalStateException(
          error + " (event not serializable, cannot be redelivered: " + e.getMessage() + ")"));
    }
    Integer serId = serializerId;
    String man = manifest;
    byte[] bytes = payload;
    String message = errorMessage;
    return database.withConnection(c -> {
      OffsetDateTime now = now();
      for (int round = 0; ; round++) {
        try (PreparedStatement update = c.prepareStatement(
            "UPDATE dead_letter SET event_type = ?, serializer_id = ?, serializer_manifest = ?, payload = ?,"
                + " error_message = ?, attempts = attempts + ?, updated_at = ?,"
                + " status = CASE WHEN status = 'discarded' THEN status ELSE 'pending' END"
                + " WHERE subscription = ? AND persistence_id = ? AND sequence_nr = ?")) {
          update.setString(1, eventType);
          setPayload(update, 2, serId, man, bytes);
          update.setString(5, message);
          update.setInt(6, attempts);
          update.setObject(7, now);
          update.setString(8, delivery.subscription());
          update.setString(9, delivery.persistenceId());
          update.setLong(10, delivery.sequenceNr());
          if (update.executeUpdate() == 0) {
            try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO dead_letter (subscription, persistence_id, sequence_nr, event_type, event_timestamp,"
                    + " serializer_id, serializer_manifest, payload, error_message, attempts, status, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)")) {
              insert.setString(1, delivery.subscription());
              insert.setString(2, delivery.persistenceId());
              insert.setLong(3, delivery.sequenceNr());
              insert.setString(4, eventType);
              insert.setObject(5, OffsetDateTime.ofInstant(delivery.timestamp(), ZoneOffset.UTC));
              setPayload(insert, 6, serId, man, bytes);
              insert.setString(9, message);
              insert.setInt(10, attempts);
              insert.setObject(11, now);
              insert.setObject(12, now);
              insert.executeUpdate();
            }
          }
          break;
        } catch (SQLException e) {
          // a concurrent insert of the same key (a tag's projection moving between nodes): update it
          if (round > 0 || !isUniqueViolation(e)) throw e;
        }
      }
      return findByKey(c, delivery.subscription(), delivery.persistenceId(), delivery.sequenceNr())
          .orElseThrow(() -> new SQLException("dead letter vanished right after it was written"));
    });
  }

  /**
   * Dead letters, newest first, optionally only of one subscription and/or status;
   * {@code limit} is clamped to 1..{@value #MAX_LIST_LIMIT}.
   */
  public CompletionStage<List<DeadLetter>> list(
      Optional<String> subscription, Optional<DeadLetterStatus> status, int limit) {
    int bounded = Math.max(1, Math.min(limit, MAX_LIST_LIMIT));
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM dead_letter WHERE 1 = 1");
    subscription.ifPresent(s -> sql.append(" AND subscription = ?"));
    status.ifPresent(s -> sql.append(" AND status = ?"));
    sql.append(" ORDER BY created_at DESC, id DESC");
    return database.withConnection(c -> {
      try (PreparedStatement q = c.prepareStatement(sql.toString())) {
        int i = 1;
        if (subscription.isPresent()) q.setString(i++, subscription.get());
        if (status.isPresent()) q.setString(i, status.get().value());
        q.setMaxRows(bounded);
        List<DeadLetter> result = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next() && result.size() < bounded) result.add(read(rs));
        }
        return result;
      }
    });
  }

  /** How many dead letters wait for an operator ({@code pending}), per subscription that has any. */
  public CompletionStage<java.util.Map<String, Long>> pendingBySubscription() {
    return database.withConnection(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "SELECT subscription, COUNT(*) FROM dead_letter WHERE status = ? GROUP BY subscription")) {
        q.setString(1, DeadLetterStatus.PENDING.value());
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) counts.put(rs.getString(1), rs.getLong(2));
        }
        return counts;
      }
    });
  }

  /** The dead letter with this id. */
  public CompletionStage<Optional<DeadLetter>> find(long id) {
    return database.withConnection(c -> findById(c, id));
  }

  /**
   * Redelivers dead letter {@code id} to its subscription's handler on this node, once.
   * Success marks it {@code redelivered}; a handler failure keeps it {@code pending} with the new
   * error and one more attempt. A redelivered dead letter, a subscription not started on this
   * node, or a payload that cannot be read back is {@link DeadLetterOutcome.Rejected}.
   */
  public CompletionStage<DeadLetterOutcome> retry(long id) {
    return database.withConnection(c -> loadPayload(c, id)).thenCompose(found -> {
      if (found.isEmpty()) return done(new DeadLetterOutcome.NotFound(id));
      DeadLetter letter = found.get().letter();
      if (letter.status() == DeadLetterStatus.REDELIVERED) {
        return done(new DeadLetterOutcome.Rejected(letter, "dead letter " + id + " was already redelivered"));
      }
      Optional<EventSubscription<?>> subscription = SubscriptionRegistry.get(system).lookup(letter.subscription());
      if (subscription.isEmpty()) {
        return done(new DeadLetterOutcome.Rejected(letter,
            "subscription '" + letter.subscription() + "' is not started on this node"));
      }
      if (letter.serializerId().isEmpty() || found.get().payload() == null) {
        return done(new DeadLetterOutcome.Rejected(letter, "the event was stored without payload and cannot be redelivered"));
      }
      Object event;
      try {
        event = serialization()
            .deserialize(found.get().payload(), letter.serializerId().get(), letter.serializerManifest())
            .get();
      } catch (Exception e) {
        return done(new DeadLetterOutcome.Rejected(letter,
            "the stored event cannot be deserialized: " + EventSubscription.describe(e)));
      }
      return subscription.get().redeliver(letter, event).handle((ok, failure) -> failure).thenCompose(failure -> {
        if (failure == null) {
          log.info("Dead letter {} ({} of {}) redelivered", id, letter.eventKey(), letter.subscription());
          return database.withConnection(c -> {
            try (PreparedStatement u = c.prepareStatement(
                "UPDATE dead_letter SET status = 'redelivered', attempts = attempts + 1, updated_at = ? WHERE id = ?")) {
              u.setObject(1, now());
              u.setLong(2, id);
              u.executeUpdate();
            }
            return (DeadLetterOutcome) new DeadLetterOutcome.Redelivered(findById(c, id).orElseThrow());
          });
        }
        String error = EventSubscription.describe(failure);
        log.warn("Dead letter {} ({} of {}): redelivery failed: {}", id, letter.eventKey(), letter.subscription(), error);
        return database.withConnection(c -> {
          try (PreparedStatement u = c.prepareStatement(
              "UPDATE dead_letter SET status = 'pending', error_message = ?, attempts = attempts + 1, updated_at = ?"
                  + " WHERE id = ?")) {
            u.setString(1, error);
            u.setObject(2, now());
            u.setLong(3, id);
            u.executeUpdate();
          }
          return (DeadLetterOutcome) new DeadLetterOutcome.RedeliveryFailed(findById(c, id).orElseThrow(), error);
        });
      });
    });
  }

  /** Marks dead letter {@code id} {@code discarded}; discarding a redelivered one is rejected. */
  public CompletionStage<DeadLetterOutcome> discard(long id) {
    return database.withConnection(c -> {
      Optional<DeadLetter> found = findById(c, id);
      if (found.isEmpty()) return new DeadLetterOutcome.NotFound(id);
      if (found.get().status() == DeadLetterStatus.REDELIVERED) {
        return new DeadLetterOutcome.Rejected(found.get(), "dead letter " + id + " was already redelivered");
      }
      try (PreparedStatement u = c.prepareStatement(
          "UPDATE dead_letter SET status = 'discarded', updated_at = ? WHERE id = ? AND status <> 'redelivered'")) {
        u.setObject(1, now());
        u.setLong(2, id);
        u.executeUpdate();
      }
      DeadLetter after = findById(c, id).orElseThrow();
      log.info("Dead letter {} ({} of {}) discarded", id, after.eventKey(), after.subscription());
      return new DeadLetterOutcome.Discarded(after);
    });
  }

  private record StoredDeadLetter(DeadLetter letter, byte[] payload) {}

  private Optional<StoredDeadLetter> loadPayload(Connection c, long id) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + ", payload FROM dead_letter WHERE id = ?")) {
      q.setLong(1, id);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? Optional.of(new StoredDeadLetter(read(rs), rs.getBytes("payload"))) : Optional.empty();
      }
    }
  }

  private static Optional<DeadLetter> findById(Connection c, long id) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM dead_letter WHERE id = ?")) {
      q.setLong(1, id);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  private static Optional<DeadLetter> findByKey(Connection c, String subscription, String persistenceId, long seqNr)
      throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS
        + " FROM dead_letter WHERE subscription = ? AND persistence_id = ? AND sequence_nr = ?")) {
      q.setString(1, subscription);
      q.setString(2, persistenceId);
      q.setLong(3, seqNr);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  private static DeadLetter read(ResultSet rs) throws SQLException {
    int serializerId = rs.getInt("serializer_id");
    Optional<Integer> serializer = rs.wasNull() ? Optional.empty() : Optional.of(serializerId);
    return new DeadLetter(
        rs.getLong("id"),
        rs.getString("subscription"),
        rs.getString("persistence_id"),
        rs.getLong("sequence_nr"),
        rs.getString("event_type"),
        rs.getObject("event_timestamp", OffsetDateTime.class).toInstant(),
        serializer,
        rs.getString("serializer_manifest"),
        rs.getString("error_message"),
        rs.getInt("attempts"),
        DeadLetterStatus.parse(rs.getString("status")).orElse(DeadLetterStatus.PENDING),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getObject("updated_at", OffsetDateTime.class).toInstant());
  }

  private static void setPayload(PreparedStatement s, int first, Integer serializerId, String manifest, byte[] payload)
      throws SQLException {
    if (serializerId == null) s.setNull(first, Types.INTEGER);
    else s.setInt(first, serializerId);
    s.setString(first + 1, manifest);
    if (payload == null) s.setNull(first + 2, Types.BINARY);
    else s.setBytes(first + 2, payload);
  }

  private static boolean isUniqueViolation(SQLException e) {
    return "23505".equals(e.getSQLState());
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
  }

  private static CompletionStage<DeadLetterOutcome> done(DeadLetterOutcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }

  private Serialization serialization() {
    return SerializationExtension.get(system.classicSystem());
  }

  static final class Id extends ExtensionId<DeadLetterStore> {
    static final Id INSTANCE = new Id();

    @Override
    public DeadLetterStore createExtension(ActorSystem<?> system) {
      return new DeadLetterStore(system);
    }
  }
}
