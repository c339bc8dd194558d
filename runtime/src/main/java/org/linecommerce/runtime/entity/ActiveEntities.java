package org.linecommerce.runtime.entity;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The entities of one type in memory on this node, least recently used first, at most
 * {@code limit}: when one more becomes active, the least recently used gets its idle message, so
 * it leaves the way it leaves when idle ({@link IdlePassivation}: its state decides whether it may,
 * and it finishes what it must first, e.g. a conversation completes its session).
 *
 * <p>Pekko's own passivation strategies, with their active-entity limit
 * ({@code pekko.cluster.sharding.passivation}), are disabled for entity types with
 * remember-entities ({@link RememberedEntities}); without this, such a type's memory grows with
 * every entity started within its idle time. The limit is per node, like Pekko's per region.
 * Entities take part through {@link IdlePassivation#IdlePassivation(org.apache.pekko.actor.typed.javadsl.ActorContext,
 * org.apache.pekko.actor.typed.javadsl.TimerScheduler, ActorRef, java.time.Duration, Object,
 * java.util.function.Predicate, ActiveEntities)}; every command marks the entity used.
 */
public final class ActiveEntities {

  private final String entityType;
  private final int limit;
  /** Entity → its idle message, in access order (least recently used first). */
  private final LinkedHashMap<ActorRef<Object>, Object> entities = new LinkedHashMap<>(1024, 0.75f, true);
  private long evicted;

  ActiveEntities(String entityType, int limit) {
    if (limit < 1) throw new IllegalArgumentException("active entity limit must be at least 1, got " + limit);
    this.entityType = entityType;
    this.limit = limit;
  }

  /**
   * The active entities of {@code entityType} on the node of {@code system}, limited to {@code limit}
   * (the first call for a type decides its limit); null when {@code limit} is 0 or less (no limit).
   */
  public static ActiveEntities of(ActorSystem<?> system, String entityType, int limit) {
    if (limit <= 0) return null;
    return Registry.ID.apply(system).types.computeIfAbsent(entityType, t -> new ActiveEntities(t, limit));
  }

  /** {@code entity} was used (a command); it becomes the most recently used, and the least recently used leave above the limit. */
  @SuppressWarnings("unchecked")
  public <C> void touch(ActorRef<C> entity, C idle) {
    ActorRef<Object> leaving;
    Object message;
    synchronized (this) {
      entities.put((ActorRef<Object>) entity, idle);
      if (entities.size() <= limit) return;
      Iterator<Map.Entry<ActorRef<Object>, Object>> eldest = entities.entrySet().iterator();
      Map.Entry<ActorRef<Object>, Object> e = eldest.next();
      leaving = e.getKey();
      message = e.getValue();
      eldest.remove();
      evicted++;
    }
    leaving.tell(message);
  }

  /** {@code entity} left memory (or is leaving). */
  public synchronized void remove(ActorRef<?> entity) {
    entities.remove(entity);
  }

  public synchronized int size() {
    return entities.size();
  }

  public int limit() {
    return limit;
  }

  /** How many entities were asked to leave because of the limit. */
  public synchronized long evicted() {
    return evicted;
  }

  public String entityType() {
    return entityType;
  }

  /** Every entity type's {@link ActiveEntities} of one node. */
  static final class Registry implements Extension {
    static final Id ID = new Id();
    final Map<String, ActiveEntities> types = new ConcurrentHashMap<>();

    static final class Id extends ExtensionId<Registry> {
      @Override
      public Registry createExtension(ActorSystem<?> system) {
        return new Registry();
      }
    }
  }
}
