package org.linecommerce.bench;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.linecommerce.runtime.entity.RememberedEntities;

/**
 * {@link MemoryBenchmark}'s floor: the smallest entity sharded and persisted the way a
 * {@code Conversation} is (remembered sharding, event-sourced, same node, same journal) with an
 * empty state, one command that only replies, no timers, no logging context. What one of these
 * costs in heap is what Pekko's machinery costs per active entity, before any state of ours.
 */
final class BareEntity extends EventSourcedBehavior<BareEntity.Ping, Object, Integer> {

  /** Replies {@code Done}. */
  record Ping(ActorRef<Done> replyTo) {}

  static final EntityTypeKey<Ping> KEY = EntityTypeKey.create(Ping.class, "BenchBare");
  private static final Integer EMPTY = 0;

  private BareEntity(String id) {
    super(PersistenceId.of(KEY.name(), id));
  }

  static void init(ActorSystem<?> system) {
    RememberedEntities.init(system, KEY, null, (id, shard) -> new BareEntity(id));
  }

  @Override
  public Integer emptyState() {
    return EMPTY;
  }

  @Override
  public CommandHandler<Ping, Object, Integer> commandHandler() {
    return (state, ping) -> Effect().none().thenRun(s -> ping.replyTo().tell(Done.getInstance()));
  }

  @Override
  public EventHandler<Integer, Object> eventHandler() {
    return (state, event) -> state;
  }
}
