package org.linecommerce.runtime.subscription;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.Done;
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
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.NodeContext;

/**
 * A test entity whose only job is to persist tagged events: each {@link Emit} persists one
 * {@link Emitted} carrying a test-chosen unique id, tagged by {@link #TAGS} (4 tags), so a
 * subscription test can tell exactly which events reached its handler.
 */
public final class Beacon extends EventSourcedBehaviorWithEnforcedReplies<Beacon.Command, Beacon.Event, Beacon.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Beacon");
  public static final EventTags TAGS = EventTags.of("beacon", 4);

  public sealed interface Command extends CborSerializable {}

  /** Persists {@code Emitted(eventId)}; replies when it is stored. */
  public record Emit(String eventId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable permits Emitted {}

  public record Emitted(String eventId) implements Event {}

  public record State(int emitted) implements CborSerializable {}

  private final String id;

  private Beacon(String id) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), id),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.id = id;
  }

  public static Behavior<Command> create(String id) {
    return new Beacon(id);
  }

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  /** Asks entity {@code entityId} to persist an event with id {@code eventId}. */
  public static CompletionStage<Done> emit(ActorSystem<?> system, String entityId, String eventId) {
    return ClusterSharding.get(system)
        .entityRefFor(ENTITY_KEY, entityId)
        .askWithStatus(r -> new Emit(eventId, r), Duration.ofSeconds(15));
  }

  /** Beacon as a node module; {@code subscriptions} runs on hosting nodes after sharding starts. */
  public static DomainModule module(Consumer<ActorSystem<?>> subscriptions) {
    return new DomainModule() {
      @Override
      public String name() {
        return "beacon";
      }

      @Override
      public String role() {
        return "catalog";
      }

      @Override
      public void init(NodeContext context) {
        Beacon.init(context.system());
        if (context.hosts(role())) subscriptions.accept(context.system());
      }
    };
  }

  @Override
  public State emptyState() {
    return new State(0);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Emit.class, (state, cmd) -> Effect().persist(new Emitted(cmd.eventId()))
            .thenReply(cmd.replyTo(), s -> StatusReply.ack()))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Emitted.class, (state, e) -> new State(state.emitted() + 1))
        .build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return TAGS.tagsFor(id);
  }
}
