package org.linecommerce.catalog.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
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
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.catalog.api.UpsertResult;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.subscription.EventTags;

/**
 * One product: its data (names, descriptions, category, tags, price, stock on hand), whether it is
 * discontinued, and the stock reservations held on it. A sharded event-sourced entity (type
 * {@code Product}, role {@code catalog}, entity id = product id) speaking {@link ProductCommand}
 * and persisting {@link ProductEvent}s, tagged {@code product-0..N-1} for the search read model
 * and for higher domains (an expired reservation is news for the customer).
 *
 * <p><b>Stock.</b> {@code available} = stock on hand − units held by active reservations, never
 * below zero: a reserve is granted only when enough units are available, and the stock on hand
 * cannot be set below what is reserved. The entity handles one command at a time, so concurrent
 * reserves from anywhere in the cluster never oversell.
 *
 * <p><b>Reservations.</b> Each carries an absolute expiry. One timer is armed for the earliest
 * expiry; when it fires, every overdue reservation is released with reason {@code expired}. Commands
 * that depend on availability release overdue ones first, so a late timer never refuses stock that
 * is free. Decisions are idempotent per reservation id: the entity remembers every active
 * reservation and the outcome of the last {@value #REMEMBERED_OUTCOMES} closed ones (refused,
 * released, expired, committed) so a retried command gets the first answer. Refusals are
 * persisted ({@code ReservationRefused}) for that reason.
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
  static final String SOURCE = "catalog";
  /** How many closed reservations (refused, released, expired, committed) a product remembers. */
  static final int REMEMBERED_OUTCOMES = 1000;
  static final String EXPIRED = "expired";
  static final String RELEASED = "released";
  private static final int SNAPSHOT_EVERY = 100;
  private static final int MAX_REASON = 200;
  private static final String EXPIRY_TIMER = "expiry";
  private static final String IDLE_TIMER = "idle";

  /** The earliest expiry is due; no reply. */
  enum ExpiryDue implements ProductCommand.Internal { INSTANCE }

  /** No command for {@code passivate-idle-after}; no reply. */
  enum Idle implements ProductCommand.Internal { INSTANCE }

  // ---------------------------------------------------------------- state

  /**
   * @param data the product's data, its stock being the stock on hand; null before creation
   * @param reserved units held by {@code active}
   * @param active active reservations by id
   * @param closed closed reservations, oldest first, at most {@link #REMEMBERED_OUTCOMES}
   */
  public record State(
      ProductData data, boolean discontinued, int reserved, Map<String, Reservation> active, List<Reservation> closed)
      implements CborSerializable {

    public State {
      active = active == null ? Map.of() : Map.copyOf(active);
      closed = closed == null ? List.of() : List.copyOf(closed);
    }

    static State empty() {
      return new State(null, false, 0, Map.of(), List.of());
    }

    boolean exists() {
      return data != null;
    }

    int stock() {
      return data == null ? 0 : data.stock();
    }

    int available() {
      return stock() - reserved;
    }

    Optional<Reservation> lookup(String reservationId) {
      Reservation live = active.get(reservationId);
      if (live != null) return Optional.of(live);
      for (int i = closed.size() - 1; i >= 0; i--) {
        if (closed.get(i).reservationId().equals(reservationId)) return Optional.of(closed.get(i));
      }
      return Optional.empty();
    }

    List<Reservation> overdue(Instant now) {
      return active.values().stream()
          .filter(r -> !r.expiresAt().isAfter(now))
          .sorted(BY_EXPIRY)
          .toList();
    }

    Optional<Instant> nextExpiry() {
      return active.values().stream().map(Reservation::expiresAt).min(Comparator.naturalOrder());
    }

    State withData(ProductData next) {
      return new State(next, discontinued, reserved, active, closed);
    }

    State discontinue() {
      return new State(data, true, reserved, active, closed);
    }

    State hold(Reservation r) {
      Map<String, Reservation> next = new HashMap<>(active);
      next.put(r.reservationId(), r);
      return new State(data, discontinued, reserved + r.quantity(), next, closed);
    }

    /** A closed reservation {@code r} changes its outcome (committed, then reverted): the newer record wins. */
    State reopenAndClose(Reservation r, ProductData nextData) {
      List<Reservation> nextClosed = new ArrayList<>(closed);
      nextClosed.removeIf(old -> old.reservationId().equals(r.reservationId()));
      return new State(nextData, discontinued, reserved, active, nextClosed).close(r, nextData);
    }

    /** {@code r} closed: out of {@code active} (if it was there) and remembered as closed. */
    State close(Reservation r, ProductData nextData) {
      Map<String, Reservation> nextActive = active;
      int nextReserved = reserved;
      Reservation held = active.get(r.reservationId());
      if (held != null) {
        nextActive = new HashMap<>(active);
        nextActive.remove(r.reservationId());
        nextReserved -= held.quantity();
      }
      List<Reservation> nextClosed = new ArrayList<>(closed.size() + 1);
      int drop = Math.max(0, closed.size() + 1 - REMEMBERED_OUTCOMES);
      nextClosed.addAll(closed.subList(drop, closed.size()));
      nextClosed.add(r);
      return new State(nextData, discontinued, nextReserved, nextActive, nextClosed);
    }
  }

  static final Comparator<Reservation> BY_EXPIRY =
      Comparator.comparing(Reservation::expiresAt).thenComparing(Reservation::reservationId);

  // ---------------------------------------------------------------- the entity

  private final String productId;
  private final ActorContext<ProductCommand> context;
  private final TimerScheduler<ProductCommand> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Duration passivateAfter;
  private final EventTags tags;
  private CommandHandlerWithReply<ProductCommand, ProductEvent, State> commandHandler;
  private EventHandler<State, ProductEvent> eventHandler;

  private Product(
      String productId,
      ActorContext<ProductCommand> context,
      TimerScheduler<ProductCommand> timers,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(
        PersistenceId.of(ProductCommand.ENTITY_KEY.name(), productId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.productId = productId;
    this.context = context;
    this.timers = timers;
    this.shard = shard;
    this.passivateAfter = context.getSystem().settings().config().getDuration("linecommerce.catalog.passivate-idle-after");
    this.tags = EventTags.fromConfig(context.getSystem(), ProductEvent.TAG_PREFIX);
  }

  /**
   * Starts sharding of {@code Product} with remember-entities (event-sourced store): hosting on
   * nodes with role {@value #ROLE}, a proxy elsewhere. Idempotent.
   */
  public static void init(ActorSystem<?> system) {
    ClusterShardingSettings settings = ClusterShardingSettings.create(system)
        .withRememberEntities(true)
        .withRememberEntitiesStoreMode(ClusterShardingSettings.rememberEntitiesStoreModeEventSourced());
    ClusterSharding.get(system).init(
        Entity.of(ProductCommand.ENTITY_KEY, ctx -> create(ctx.getEntityId(), ctx.getShard()))
            .withSettings(settings)
            .withRole(ROLE));
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
    if (commandHandler == null) {
      CommandHandlerWithReply<ProductCommand, ProductEvent, State> handler = buildCommandHandler();
      commandHandler = (state, command) -> {
        if (command != Idle.INSTANCE) timers.startSingleTimer(IDLE_TIMER, Idle.INSTANCE, passivateAfter);
        return handler.apply(state, command);
      };
    }
    return commandHandler;
  }

  private CommandHandlerWithReply<ProductCommand, ProductEvent, State> buildCommandHandler() {
    CommandHandlerWithReplyBuilder<ProductCommand, ProductEvent, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(s -> !s.exists())
        .onCommand(Upsert.class, this::onUpsert)
        .onCommand(ChangePrice.class, (s, cmd) -> Effect().reply(cmd.replyTo(), unknownProduct()))
        .onCommand(AdjustStock.class, (s, cmd) -> Effect().reply(cmd.replyTo(), unknownProduct()))
        .onCommand(Discontinue.class, (s, cmd) -> Effect().reply(cmd.replyTo(), unknownProduct()))
        .onCommand(Reserve.class, (s, cmd) -> Effect().reply(cmd.replyTo(), unknownProduct()))
        .onCommand(Release.class, (s, cmd) -> Effect().reply(cmd.replyTo(), unknownProduct()))
        .onCommand(Commit.class, (s, cmd) -> Effect().reply(cmd.replyTo(), unknownProduct()))
        .onCommand(Revert.class, (s, cmd) -> Effect().reply(cmd.replyTo(), unknownProduct()));
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
        .onCommand(Get.class, (s, cmd) -> Effect().reply(cmd.replyTo(), summary(s)))
        .onCommand(GetReservation.class, (s, cmd) -> Effect().reply(cmd.replyTo(), s.lookup(cmd.reservationId())
            .orElse(new Reservation(productId, cmd.reservationId(), Reservation.Status.UNKNOWN, 0, null, null))))
        .onCommand(Idle.class, this::onIdle)
        .onAnyCommand(() -> Effect().noReply());
    return builder.build();
  }

  @Override
  public EventHandler<State, ProductEvent> eventHandler() {
    if (eventHandler == null) {
      eventHandler = newEventHandlerBuilder()
          .forAnyState()
          .onEvent(ProductCreated.class, (s, e) -> s.withData(e.data()))
          .onEvent(ProductUpdated.class, (s, e) -> s.withData(e.data()))
          .onEvent(PriceChanged.class, (s, e) -> s.withData(withPrice(s.data(), e.price(), e.currency())))
          .onEvent(StockAdjusted.class, (s, e) -> s.withData(withStock(s.data(), e.stock())))
          .onEvent(ProductDiscontinued.class, (s, e) -> s.discontinue())
          .onEvent(StockReserved.class, (s, e) -> s.hold(new Reservation(
              productId, e.reservationId(), Reservation.Status.ACTIVE, e.quantity(), e.expiresAt(), null)))
          .onEvent(ReservationRefused.class, (s, e) -> s.close(new Reservation(
              productId, e.reservationId(), Reservation.Status.REFUSED, e.quantity(), null, e.reason()), s.data()))
          .onEvent(ReservationReleased.class, (s, e) -> {
            Reservation held = s.active().get(e.reservationId());
            Reservation.Status status = EXPIRED.equals(e.reason()) ? Reservation.Status.EXPIRED : Reservation.Status.RELEASED;
            Reservation closed = held == null
                ? new Reservation(productId, e.reservationId(), status, 0, null, e.reason())
                : new Reservation(productId, e.reservationId(), status, held.quantity(), held.expiresAt(), e.reason());
            return s.close(closed, s.data());
          })
          .onEvent(ReservationCommitted.class, (s, e) -> {
            Reservation held = s.active().get(e.reservationId());
            Reservation closed = new Reservation(productId, e.reservationId(), Reservation.Status.COMMITTED,
                e.quantity(), held == null ? null : held.expiresAt(), null);
            return s.close(closed, withStock(s.data(), e.stock()));
          })
          .onEvent(ReservationReverted.class, (s, e) -> s.reopenAndClose(new Reservation(productId, e.reservationId(),
              Reservation.Status.REVERTED, e.quantity(), null, "reverted"), withStock(s.data(), e.stock())))
          .build();
    }
    return eventHandler;
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          if (!state.active().isEmpty()) {
            context.getLog().info("Product {} recovered with {} active reservation(s) ({} units); next expiry {}",
                productId, state.active().size(), state.reserved(), state.nextExpiry().orElse(null));
          }
          armExpiry(state);
          timers.startSingleTimer(IDLE_TIMER, Idle.INSTANCE, passivateAfter);
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

  // ---------------------------------------------------------------- product data

  private ReplyEffect<ProductEvent, State> onUpsert(State state, Upsert cmd) {
    if (cmd.data() == null) return Effect().reply(cmd.replyTo(), StatusReply.error("product data is missing"));
    ProductData data = ProductRules.normalize(cmd.data());
    Optional<String> violation = ProductRules.violation(data);
    if (violation.isPresent()) return Effect().reply(cmd.replyTo(), StatusReply.error(violation.get()));
    if (!productId.equals(data.id())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "product data id '" + data.id() + "' does not match product '" + productId + "'"));
    }
    Changes c = new Changes(state, cmd.meta());
    if (!state.exists()) {
      c.add(new ProductCreated(productId, data, c.meta()));
      return c.persist().thenReply(cmd.replyTo(), s -> StatusReply.success(
          new UpsertResult(UpsertResult.Outcome.CREATED, summary(s))));
    }
    ProductData current = state.data();
    if (data.stock() != current.stock() && data.stock() < state.reserved()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(belowReserved(data.stock(), state)));
    }
    ProductData sameStock = withStock(data, current.stock());
    if (!sameStock.equals(current)) c.add(new ProductUpdated(productId, sameStock, c.meta()));
    if (data.stock() != current.stock()) {
      c.add(new StockAdjusted(productId, data.stock(), data.stock() - state.reserved(), "upsert", c.meta()));
    }
    if (c.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(
          new UpsertResult(UpsertResult.Outcome.UNCHANGED, summary(state))));
    }
    return c.persist().thenReply(cmd.replyTo(), s -> StatusReply.success(
        new UpsertResult(UpsertResult.Outcome.UPDATED, summary(s))));
  }

  private ReplyEffect<ProductEvent, State> onChangePrice(State state, ChangePrice cmd) {
    BigDecimal price = cmd.price() == null ? null : ProductRules.normalizePrice(cmd.price());
    String currency = cmd.currency() == null ? null : cmd.currency().trim().toUpperCase(java.util.Locale.ROOT);
    Optional<String> violation = ProductRules.priceViolation(price, currency);
    if (violation.isPresent()) return Effect().reply(cmd.replyTo(), StatusReply.error(violation.get()));
    if (price.equals(state.data().price()) && currency.equals(state.data().currency())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(summary(state)));
    }
    Changes c = new Changes(state, cmd.meta());
    c.add(new PriceChanged(productId, price, currency, c.meta()));
    return c.persist().thenReply(cmd.replyTo(), s -> StatusReply.success(summary(s)));
  }

  private ReplyEffect<ProductEvent, State> onAdjustStock(State state, AdjustStock cmd) {
    if (cmd.delta() == 0) return Effect().reply(cmd.replyTo(), StatusReply.success(summary(state)));
    long next = (long) state.stock() + cmd.delta();
    if (next < 0 || next > Integer.MAX_VALUE) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "stock of product " + productId + " cannot go from " + state.stock() + " to " + next));
    }
    Changes c = new Changes(state, cmd.meta());
    c.expireOverdue(Instant.now());
    if (next < c.state().reserved()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(belowReserved((int) next, c.state())));
    }
    String reason = cmd.reason() == null || cmd.reason().isBlank() ? "adjusted" : truncate(cmd.reason().strip());
    c.add(new StockAdjusted(productId, (int) next, (int) next - c.state().reserved(), reason, c.meta()));
    return c.persist().thenReply(cmd.replyTo(), s -> StatusReply.success(summary(s)));
  }

  private ReplyEffect<ProductEvent, State> onDiscontinue(State state, Discontinue cmd) {
    if (state.discontinued()) return Effect().reply(cmd.replyTo(), StatusReply.success(summary(state)));
    Changes c = new Changes(state, cmd.meta());
    c.add(new ProductDiscontinued(productId, c.meta()));
    return c.persist().thenReply(cmd.replyTo(), s -> StatusReply.success(summary(s)));
  }

  // ---------------------------------------------------------------- reservations

  private ReplyEffect<ProductEvent, State> onReserve(State state, Reserve cmd) {
    Optional<String> badId = ProductRules.reservationIdViolation(cmd.reservationId());
    if (badId.isPresent()) return Effect().reply(cmd.replyTo(), StatusReply.error(badId.get()));
    Optional<Reservation> known = state.lookup(cmd.reservationId());
    if (known.isPresent()) return Effect().reply(cmd.replyTo(), firstDecision(known.get()));
    Optional<String> violation = ProductRules.reservationViolation(cmd.reservationId(), cmd.quantity(), cmd.ttl());
    if (violation.isPresent()) return Effect().reply(cmd.replyTo(), StatusReply.error(violation.get()));

    Instant now = Instant.now();
    Changes c = new Changes(state, cmd.meta());
    c.expireOverdue(now);
    int available = c.state().available();
    if (c.state().discontinued()) {
      c.add(new ReservationRefused(productId, cmd.reservationId(), cmd.quantity(),
          "product " + productId + " is discontinued", available, c.meta()));
    } else if (available < cmd.quantity()) {
      c.add(new ReservationRefused(productId, cmd.reservationId(), cmd.quantity(),
          "insufficient stock for product " + productId + ": " + cmd.quantity() + " requested, " + available + " available",
          available, c.meta()));
    } else {
      c.add(new StockReserved(productId, cmd.reservationId(), cmd.quantity(), now.plus(cmd.ttl()),
          available - cmd.quantity(), c.meta()));
    }
    return c.persist().thenReply(cmd.replyTo(), s -> firstDecision(s.lookup(cmd.reservationId()).orElseThrow()));
  }

  /** The answer a reserve got for {@code r}'s id: its grant (with the current status) or its refusal. */
  private StatusReply<Reservation> firstDecision(Reservation r) {
    if (r.status() == Reservation.Status.REFUSED) return StatusReply.error(r.reason());
    if (r.quantity() == 0) {
      return StatusReply.error("reservation " + r.reservationId() + " of product " + productId
          + " was released before it was made; use a new reservation id");
    }
    return StatusReply.success(r);
  }

  private ReplyEffect<ProductEvent, State> onRelease(State state, Release cmd) {
    Optional<String> badId = ProductRules.reservationIdViolation(cmd.reservationId());
    if (badId.isPresent()) return Effect().reply(cmd.replyTo(), StatusReply.error(badId.get()));
    Optional<Reservation> known = state.lookup(cmd.reservationId());
    Changes c = new Changes(state, cmd.meta());
    if (known.isEmpty()) {
      // closes the id: a reserve that arrives after its compensation must not hold stock
      c.add(new ReservationReleased(productId, cmd.reservationId(), 0, RELEASED, state.available(), c.meta()));
    } else {
      Reservation r = known.get();
      switch (r.status()) {
        case ACTIVE -> {
          boolean overdue = !r.expiresAt().isAfter(Instant.now());
          c.add(new ReservationReleased(productId, r.reservationId(), r.quantity(), overdue ? EXPIRED : RELEASED,
              state.available() + r.quantity(), c.meta()));
        }
        case COMMITTED -> {
          return Effect().reply(cmd.replyTo(), StatusReply.error("reservation " + r.reservationId() + " of product "
              + productId + " was committed; a committed reservation cannot be released"));
        }
        default -> {
          return Effect().reply(cmd.replyTo(), StatusReply.success(r));
        }
      }
    }
    return c.persist().thenReply(cmd.replyTo(), s -> StatusReply.success(s.lookup(cmd.reservationId()).orElseThrow()));
  }

  private ReplyEffect<ProductEvent, State> onCommit(State state, Commit cmd) {
    Optional<String> badId = ProductRules.reservationIdViolation(cmd.reservationId());
    if (badId.isPresent()) return Effect().reply(cmd.replyTo(), StatusReply.error(badId.get()));
    Optional<Reservation> known = state.lookup(cmd.reservationId());
    if (known.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "product " + productId + " has no reservation " + cmd.reservationId()));
    }
    Reservation r = known.get();
    switch (r.status()) {
      case ACTIVE -> {
        Changes c = new Changes(state, cmd.meta());
        if (!r.expiresAt().isAfter(Instant.now())) {
          c.add(new ReservationReleased(productId, r.reservationId(), r.quantity(), EXPIRED,
              state.available() + r.quantity(), c.meta()));
          return c.persist().thenReply(cmd.replyTo(),
              s -> StatusReply.error(cannotCommit(s.lookup(cmd.reservationId()).orElseThrow())));
        }
        c.add(new ReservationCommitted(productId, r.reservationId(), r.quantity(), state.stock() - r.quantity(),
            state.available(), c.meta()));
        return c.persist().thenReply(cmd.replyTo(), s -> StatusReply.success(s.lookup(cmd.reservationId()).orElseThrow()));
      }
      case COMMITTED -> {
        return Effect().reply(cmd.replyTo(), StatusReply.success(r));
      }
      default -> {
        return Effect().reply(cmd.replyTo(), StatusReply.error(cannotCommit(r)));
      }
    }
  }

  private ReplyEffect<ProductEvent, State> onRevert(State state, Revert cmd) {
    Optional<String> badId = ProductRules.reservationIdViolation(cmd.reservationId());
    if (badId.isPresent()) return Effect().reply(cmd.replyTo(), StatusReply.error(badId.get()));
    Optional<Reservation> known = state.lookup(cmd.reservationId());
    if (known.isEmpty() || known.get().status() == Reservation.Status.ACTIVE) {
      return onRelease(state, new Release(cmd.reservationId(), cmd.meta(), cmd.replyTo()));
    }
    Reservation r = known.get();
    if (r.status() != Reservation.Status.COMMITTED) return Effect().reply(cmd.replyTo(), StatusReply.success(r));
    Changes c = new Changes(state, cmd.meta());
    c.add(new ReservationReverted(productId, r.reservationId(), r.quantity(), state.stock() + r.quantity(),
        state.available() + r.quantity(), c.meta()));
    return c.persist().thenReply(cmd.replyTo(), s -> StatusReply.success(s.lookup(cmd.reservationId()).orElseThrow()));
  }

  private String cannotCommit(Reservation r) {
    String which = "reservation " + r.reservationId() + " of product " + productId;
    return switch (r.status()) {
      case EXPIRED -> which + " expired at " + r.expiresAt() + " and can no longer be committed";
      case RELEASED -> which + " was released and can no longer be committed";
      case REFUSED -> which + " was refused (" + r.reason() + ") and cannot be committed";
      default -> which + " cannot be committed (" + r.status().code() + ")";
    };
  }

  private ReplyEffect<ProductEvent, State> onExpiryDue(State state, ExpiryDue cmd) {
    Changes c = new Changes(state, null);
    c.expireOverdue(Instant.now());
    if (c.isEmpty()) {
      armExpiry(state);
      return Effect().noReply();
    }
    return c.persist().thenNoReply();
  }

  private ReplyEffect<ProductEvent, State> onIdle(State state, Idle cmd) {
    if (!state.active().isEmpty()) return Effect().noReply(); // held reservations keep the product awake
    if (shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
      return Effect().noReply();
    }
    return Effect().stop().thenNoReply();
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

  // ---------------------------------------------------------------- helpers

  /** The events one command decides, applied as they are added so later decisions see them. */
  private final class Changes {
    private final MessageMeta cause;
    private final List<ProductEvent> events = new ArrayList<>();
    private State state;

    Changes(State state, MessageMeta cause) {
      this.state = state;
      this.cause = cause;
    }

    MessageMeta meta() {
      return cause != null ? cause.causes(SOURCE) : MessageMeta.root(SOURCE, null);
    }

    State state() {
      return state;
    }

    boolean isEmpty() {
      return events.isEmpty();
    }

    void add(ProductEvent event) {
      events.add(event);
      state = eventHandler().apply(state, event);
    }

    /** Releases every reservation whose expiry has passed, as the timer would have. */
    void expireOverdue(Instant now) {
      for (Reservation r : state.overdue(now)) {
        context.getLog().info("Product {}: reservation {} ({} units) expired at {}",
            productId, r.reservationId(), r.quantity(), r.expiresAt());
        add(new ReservationReleased(productId, r.reservationId(), r.quantity(), EXPIRED,
            state.available() + r.quantity(), meta()));
      }
    }

    EffectBuilder<ProductEvent, State> persist() {
      return Effect().persist(events).thenRun(Product.this::armExpiry);
    }
  }

  private ProductSummary summary(State s) {
    List<Reservation> active = s.active().values().stream().sorted(BY_EXPIRY).toList();
    return new ProductSummary(productId, s.data(), s.discontinued(), s.stock(), s.reserved(), s.available(), active);
  }

  private <T> StatusReply<T> unknownProduct() {
    return StatusReply.error("product " + productId + " does not exist");
  }

  private String belowReserved(int stock, State state) {
    return "stock of product " + productId + " cannot be set to " + stock + ": " + state.reserved()
        + " units are reserved";
  }

  static ProductData withStock(ProductData d, int stock) {
    return new ProductData(d.id(), d.sku(), d.category(), d.categoryName(), d.name(), d.description(), d.tags(),
        d.price(), d.currency(), stock);
  }

  static ProductData withPrice(ProductData d, BigDecimal price, String currency) {
    return new ProductData(d.id(), d.sku(), d.category(), d.categoryName(), d.name(), d.description(), d.tags(),
        price, currency, d.stock());
  }

  private static String truncate(String s) {
    return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON);
  }
}
