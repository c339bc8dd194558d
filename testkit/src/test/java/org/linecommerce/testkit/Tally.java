package org.linecommerce.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.NodeContext;

/**
 * A test entity: a running total per id, sharded and event-sourced, snapshotting every 5 events.
 * Its state counts the events applied so a test can tell that recovery replayed every one.
 */
public final class Tally extends EventSourcedBehaviorWithEnforcedReplies<Tally.Command, Tally.Event, Tally.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Tally");
  static final String ROLE = "catalog";
  static final List<String> TAGS = List.of("tally-0", "tally-1", "tally-2");

  public sealed interface Command extends CborSerializable {}

  /** Adds {@code amount}; replies the new total. */
  public record Add(int amount, ActorRef<StatusReply<Integer>> replyTo) implements Command {}

  /** Replies the state and the address of the node hosting the entity. */
  public record Get(ActorRef<Snapshot> replyTo) implements Command {}

  public record Snapshot(int total, int eventsApplied, String hostAddress) implements CborSerializable {}

  public record Added(int amount) implements CborSerializable, Event {}

  public sealed interface Event extends CborSerializable permits Added {}

  public record State(int total, int eventsApplied) implements CborSerializable {}

  private final String id;
  private final String hostAddress;

  private Tally(String id, String hostAddress) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), id),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.id = id;
    this.hostAddress = hostAddress;
  }

  public static Behavior<Command> create(String id, String hostAddress) {
    return new Tally(id, hostAddress);
  }

  public static void init(ActorSystem<?> system) {
    String host = system.address().toString();
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), host)).withRole(ROLE));
  }

  /** Tally as a module, so tests can start it on real nodes. */
  public static DomainModule module() {
    return new DomainModule() {
      @Override
      public String name() {
        return "tally";
      }

      @Override
      public String role() {
        return ROLE;
      }

      @Override
      public void init(NodeContext context) {
        Tally.init(context.system());
      }

      @Override
      public Optional<Route> routes(NodeContext context) {
        return Optional.of(Directives.path("tally-host", () -> Directives.complete(context.system().address().toString())));
      }
    };
  }

  @Override
  public State emptyState() {
    return new State(0, 0);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Add.class, (state, cmd) -> Effect().persist(new Added(cmd.amount()))
            .thenReply(cmd.replyTo(), s -> StatusReply.success(s.total())))
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
            new Snapshot(state.total(), state.eventsApplied(), hostAddress)))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Added.class, (state, e) -> new State(state.total() + e.amount(), state.eventsApplied() + 1))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(5, 2);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(TAGS.get(Math.abs(id.hashCode() % TAGS.size())));
  }

}
