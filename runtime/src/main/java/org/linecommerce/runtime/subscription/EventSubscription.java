package org.linecommerce.runtime.subscription;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.HandlerRecoveryStrategy;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.AtLeastOnceProjection;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.linecommerce.runtime.persistence.DataSourceJdbcSession;
import org.linecommerce.runtime.resilience.Stages;
import org.linecommerce.runtime.tracing.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cross-domain reaction: a named handler subscribed to one entity type's tagged events.
 *
 * <h2>Model</h2>
 * <ul>
 *   <li><b>One projection per tag.</b> For each tag of the entity type's {@link EventTags} the
 *       subscription runs one Pekko Projection ({@code JdbcProjection.atLeastOnceAsync}) reading
 *       {@code eventsByTag} from the JDBC read journal, with projection id
 *       {@code (name, tag)}.</li>
 *   <li><b>Spread over the cluster.</b> The projections run as the instances of a
 *       {@code ShardedDaemonProcess} named {@code subscription-<name>}: the cluster keeps each one
 *       running on exactly one node (optionally only nodes with {@link SubscriptionSettings#role()})
 *       and moves it when that node leaves or crashes.</li>
 *   <li><b>Offsets in the database.</b> Each projection stores its offset (the journal's
 *       {@code ordering}) in {@code pekko_projection_offset_store} through a
 *       {@link DataSourceJdbcSession}, every {@code pekko.projection.at-least-once.save-offset-after-envelopes}
 *       events or {@code …-after-duration}. After a restart it resumes from there.</li>
 *   <li><b>At-least-once.</b> Events handled after the last stored offset are handled again after a
 *       crash; handlers must be idempotent (see {@link SubscriptionHandler}).</li>
 *   <li><b>Retry, then dead letter.</b> A failed attempt (failed future, exception, timeout) is
 *       retried with exponential backoff up to {@link SubscriptionSettings#maxAttempts()}. Then the
 *       event goes to the {@link DeadLetterStore} and the projection moves on, so one poison event
 *       does not stop its tag. Only when the dead-letter store itself cannot be written does the
 *       projection fail; it then restarts with backoff from its last stored offset, losing nothing.</li>
 *   <li><b>Redelivery.</b> The subscription registers itself in this node's
 *       {@link SubscriptionRegistry}, so an operator can redeliver a dead letter
 *       ({@code POST /admin/dead-letters/{id}/retry}) to the same handler.</li>
 *   <li><b>Metrics.</b> {@code subscription.events.processed}, {@code .retried},
 *       {@code .dead_lettered} and {@code subscription.dead_letters.redelivered}, tagged with the
 *       subscription name; {@code subscription_lag_seconds} ({@link SubscriptionMetrics}) and
 *       {@code subscription_dead_letters} ({@link DeadLetterGauge}).</li>
 * </ul>
 *
 * <pre>{@code
 * EventSubscription.start(system, "gateway-reservation-expired", Reservation.TAGS,
 *     Reservation.Event.class, new ReservationExpiredHandler(client),
 *     SubscriptionSettings.create(system).withRole("gateway"));
 * }</pre>
 *
 * @param <E> the event type read (the entity's event interface); events of other types found
 *     under the tags are sent straight to the dead-letter store
 */
public final class EventSubscription<E> {

  private static final Logger log = LoggerFactory.getLogger(EventSubscription.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,199}");
  private static final int MAX_ERROR_LENGTH = 4000;

  private final ActorSystem<?> system;
  private final String name;
  private final EventTags tags;
  private final Class<E> eventClass;
  private final SubscriptionHandler<E> handler;
  private final SubscriptionSettings settings;
  private final SubscriptionMetrics metrics;
  private final DeadLetterStore deadLetters;

  private EventSubscription(
      ActorSystem<?> system,
      String name,
      EventTags tags,
      Class<E> eventClass,
      SubscriptionHandler<E> handler,
      SubscriptionSettings settings) {
    this.system = system;
    this.name = name;
    this.tags = tags;
    this.eventClass = eventClass;
    this.handler = handler;
    this.settings = settings;
    this.metrics = SubscriptionMetrics.of(system, name);
    this.deadLetters = DeadLetterStore.get(system);
    DeadLetterGauge.get(system).track(name);
  }

  /** Starts subscription {@code name} with the settings under {@code linecommerce.subscriptions}. */
  public static <E> EventSubscription<E> start(
      ActorSystem<?> system, String name, EventTags tags, Class<E> eventClass, SubscriptionHandler<E> handler) {
    return start(system, name, tags, eventClass, handler, SubscriptionSettings.create(system));
  }

  /**
   * Starts subscription {@code name}: registers its handler on this node and runs one projection
   * per tag of {@code tags} under a sharded daemon process. Call it once per node (on every node
   * that should be able to redeliver its dead letters; the projections themselves run only on
   * nodes with {@code settings.role()} when set). The name identifies the stored offsets and dead
   * letters: renaming a subscription starts it over from the beginning of the journal.
   *
   * @throws IllegalArgumentException if {@code name} is not 1–200 of {@code [A-Za-z0-9_.-]}
   * @throws IllegalStateException if a subscription with this name already runs on this node
   */
  public static <E> EventSubscription<E> start(
      ActorSystem<?> system,
      String name,
      EventTags tags,
      Class<E> eventClass,
      SubscriptionHandler<E> handler,
      SubscriptionSettings settings) {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(tags, "tags");
    Objects.requireNonNull(eventClass, "eventClass");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(settings, "settings");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "subscription name must be 1-200 characters of [A-Za-z0-9_.-], starting with a letter or digit: " + name);
    }
    EventSubscription<E> subscription = new EventSubscription<>(system, name, tags, eventClass, handler, settings);
    SubscriptionRegistry.get(system).register(subscription);

    ShardedDaemonProcessSettings daemonSettings = ShardedDaemonProcessSettings.create(system);
    if (settings.role().isPresent()) daemonSettings = daemonSettings.withRole(settings.role().get());
    List<String> tagList = tags.all();
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        "subscription-" + name,
        tagList.size(),
        index -> subscription.projectionBehavior(tagList.get(index)),
        daemonSettings,
        Optional.of(ProjectionBehavior.stopMessage()));
    log.info("Subscription {} started on tags {} (projections on {})",
        name, tagList, settings.role().map(r -> "nodes with role " + r).orElse("any node"));
    return subscription;
  }

  public String name() {
    return name;
  }

  public EventTags tags() {
    return tags;
  }

  public Class<E> eventClass() {
    return eventClass;
  }

  public SubscriptionSettings settings() {
    return settings;
  }

  /** The projection ids, one per tag: {@code (name, tag)}; they key the stored offsets. */
  public List<ProjectionId> projectionIds() {
    return tags.all().stream().map(tag -> ProjectionId.of(name, tag)).toList();
  }

  private Behavior<ProjectionBehavior.Command> projectionBehavior(String tag) {
    SourceProvider<Offset, EventEnvelope<Object>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    AtLeastOnceProjection<Offset, EventEnvelope<Object>> projection =
        JdbcProjection.atLeastOnceAsync(
                ProjectionId.of(name, tag),
                source,
                () -> DataSourceJdbcSession.open(system),
                () -> new DeliveringHandler(),
                system)
            // retries happen inside the handler (then the dead-letter store); a failure reaching
            // the projection means the store is unwritable: fail and restart from the stored offset
            .withRecoveryStrategy(HandlerRecoveryStrategy.fail());
    return ProjectionBehavior.create(projection);
  }

  /** The projection's handler: every envelope through retries and, at worst, the dead-letter store. */
  private final class DeliveringHandler extends Handler<EventEnvelope<Object>> {
    @Override
    public CompletionStage<Done> process(EventEnvelope<Object> envelope) {
      Instant timestamp = Instant.ofEpochMilli(envelope.timestamp());
      Object event = envelope.event();
      if (!eventClass.isInstance(event)) {
        EventDelivery<Object> delivery =
            new EventDelivery<>(name, envelope.persistenceId(), envelope.sequenceNr(), event, timestamp, 1, false);
        IllegalArgumentException error = new IllegalArgumentException(
            "event " + event.getClass().getName() + " is not a " + eventClass.getName() + " (tag shared by another entity type?)");
        return deadLetter(delivery, error);
      }
      return attempt(new EventDelivery<>(
          name, envelope.persistenceId(), envelope.sequenceNr(), eventClass.cast(event), timestamp, 1, false));
    }
  }

  private CompletionStage<Done> attempt(EventDelivery<E> delivery) {
    return invoke(delivery)
        .handle((done, failure) -> {
          if (failure == null) {
            metrics.processed.increment();
            metrics.handled(delivery.timestamp());
            return CompletableFuture.completedFuture(Done.getInstance());
          }
          Throwable cause = Stages.unwrap(failure);
          if (delivery.attempt() >= settings.maxAttempts()) {
            return deadLetter(delivery, cause);
          }
          metrics.retried.increment();
          java.time.Duration backoff = settings.backoffAfter(delivery.attempt());
          LogContext.run(metaOf(delivery), delivery.persistenceId(), () -> log.info(
              "Subscription {}: attempt {}/{} for {} failed ({}); retrying in {} ms",
              name, delivery.attempt(), settings.maxAttempts(), delivery.eventKey(), describe(cause), backoff.toMillis()));
          return Patterns.after(backoff, system, () -> attempt(delivery.nextAttempt()));
        })
        .thenCompose(next -> next);
  }

  private CompletionStage<Done> deadLetter(EventDelivery<?> delivery, Throwable cause) {
    LogContext.run(metaOf(delivery), delivery.persistenceId(), () -> log.warn(
        "Subscription {}: {} failed after {} attempt(s), sent to the dead-letter store: {}",
        name, delivery.eventKey(), delivery.attempt(), describe(cause)));
    return deadLetters
        .record(delivery, describe(cause), delivery.attempt())
        .thenApply(stored -> {
          metrics.deadLettered.increment();
          return Done.getInstance();
        });
  }

  /**
   * One attempt, for a redelivery from the dead-letter store: no retries (the operator decides),
   * the same timeout as a normal attempt.
   */
  CompletionStage<Done> redeliver(DeadLetter deadLetter, Object event) {
    if (!eventClass.isInstance(event)) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "event " + event.getClass().getName() + " is not a " + eventClass.getName()));
    }
    EventDelivery<E> delivery = new EventDelivery<>(
        name, deadLetter.persistenceId(), deadLetter.sequenceNr(), eventClass.cast(event),
        deadLetter.eventTimestamp(), deadLetter.attempts() + 1, true);
    return invoke(delivery).thenApply(done -> {
      metrics.redelivered.increment();
      return done;
    });
  }

  /** Calls the handler once; a thrown exception, a null future or a timeout become a failed future. */
  private CompletionStage<Done> invoke(EventDelivery<E> delivery) {
    CompletableFuture<Done> result = new CompletableFuture<>();
    try {
      // the event's correlation and trace id on what the handler logs while it starts
      CompletionStage<Done> stage;
      try (LogContext.Scope ignored = LogContext.open(metaOf(delivery), delivery.persistenceId())) {
        stage = handler.handle(delivery);
      }
      if (stage == null) throw new NullPointerException("handler returned no CompletionStage");
      stage.whenCompleteAsync((done, failure) -> {
        if (failure != null) result.completeExceptionally(failure);
        else result.complete(Done.getInstance());
      }, system.executionContext());
    } catch (Throwable e) {
      result.completeExceptionally(e);
    }
    return Stages.orTimeout(result, settings.handlerTimeout(), system);
  }

  private static org.linecommerce.runtime.MessageMeta metaOf(EventDelivery<?> delivery) {
    return delivery.event() instanceof org.linecommerce.runtime.DomainEvent d ? d.meta() : null;
  }


  /** {@code SimpleClassName: message}, bounded to what the dead-letter table keeps. */
  static String describe(Throwable failure) {
    Throwable t = Stages.unwrap(failure);
    String text = t instanceof TimeoutException
        ? "TimeoutException: handler did not complete in time"
        : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH - 1) + "…";
  }

  @Override
  public String toString() {
    return "EventSubscription[" + name + " on " + tags + "]";
  }
}
