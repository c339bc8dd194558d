package org.linecommerce.runtime.entity;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.MessageMeta;

/**
 * A test entity that uses the three mechanisms as a real one would: a counter that is remembered,
 * passivates when idle unless it is {@code held}, and records a milestone each time a command
 * makes it pass a multiple of ten (a decision that needs the count after the command's own add).
 */
final class Tally extends EventSourcedBehaviorWithEnforcedReplies<Tally.Command, Tally.Event, Tally.State> {

  static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "Tally");

  interface Command extends CborSerializable {}

  record Add(int amount, MessageMeta meta, ActorRef<State> replyTo) implements Command {}

  record Hold(boolean held, ActorRef<State> replyTo) implements Command {}

  record Get(ActorRef<State> replyTo) implements Command {}

  enum Idle implements Command { INSTANCE }

  interface Event extends CborSerializable {
    MessageMeta meta();
  }

  record Added(int amount, MessageMeta meta) implements Event {}

  record MilestonePassed(int milestone, MessageMeta meta) implements Event {}

  record HoldChanged(boolean held, MessageMeta meta) implements Event {}

  record State(int count, int milestones, boolean held) implements CborSerializable {
    State apply(Event e) {
      if (e instanceof Added a) return new State(count + a.amount(), milestones, held);
      if (e instanceof MilestonePassed) return new State(count, milestones + 1, held);
      if (e instanceof HoldChanged h) return new State(count, milestones, h.held());
      throw new IllegalArgumentException(String.valueOf(e));
    }
  }

  private final IdlePassivation<Command, State> passivation;

  private Tally(String id, IdlePassivation<Command, State> passivation) {
    super(PersistenceId.of(KEY.name(), id));
    this.passivation = passivation;
  }

  static Behavior<Command> create(String id, ActorRef<ClusterSharding.ShardCommand> shard, Duration idleAfter) {
    return create(id, shard, idleAfter, null);
  }

  /** With a limit of active tallies ({@code active}, null: none). */
  static Behavior<Command> create(String id, ActorRef<ClusterSharding.ShardCommand> shard, Duration idleAfter,
      ActiveEntities active) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Tally(id,
        new IdlePassivation<>(ctx, timers, shard, idleAfter, Idle.INSTANCE, s -> !s.held(), active))));
  }

  @Override
  public State emptyState() {
    return new State(0, 0, false);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return passivation.restartOnEveryCommand(newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Add.class, (state, cmd) -> {
          Transition<Event, State> t = new Transition<>(state, State::apply, cmd.meta(), "tally");
          t.add(new Added(cmd.amount(), t.meta()));
          if (t.state().count() / 10 > state.count() / 10) t.add(new MilestonePassed(t.state().count() / 10 * 10, t.meta()));
          return t.persist().thenReply(cmd.replyTo(), s -> s);
        })
        .onCommand(Hold.class, (state, cmd) -> {
          Transition<Event, State> t = new Transition<>(state, State::apply, null, "tally");
          t.add(new HoldChanged(cmd.held(), t.meta()));
          return t.persist().thenReply(cmd.replyTo(), s -> s);
        })
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state))
        .onCommand(Idle.class, (state, cmd) -> passivation.onIdle(state))
        .build());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (state, event) -> state.apply(event);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> passivation.restart())
        .onSignal(PostStop.instance(), state -> passivation.stopped())
        .build();
  }
}
