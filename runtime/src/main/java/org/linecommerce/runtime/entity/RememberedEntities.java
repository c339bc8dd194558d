package org.linecommerce.runtime.entity;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Sharding of an entity type whose live entities must run without anyone messaging them: a saga
 * with a step in flight, a product whose reservations must expire. Remember-entities (with the
 * event-sourced store, so it needs no distributed data on disk) makes each shard record which of
 * its entities are alive and restart them after a crash, a rebalance or a full cluster restart.
 *
 * <p>An entity started this way stays remembered until it stops itself through its shard; it
 * should therefore leave when it has nothing left to do, with {@link IdlePassivation} (which tells
 * the shard {@code ClusterSharding.Passivate}, removing it from the remembered set). The factory
 * gets the shard so it can do that; outside sharding (an {@code EventSourcedBehaviorTestKit}) the
 * shard is null.
 */
public final class RememberedEntities {

  private RememberedEntities() {}

  /** Creates one entity from its id and its shard (null outside sharding). */
  @FunctionalInterface
  public interface Factory<C> {
    Behavior<C> create(String entityId, ActorRef<ClusterSharding.ShardCommand> shard);
  }

  /**
   * Starts sharding of {@code key} with remember-entities (event-sourced store), hosting entities
   * on nodes with {@code role} (null or blank: every node) and a proxy elsewhere. Idempotent, like
   * {@code ClusterSharding.init}.
   *
   * @return the shard region (or proxy)
   */
  public static <C> ActorRef<ShardingEnvelope<C>> init(
      ActorSystem<?> system, EntityTypeKey<C> key, String role, Factory<C> factory) {
    Entity<C, ShardingEnvelope<C>> entity =
        Entity.of(key, ctx -> factory.create(ctx.getEntityId(), ctx.getShard())).withSettings(settings(system));
    if (role != null && !role.isBlank()) entity = entity.withRole(role.trim());
    return ClusterSharding.get(system).init(entity);
  }

  /** The sharding settings of a remembered entity type: remember-entities, event-sourced store. */
  public static ClusterShardingSettings settings(ActorSystem<?> system) {
    return ClusterShardingSettings.create(system)
        .withRememberEntities(true)
        .withRememberEntitiesStoreMode(ClusterShardingSettings.rememberEntitiesStoreModeEventSourced());
  }
}
