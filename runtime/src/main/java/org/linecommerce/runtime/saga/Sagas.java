package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.linecommerce.runtime.resilience.Stages;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.http.Json;

/**
 * The node's saga registry and client facade. Modules {@link #register} their definitions on every
 * node (a saga runs, and resumes, wherever its shard lives); anyone then starts, signals and reads
 * sagas by id. The first facade call starts the {@link Saga} sharding ({@link Saga#init}) if no one
 * did. Failed writes complete the stage exceptionally with the saga's error message
 * ({@code StatusReply.ErrorMessage}) or an ask timeout ({@code linecommerce.sagas.ask-timeout}).
 */
public final class Sagas implements Extension {

  private final ActorSystem<?> system;
  private final ObjectMapper mapper;
  private final Duration askTimeout;
  private final ConcurrentMap<String, SagaDefinition<?>> definitions = new ConcurrentHashMap<>();
  private final AtomicBoolean shardingStarted = new AtomicBoolean();

  private Sagas(ActorSystem<?> system) {
    this.system = system;
    this.mapper = Json.mapper(system);
    this.askTimeout = system.settings().config().getDuration("linecommerce.sagas.ask-timeout");
  }

  public static Sagas get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /**
   * Makes {@code definition} known under its name on this node; registering the same instance again
   * is a no-op, another definition with a taken name is refused ({@link IllegalStateException}).
   */
  public <D> SagaDefinition<D> register(SagaDefinition<D> definition) {
    SagaDefinition<?> previous = definitions.putIfAbsent(definition.name(), definition);
    if (previous != null && previous != definition) {
      throw new IllegalStateException("a saga definition named " + definition.name() + " is already registered");
    }
    return definition;
  }

  public Optional<SagaDefinition<?>> definition(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(definitions.get(name));
  }

  /** Starts saga {@code sagaId} (idempotent per id); completes with its summary. */
  public <D> CompletionStage<Saga.Summary> start(String sagaId, SagaDefinition<D> definition, D input) {
    return start(sagaId, definition, input, null);
  }

  /** Like {@link #start(String, SagaDefinition, Object)} with the metadata of the causing request. */
  public <D> CompletionStage<Saga.Summary> start(
      String sagaId, SagaDefinition<D> definition, D input, MessageMeta meta) {
    if (definitions.get(definition.name()) != definition) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "saga definition " + definition.name() + " is not registered on this node"));
    }
    String json;
    try {
      json = mapper.writeValueAsString(input);
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("saga input is not JSON: " + e.getOriginalMessage(), e));
    }
    return Stages.onSystem(entityRef(sagaId).<Saga.Summary>askWithStatus(
        replyTo -> new Saga.Start(definition.name(), json, meta, replyTo), askTimeout), system);
  }

  /**
   * Signals step {@code step} of saga {@code sagaId} with {@code payload} (any JSON-able value);
   * completes with the summary after the signal was recorded.
   */
  public CompletionStage<Saga.Summary> signal(String sagaId, String step, Object payload) {
    return signal(sagaId, step, payload, null);
  }

  public CompletionStage<Saga.Summary> signal(String sagaId, String step, Object payload, MessageMeta meta) {
    String json;
    try {
      json = mapper.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("signal payload is not JSON: " + e.getOriginalMessage(), e));
    }
    return Stages.onSystem(entityRef(sagaId).<Saga.Summary>askWithStatus(
        replyTo -> new Saga.Signal(step, json, meta, replyTo), askTimeout), system);
  }

  /** Status and timeline of saga {@code sagaId}; {@code exists()} is false for an unknown id. */
  public CompletionStage<Saga.Summary> status(String sagaId) {
    return Stages.onSystem(entityRef(sagaId).ask(Saga.GetStatus::new, askTimeout), system);
  }

  /**
   * The summary of saga {@code sagaId} once it has reached {@code step} (see {@link Saga.AwaitStep}),
   * or as it is after {@code within}; fails only when the saga does not answer at all.
   */
  public CompletionStage<Saga.Summary> awaitStep(String sagaId, String step, java.time.Duration within) {
    return Stages.onSystem(entityRef(sagaId).<Saga.Summary>ask(
        replyTo -> new Saga.AwaitStep(step, within, replyTo), within.plus(askTimeout)), system);
  }

  public EntityRef<Saga.Command> entityRef(String sagaId) {
    startSharding();
    return ClusterSharding.get(system).entityRefFor(Saga.ENTITY_KEY, sagaId);
  }

  void startSharding() {
    if (shardingStarted.compareAndSet(false, true)) Saga.startSharding(system);
  }

  static final class Id extends ExtensionId<Sagas> {
    static final Id INSTANCE = new Id();

    @Override
    public Sagas createExtension(ActorSystem<?> system) {
      return new Sagas(system);
    }
  }
}
