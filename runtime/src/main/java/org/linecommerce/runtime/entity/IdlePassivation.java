package org.linecommerce.runtime.entity;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * An entity leaves memory once it got no command for {@code idleAfter} and its state says it may
 * ({@code mayPassivate}: a product without active reservations, a saga that is not live). An
 * entity that may not stays, however long it is idle; the next command restarts the count.
 *
 * <p>How to use it in an event-sourced entity with the command type {@code C} and an entity-private
 * idle message {@code idle} (no reply, never sent by anyone else):
 *
 * <ol>
 *   <li>wrap the command handler with {@link #restartOnEveryCommand}, which (re)arms the timer on
 *       every command but the idle message;
 *   <li>{@link #restart()} in the {@code RecoveryCompleted} signal handler, so an entity that
 *       remember-entities woke up and nobody messages still leaves;
 *   <li>handle the idle message in every state with {@link #onIdle}.
 * </ol>
 *
 * When it may, {@link #onIdle} tells the shard {@code ClusterSharding.Passivate} (which stops the
 * entity after the messages already queued and, for a remembered entity type, forgets it); outside
 * sharding (shard null, e.g. in an {@code EventSourcedBehaviorTestKit}) the entity stops itself.
 * The timer has its own key, so the entity's other timers are not affected (but
 * {@code timers.cancelAll()} would cancel it too: cancel timers by key instead).
 *
 * <p>With {@link ActiveEntities} (a per-node limit of the type's entities in memory) every command
 * also marks the entity used, and the least recently used entity above the limit gets the idle
 * message at once; then also call {@link #stopped()} in the {@code PostStop} signal handler.
 *
 * @param <C> the entity's command type
 * @param <S> the entity's state type
 */
public final class IdlePassivation<C, S> {

  private static final Object TIMER_KEY = new Object() {
    @Override
    public String toString() {
      return "idle-passivation";
    }
  };

  private final ActorContext<C> context;
  private final TimerScheduler<C> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Duration idleAfter;
  private final C idle;
  private final Predicate<S> mayPassivate;
  private final ActiveEntities active;

  /**
   * @param shard the entity's shard; null outside sharding
   * @param idleAfter how long without commands before the entity asks itself whether to leave
   * @param idle the message the timer sends; handle it with {@link #onIdle}
   * @param mayPassivate whether the entity may leave memory in a state
   */
  public IdlePassivation(
      ActorContext<C> context,
      TimerScheduler<C> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Duration idleAfter,
      C idle,
      Predicate<S> mayPassivate) {
    this(context, timers, shard, idleAfter, idle, mayPassivate, null);
  }

  /**
   * As above, with the node's limit of active entities of the type ({@code active}; null: no limit).
   */
  public IdlePassivation(
      ActorContext<C> context,
      TimerScheduler<C> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Duration idleAfter,
      C idle,
      Predicate<S> mayPassivate,
      ActiveEntities active) {
    this.active = active;
    this.context = Objects.requireNonNull(context, "context");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.shard = shard;
    this.idleAfter = Objects.requireNonNull(idleAfter, "idleAfter");
    this.idle = Objects.requireNonNull(idle, "idle");
    this.mayPassivate = Objects.requireNonNull(mayPassivate, "mayPassivate");
  }

  /** (Re)arms the idle timer: the entity is idle {@code idleAfter} from now unless a command comes. */
  public void restart() {
    timers.startSingleTimer(TIMER_KEY, idle, idleAfter);
    if (active != null) active.touch(context.getSelf(), idle);
  }

  /** The entity stopped (its {@code PostStop} signal): it no longer counts against the active limit. */
  public void stopped() {
    if (active != null) active.remove(context.getSelf());
  }

  /** Whether {@code command} is the idle message. */
  public boolean isIdle(C command) {
    return idle.equals(command);
  }

  /** {@code handler} behind a restart of the idle timer on every command but the idle message. */
  public <E> CommandHandlerWithReply<C, E, S> restartOnEveryCommand(CommandHandlerWithReply<C, E, S> handler) {
    Objects.requireNonNull(handler, "handler");
    return (state, command) -> {
      if (!isIdle(command)) restart();
      return handler.apply(state, command);
    };
  }

  /**
   * The effect of the idle message in {@code state}: nothing when the entity may not passivate;
   * otherwise a passivation request to the shard, or a stop outside sharding. No reply either way.
   */
  public <E> ReplyEffect<E, S> onIdle(S state) {
    EffectFactories<E, S> effect = new EffectFactories<>();
    if (!mayPassivate.test(state)) return effect.noReply();
    if (active != null) active.remove(context.getSelf());
    if (shard != null) {
      context.getLog().debug("{} is idle and passivates", context.getSelf().path().name());
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
      return effect.noReply();
    }
    return effect.stop().thenNoReply();
  }
}
