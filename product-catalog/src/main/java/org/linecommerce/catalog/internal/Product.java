package org.linecommerce.catalog.internal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.linecommerce.catalog.api.ProductCommand;
import org.linecommerce.catalog.api.ProductCommand.AdjustStock;
import org.linecommerce.catalog.api.ProductCommand.ChangePrice;
import org.linecommerce.catalog.api.ProductCommand.Commit;
import org.linecommerce.catalog.api.ProductCommand.Discontinue;
import org.linecommerce.catalog.api.ProductCommand.Get;
import org.linecommerce.catalog.api.ProductCommand.GetReservation;
import org.linecommerce.catalog.api.ProductCommand.Release;
import org.linecommerce.catalog.api.ProductCommand.Reserve;
import org.linecommerce.catalog.api.ProductCommand.Revert;
import org.linecommerce.catalog.api.ProductCommand.Upsert;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.ProductEvent.PriceChanged;
import org.linecommerce.catalog.api.ProductEvent.ProductCreated;
import org.linecommerce.catalog.api.ProductEvent.ProductDiscontinued;
import org.linecommerce.catalog.api.ProductEvent.ProductUpdated;
import org.linecommerce.catalog.api.ProductEvent.ReservationCommitted;
import org.linecommerce.catalog.api.ProductEvent.ReservationRefused;
import org.linecommerce.catalog.api.ProductEvent.ReservationReleased;
import org.linecommerce.catalog.api.ProductEvent.ReservationReverted;
import org.linecommerce.catalog.api.ProductEvent.StockAdjusted;
import org.linecommerce.catalog.api.ProductEvent.StockReserved;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.catalog.internal.ProductDecider.Decision;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.entity.IdlePassivation;
import org.linecommerce.runtime.entity.RememberedEntities;
import org.linecommerce.runtime.subscription.EventTags;

/**
 * One product: its data (names, descriptions, category, tags, price, stock on hand), whether it is
 * discontinued, and the stock reservations held on it. A sharded event-sourced entity (type
 * {@code Product}, role {@code catalog}, entity id = product id) speaking {@link ProductCommand}
 * and persisting {@link ProductEvent}s, tagged {@code product-0..N-1} for the search read model
 * and for higher domains (an expired reservation is news for the customer).
 *
 * <p>Three parts: the {@link State} (data, discontinued, and a {@link ReservationBook} that holds
 * the reservations and remembers closed outcomes), the {@link ProductDecider} (what each command
 * decides, pure) and this class, which wires them to Pekko: the command handler table, the event
 * handler table ({@link #EVENTS}) and the expiry timer. Remembered sharding and idle passivation
 * are the runtime's ({@link RememberedEntities}, {@link IdlePassivation}), shared with the sagas.
 *
 * <p><b>Stock.</b> {@code available} = stock on hand − units held by active reservations, never
 * below zero: a reserve is granted only when enough units are available, and the stock on hand
 * cannot be set below what is reserved. The entity handles one command at a time, so concurrent
 * reserves from anywhere in the cluster never oversell.
 *
 * <p><b>Reservations.</b> Each carries an absolute expiry. One timer is armed for the earliest
 * expiry; when it fires, every overdue reservation is released with reason {@code expired}. Commands
 * that depend on availability release overdue ones first, so a late timer never refuses stock that
 * is free. Decisions are idempotent per reservation id: the product remembers every active
 * reservation and the outcome of the last {@value ReservationBook#REMEMBERED_OUTCOMES} closed ones
 * (see {@link ReservationBook} for what a retried command gets once its id is forgotten). Refusals
 * are persisted ({@code ReservationRefused}) for that reason.
 *
 * <p><b>Waking up.</b> Nobody messages a product whose node crashed, yet its reservations must
 * expire. The entity type therefore uses remember-entities with the event-sourced store (as the
 * saga engine does): the shard restarts its remembered products after a crash or a full cluster
 * restart, and on recovery each re-arms its expiry timer (overdue reservations are released at
 * once). To keep the remembered set small, a product without active reservations passivates
 * itself after {@code linecommerce.catalog.passivate-idle-after} without commands (which also
 * removes it from the remembered set); a product holding reservations stays.
 */
