package org.linecommerce.runtime.saga;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.linecommerce.runtime.CborSerializable;

/**
 * A saga participant for tests: a sharded event-sourced ledger that applies each command id's
 * effect once. A command id seen again is recorded as a duplicate and answered like the first time,
 * so deduplication is observable. Undo works by the action's command id and is idempotent; an undo
 * that arrives before its action leaves a tombstone, and the late action is then refused (what a
 * real participant must do when a saga compensates a step whose outcome it does not know).
 *
 * <p>Per effect it can be told ({@link Configure}) to refuse ({@link Mode#FAIL}), answer late
 * ({@link Mode#SLOW}), apply but never answer ({@link Mode#NO_REPLY}: the reply is lost), or refuse
 * undos ({@link Mode#FAIL_UNDO}). Modes live in memory only: after a restart the ledger is normal.
 */
public final class Ledger extends EventSourcedBehaviorWithEnforcedReplies<Ledger.Command, Ledger.Event, Ledger.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "SagaTestLedger");

  public enum Mode { NORMAL, FAIL, SLOW, NO_REPLY, FAIL_UNDO }

  public sealed interface Command extends CborSerializable {}

  /** Applies {@code effect} once per command id; replies "applied &lt;effect&gt;", or an error when refused. */
  public record Apply(String commandId, String effect, ActorRef<StatusReply<String>> replyTo) implements Command {}

  /** Undoes action {@code commandId}; replies "undone &lt;effect&gt;" or "nothing to undo", or an error when refused. */
  public record Undo(String commandId, String compensationId, String effect, ActorRef<StatusReply<String>> replyTo)
      implements Command {}

  /** Sets the fault mode of {@code effect} ({@code delay} for SLOW); replies Done. */
  public record Configure(String effect, Mode mode, Duration delay, ActorRef<Done> replyTo) implements Command {}

  /** Replies a {@link Snapshot}. */
  public record Get(ActorRef<Snapshot> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record Applied(String commandId, String effect) implements Event {}

  public record DuplicateSeen(String commandId, String effect) implements Event {}

  public record Undone(String commandId, String effect) implements Event {}

  public record Tombstoned(String commandId, String effect) implements Event {}

  /**
   * @param log "apply:&lt;effect&gt;" and "undo:&lt;effect&gt;" in the order they took effect
   * @param applications effect → times it was applied (1 when dedup works)
   * @param deliveries effect → times an Apply for it arrived (repeats included)
   */
  public record Snapshot(List<String> log, Map<String, Integer> applications, Map<String, Integer> deliveries, int duplicatesSeen)
      implements CborSerializable {
    public int applied(String effect) {
      return applications.getOrDefault(effect, 0);
    }

    public int delivered(String effect) {
      return deliveries.getOrDefault(effect, 0);
    }
  }

  public record State(
      Map<String, String> applied,
      Set<String> undone,
      Set<String> tombstones,
      List<String> log,
      Map<String, Integer> applications,
      Map<String, Integer> deliveries,
      int duplicatesSeen)
      implements CborSerializable {}

  private final ActorContext<Command> context;
  private final Map<String, Configure> modes = new HashMap<>();

  private Ledger(String id, ActorContext<Command> context) {
    super(PersistenceId.of(ENTITY_KEY.name(), id),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
  }

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
        ctx -> Behaviors.setup(context -> new Ledger(ctx.getEntityId(), context))));
  }

  public static EntityRef<Command> ref(ActorSystem<?> system, String id) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, id);
  }

  @Override
  public State emptyState() {
    return new State(Map.of(), Set.of(), Set.of(), List.of(), Map.of(), Map.of(), 0);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Apply.class, this::onApply)
        .onCommand(Undo.class, this::onUndo)
        .onCommand(Configure.class, (state, cmd) -> {
          modes.put(cmd.effect(), cmd);
          return Effect().reply(cmd.replyTo(), Done.getInstance());
        })
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
            new Snapshot(state.log(), state.applications(), state.deliveries(), state.duplicatesSeen())))
        .build();
  }

  private ReplyEffect<Event, State> onApply(State state, Apply cmd) {
    Configure mode = modes.getOrDefault(cmd.effect(), new Configure(cmd.effect(), Mode.NORMAL, Duration.ZERO, null));
    if (mode.mode() == Mode.FAIL) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("refused " + cmd.effect()));
    }
    if (state.tombstones().contains(cmd.commandId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(cmd.effect() + " was compensated before it arrived"));
    }
    Event event = state.applied().containsKey(cmd.commandId())
        ? new DuplicateSeen(cmd.commandId(), cmd.effect())
        : new Applied(cmd.commandId(), cmd.effect());
    StatusReply<String> reply = StatusReply.success("applied " + cmd.effect());
    return switch (mode.mode()) {
      case NO_REPLY -> Effect().persist(event).thenNoReply();
      case SLOW -> Effect().persist(event)
          .thenRun(() -> context.scheduleOnce(mode.delay(), cmd.replyTo(), reply))
          .thenNoReply();
      default -> Effect().persist(event).thenReply(cmd.replyTo(), s -> reply);
    };
  }

  private ReplyEffect<Event, State> onUndo(State state, Undo cmd) {
    Configure mode = modes.get(cmd.effect());
    if (mode != null && mode.mode() == Mode.FAIL_UNDO) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("cannot undo " + cmd.effect()));
    }
    if (state.undone().contains(cmd.commandId()) || state.tombstones().contains(cmd.commandId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success("undone " + cmd.effect()));
    }
    if (state.applied().containsKey(cmd.commandId())) {
      return Effect().persist(new Undone(cmd.commandId(), cmd.effect()))
          .thenReply(cmd.replyTo(), s -> StatusReply.success("undone " + cmd.effect()));
    }
    return Effect().persist(new Tombstoned(cmd.commandId(), cmd.effect()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success("nothing to undo"));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Applied.class, (s, e) -> new State(
            put(s.applied(), e.commandId(), e.effect()), s.undone(), s.tombstones(), append(s.log(), "apply:" + e.effect()),
            increment(s.applications(), e.effect()), increment(s.deliveries(), e.effect()), s.duplicatesSeen()))
        .onEvent(DuplicateSeen.class, (s, e) -> new State(
            s.applied(), s.undone(), s.tombstones(), s.log(), s.applications(), increment(s.deliveries(), e.effect()),
            s.duplicatesSeen() + 1))
        .onEvent(Undone.class, (s, e) -> new State(
            s.applied(), add(s.undone(), e.commandId()), s.tombstones(), append(s.log(), "undo:" + e.effect()),
            s.applications(), s.deliveries(), s.duplicatesSeen()))
        .onEvent(Tombstoned.class, (s, e) -> new State(
            s.applied(), s.undone(), add(s.tombstones(), e.commandId()), s.log(), s.applications(), s.deliveries(),
            s.duplicatesSeen()))
        .build();
  }

  private static <K, V> Map<K, V> put(Map<K, V> map, K key, V value) {
    Map<K, V> next = new HashMap<>(map);
    next.put(key, value);
    return Map.copyOf(next);
  }

  private static Map<String, Integer> increment(Map<String, Integer> map, String key) {
    return put(map, key, map.getOrDefault(key, 0) + 1);
  }

  private static Set<String> add(Set<String> set, String value) {
    Set<String> next = new HashSet<>(set);
    next.add(value);
    return Set.copyOf(next);
  }

  private static List<String> append(List<String> list, String value) {
    List<String> next = new ArrayList<>(list);
    next.add(value);
    return List.copyOf(next);
  }
}