public final class Product
    extends EventSourcedBehaviorWithEnforcedReplies<ProductCommand, ProductEvent, Product.State> {

  public static final String ROLE = "catalog";
  private static final int SNAPSHOT_EVERY = 100;
  private static final String EXPIRY_TIMER = "expiry";

  /** The earliest expiry is due; no reply. */
  enum ExpiryDue implements ProductCommand.Internal { INSTANCE }

  /** No command for {@code passivate-idle-after}; no reply. */
  enum Idle implements ProductCommand.Internal { INSTANCE }

  // ---------------------------------------------------------------- state

  /**
   * What a product is after its events; also its snapshot. Stored as version 1 wrote it (type
   * {@code Product$State}, fields {@code data}, {@code discontinued}, {@code reserved}, {@code
   * active}, {@code closed}), so snapshots of either version read on both; a field added later
   * must accept its absence (null) in older snapshots.
   *
   * @param data the product's data, its stock being the stock on hand; null before creation
   * @param reservations active reservations and remembered outcomes
   */
  public record State(ProductData data, boolean discontinued, @JsonIgnore ReservationBook reservations)
      implements CborSerializable {

    public State {
      reservations = reservations == null ? ReservationBook.empty() : reservations;
    }

    /** A stored snapshot; {@code reserved} is counted again from {@code active}. */
    @JsonCreator
    static State stored(@JsonProperty("data") ProductData data, @JsonProperty("discontinued") boolean discontinued,
        @JsonProperty("active") Map<String, Reservation> active, @JsonProperty("closed") List<Reservation> closed) {
      return new State(data, discontinued, ReservationBook.restore(active, closed));
    }

    static State empty() {
      return new State(null, false, ReservationBook.empty());
    }

    /** Units held by active reservations. */
    @JsonProperty("reserved")
    int reserved() {
      return reservations.reserved();
    }

    /** Active reservations by id. */
    @JsonProperty("active")
    Map<String, Reservation> active() {
      return reservations.active();
    }

    /** Remembered closed reservations, oldest first. */
    @JsonProperty("closed")
    List<Reservation> closed() {
      return reservations.closed();
    }

    boolean exists() {
      return data != null;
    }

    int stock() {
      return data == null ? 0 : data.stock();
    }

    int available() {
      return stock() - reserved();
    }

    Optional<Reservation> lookup(String reservationId) {
      return reservations.lookup(reservationId);
    }

    Optional<Instant> nextExpiry() {
      return reservations.nextExpiry();
    }

    State withData(ProductData next) {
      return new State(next, discontinued, reservations);
    }

    State withStock(int stock) {
      return withData(Product.withStock(data, stock));
    }

    State discontinue() {
      return new State(data, true, reservations);
    }

    State withReservations(ReservationBook next) {
      return new State(data, discontinued, next);
    }
  }

  /** How each event changes a product; pure, shared by the entity and the {@link ProductDecider}. */
  static final EventHandler<State, ProductEvent> EVENTS = EventHandlerBuilder.<State, ProductEvent>builder()
      .forAnyState()
      .onEvent(ProductCreated.class, (s, e) -> s.withData(e.data()))
      .onEvent(ProductUpdated.class, (s, e) -> s.withData(e.data()))
      .onEvent(PriceChanged.class, (s, e) -> s.withData(withPrice(s.data(), e.price(), e.currency())))
      .onEvent(StockAdjusted.class, (s, e) -> s.withStock(e.stock()))
      .onEvent(ProductDiscontinued.class, (s, e) -> s.discontinue())
      .onEvent(StockReserved.class, (s, e) -> s.withReservations(
          s.reservations().reserve(e.productId(), e.reservationId(), e.quantity(), e.expiresAt())))
      .onEvent(ReservationRefused.class, (s, e) -> s.withReservations(
          s.reservations().refuse(e.productId(), e.reservationId(), e.quantity(), e.reason(), at(e))))
      .onEvent(ReservationReleased.class, (s, e) -> s.withReservations(
          s.reservations().release(e.productId(), e.reservationId(), e.reason(), at(e))))
      .onEvent(ReservationCommitted.class, (s, e) -> s.withStock(e.stock()).withReservations(
          s.reservations().commit(e.productId(), e.reservationId(), e.quantity(), at(e))))
      .onEvent(ReservationReverted.class, (s, e) -> s.withStock(e.stock()).withReservations(
          s.reservations().revert(e.productId(), e.reservationId(), e.quantity(), at(e))))
      .build();

  /** When an event happened (its metadata's timestamp; null for an event stored without one). */
  private static Instant at(ProductEvent e) {
    return e.meta() == null ? null : e.meta().timestamp();
  }

  // ---------------------------------------------------------------- the entity

  private final String productId;
  private final ProductDecider decider;
  private final ActorContext<ProductCommand> context;
  private final TimerScheduler<ProductCommand> timers;
  private final IdlePassivation<ProductCommand, State> idle;
  private final EventTags tags;

  private Product(
      String productId,
      ActorContext<ProductCommand> context,
      TimerScheduler<ProductCommand> timers,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(
        PersistenceId.of(ProductCommand.ENTITY_KEY.name(), productId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.productId = productId;
    this.decider = new ProductDecider(productId);
    this.context = context;
    this.timers = timers;
    // held reservations keep the product awake: their expiry timer must run
    this.idle = new IdlePassivation<>(context, timers, shard,
        context.getSystem().settings().config().getDuration("linecommerce.catalog.passivate-idle-after"),
        Idle.INSTANCE, state -> !state.reservations().holdsAny());
    this.tags = EventTags.fromConfig(context.getSystem(), ProductEvent.TAG_PREFIX);
  }

  /**
   * Starts sharding of {@code Product} with remember-entities (event-sourced store): hosting on
   * nodes with role {@value #ROLE}, a proxy elsewhere. Idempotent.
   */
  public static void init(ActorSystem<?> system) {
    RememberedEntities.init(system, ProductCommand.ENTITY_KEY, ROLE, Product::create);
  }

  /** The entity; {@code shard} (null outside sharding) is told when an idle product passivates. */
  public static Behavior<ProductCommand> create(String productId, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Product(productId, ctx, timers, shard)));
  }

  /** The tags product events are spread over; subscribers use the same scheme. */
  public static EventTags tags(ActorSystem<?> system) {
    return EventTags.fromConfig(system, ProductEvent.TAG_PREFIX);
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<ProductCommand, ProductEvent, State> commandHandler() {
    CommandHandlerWithReplyBuilder<ProductCommand, ProductEvent, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(s -> !s.exists())
        .onCommand(Upsert.class, this::onUpsert)
        .onCommand(ChangePrice.class, (s, cmd) -> Effect().reply(cmd.replyTo(), decider.unknownProduct()))
        .onCommand(AdjustStock.class, (s, cmd) -> Effect().reply(cmd.replyTo(), decider.unknownProduct()))
        .onCommand(Discontinue.class, (s, cmd) -> Effect().reply(cmd.replyTo(), decider.unknownProduct()))
        .onCommand(Reserve.class, (s, cmd) -> Effect().reply(cmd.replyTo(), decider.unknownProduct()))
        .onCommand(Release.class, (s, cmd) -> Effect().reply(cmd.replyTo(), decider.unknownProduct()))
        .onCommand(Commit.class, (s, cmd) -> Effect().reply(cmd.replyTo(), decider.unknownProduct()))
        .onCommand(Revert.class, (s, cmd) -> Effect().reply(cmd.replyTo(), decider.unknownProduct()));
    builder.forState(State::exists)
        .onCommand(Upsert.class, this::onUpsert)
        .onCommand(ChangePrice.class, this::onChangePrice)
        .onCommand(AdjustStock.class, this::onAdjustStock)
        .onCommand(Discontinue.class, this::onDiscontinue)
        .onCommand(Reserve.class, this::onReserve)
        .onCommand(Release.class, this::onRelease)
        .onCommand(Commit.class, this::onCommit)
        .onCommand(Revert.class, this::onRevert)
        .onCommand(ExpiryDue.class, this::onExpiryDue);
    builder.forAnyState()
        .onCommand(Get.class, (s, cmd) -> Effect().reply(cmd.replyTo(), decider.summary(s)))
        .onCommand(GetReservation.class,
            (s, cmd) -> Effect().reply(cmd.replyTo(), decider.reservation(s, cmd.reservationId())))
        .onCommand(Idle.class, (s, cmd) -> idle.onIdle(s))
        .onAnyCommand(() -> Effect().noReply());
    return idle.restartOnEveryCommand(builder.build());
  }

  @Override
  public EventHandler<State, ProductEvent> eventHandler() {
    return EVENTS;
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          if (state.reservations().holdsAny()) {
            context.getLog().info("Product {} recovered with {} active reservation(s) ({} units); next expiry {}",
                productId, state.active().size(), state.reserved(), state.nextExpiry().orElse(null));
          }
          armExpiry(state);
          idle.restart();
        })
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // never withDeleteEventsOnSnapshot: persistence-jdbc 1.1.x stops recovery at a gap (#516)
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  @Override
  public Set<String> tagsFor(ProductEvent event) {
    return tags.tagsFor(productId);
  }

  // ---------------------------------------------------------------- commands (the decider decides)

  private ReplyEffect<ProductEvent, State> onUpsert(State state, Upsert cmd) {
    return persist(state, decider.upsert(state, cmd), cmd.replyTo());
  }

  private ReplyEffect<ProductEvent, State> onChangePrice(State state, ChangePrice cmd) {
    return persist(state, decider.changePrice(state, cmd), cmd.replyTo());
  }

  private ReplyEffect<ProductEvent, State> onAdjustStock(State state, AdjustStock cmd) {
    return persist(state, decider.adjustStock(state, cmd, Instant.now()), cmd.replyTo());
  }

  private ReplyEffect<ProductEvent, State> onDiscontinue(State state, Discontinue cmd) {
    return persist(state, decider.discontinue(state, cmd), cmd.replyTo());
  }

  private ReplyEffect<ProductEvent, State> onReserve(State state, Reserve cmd) {
    return persist(state, decider.reserve(state, cmd, Instant.now()), cmd.replyTo());
  }

  private ReplyEffect<ProductEvent, State> onRelease(State state, Release cmd) {
    return persist(state, decider.release(state, cmd, Instant.now()), cmd.replyTo());
  }

  private ReplyEffect<ProductEvent, State> onCommit(State state, Commit cmd) {
    return persist(state, decider.commit(state, cmd, Instant.now()), cmd.replyTo());
  }

  private ReplyEffect<ProductEvent, State> onRevert(State state, Revert cmd) {
    return persist(state, decider.revert(state, cmd, Instant.now()), cmd.replyTo());
  }

  private ReplyEffect<ProductEvent, State> onExpiryDue(State state, ExpiryDue cmd) {
    Decision<Void> d = decider.expireOverdue(state, Instant.now());
    if (d.events().isEmpty()) {
      armExpiry(state);
      return Effect().noReply();
    }
    logExpiries(state, d.events());
    return Effect().persist(d.events()).thenRun(this::armExpiry).thenNoReply();
  }

  /** Persists what {@code d} decided (re-arming the expiry timer), then replies; replies at once when nothing changed. */
  private <R> ReplyEffect<ProductEvent, State> persist(State state, Decision<R> d, ActorRef<R> replyTo) {
    if (d.events().isEmpty()) return Effect().reply(replyTo, d.reply());
    logExpiries(state, d.events());
    return Effect().persist(d.events()).thenRun(this::armExpiry).thenReply(replyTo, s -> d.reply());
  }

  private void logExpiries(State before, List<ProductEvent> events) {
    for (ProductEvent e : events) {
      if (e instanceof ReservationReleased r && ReservationBook.EXPIRED.equals(r.reason())) {
        context.getLog().info("Product {}: reservation {} ({} units) expired at {}", productId, r.reservationId(),
            r.quantity(), before.lookup(r.reservationId()).map(Reservation::expiresAt).orElse(null));
      }
    }
  }

  /** One timer for the earliest expiry; none without active reservations. */
  private void armExpiry(State state) {
    Optional<Instant> next = state.nextExpiry();
    if (next.isEmpty()) {
      timers.cancel(EXPIRY_TIMER);
      return;
    }
    Duration delay = Duration.between(Instant.now(), next.get());
    timers.startSingleTimer(EXPIRY_TIMER, ExpiryDue.INSTANCE, delay.isNegative() ? Duration.ZERO : delay);
  }

  // ---------------------------------------------------------------- product data helpers

  static ProductData withStock(ProductData d, int stock) {
    return new ProductData(d.id(), d.sku(), d.category(), d.categoryName(), d.name(), d.description(), d.tags(),
        d.price(), d.currency(), stock);
  }

  static ProductData withPrice(ProductData d, BigDecimal price, String currency) {
    return new ProductData(d.id(), d.sku(), d.category(), d.categoryName(), d.name(), d.description(), d.tags(),
        price, currency, d.stock());
  }
}
