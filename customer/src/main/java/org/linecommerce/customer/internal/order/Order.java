package org.linecommerce.customer.internal.order;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.linecommerce.customer.api.OrderCommand;
import org.linecommerce.customer.api.OrderCommand.Cancel;
import org.linecommerce.customer.api.OrderCommand.Confirm;
import org.linecommerce.customer.api.OrderCommand.Create;
import org.linecommerce.customer.api.OrderCommand.Expire;
import org.linecommerce.customer.api.OrderCommand.Fail;
import org.linecommerce.customer.api.OrderCommand.Get;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.customer.api.OrderEvent.OrderCancelled;
import org.linecommerce.customer.api.OrderEvent.OrderConfirmed;
import org.linecommerce.customer.api.OrderEvent.OrderCreated;
import org.linecommerce.customer.api.OrderEvent.OrderExpired;
import org.linecommerce.customer.api.OrderEvent.OrderFailed;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.api.OrderStatus;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.customer.api.PricedLine;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.subscription.EventTags;

/**
 * One order: what was ordered at which prices, until when the stock is held, and where the order
 * is ({@code pending → confirmed | cancelled | expired}, or {@code failed}). The entity records
 * decisions, it does not make them: the checkout saga ({@link CheckoutSaga}) reserves and releases
 * stock and tells the order what happened. Every write is idempotent (the saga retries), so a
 * command that asks for the state the order is already in replies success.
 *
 * <p>Events ({@link OrderEvent}: {@code order.created}, {@code order.confirmed},
 * {@code order.cancelled}, {@code order.expired}, {@code order.failed}) are tagged {@code order-N};
 * the bot gateway subscribes to tell the customer.
 */
public final class Order
    extends EventSourcedBehaviorWithEnforcedReplies<OrderCommand, OrderEvent, Order.State> {

  /** Cluster role of the nodes that host orders (the customer domain's). */
  public static final String ROLE = "customer";
  private static final int SNAPSHOT_EVERY = 100;

  /**
   * @param userId null before the order was created or failed
   * @param status null before the order was created or failed
   */
  public record State(
      String userId,
      OrderStatus status,
      List<PricedLine> items,
      BigDecimal total,
      String currency,
      Instant expiresAt,
      List<OrderView.Transition> timeline,
      List<String> failureReasons)
      implements CborSerializable {

    public State {
      items = items == null ? List.of() : List.copyOf(items);
      timeline = timeline == null ? List.of() : List.copyOf(timeline);
      failureReasons = failureReasons == null ? List.of() : List.copyOf(failureReasons);
    }

    static State empty() {
      return new State(null, null, List.of(), null, null, null, List.of(), List.of());
    }

    boolean exists() {
      return status != null;
    }

    State moveTo(OrderStatus next, Instant at) {
      List<OrderView.Transition> t = new ArrayList<>(timeline);
      t.add(new OrderView.Transition(next, at));
      return new State(userId, next, items, total, currency, expiresAt, t, failureReasons);
    }

    OrderView view(String orderId) {
      return exists()
          ? new OrderView(orderId, true, userId, status, items, total, currency, expiresAt, timeline, failureReasons)
          : OrderView.unknown(orderId);
    }
  }

  private final String orderId;
  private final EventTags tags;

  private Order(String orderId, EventTags tags) {
    super(
        PersistenceId.of(OrderCommand.ENTITY_KEY.name(), orderId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.orderId = orderId;
    this.tags = tags;
  }

  /** Starts sharding of {@code Order}: hosted on {@value #ROLE} nodes, a proxy elsewhere. Idempotent. */
  public static void init(ActorSystem<?> system) {
    EventTags tags = tags(system);
    ClusterSharding.get(system).init(
        Entity.of(OrderCommand.ENTITY_KEY, ctx -> create(ctx.getEntityId(), tags)).withRole(ROLE));
  }

  public static Behavior<OrderCommand> create(String orderId, EventTags tags) {
    return new Order(orderId, tags);
  }

  /** The tags order events are spread over ({@code order-N}); subscribers build the same. */
  public static EventTags tags(ActorSystem<?> system) {
    return EventTags.fromConfig(system, OrderEvent.TAG_PREFIX);
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  @Override
  public Set<String> tagsFor(OrderEvent event) {
    return tags.tagsFor(orderId);
  }

  @Override
  public CommandHandlerWithReply<OrderCommand, OrderEvent, State> commandHandler() {
    CommandHandlerWithReplyBuilder<OrderCommand, OrderEvent, State> b = newCommandHandlerWithReplyBuilder();
    b.forState(s -> !s.exists())
        .onCommand(Create.class, (s, c) -> Effect()
            .persist(new OrderCreated(orderId, c.userId(), c.items(), c.total(), c.currency(), c.expiresAt(), c.meta()))
            .thenReply(c.replyTo(), n -> StatusReply.success(n.view(orderId))))
        .onCommand(Fail.class, this::fail)
        .onCommand(Confirm.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error(unknown())))
        .onCommand(Cancel.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error(unknown())))
        .onCommand(Expire.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error(unknown())));
    b.forState(s -> s.status() == OrderStatus.PENDING)
        .onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view(orderId))))
        .onCommand(Confirm.class, (s, c) -> Effect().persist(new OrderConfirmed(orderId, c.meta()))
            .thenReply(c.replyTo(), n -> StatusReply.success(n.view(orderId))))
        .onCommand(Cancel.class, (s, c) -> Effect().persist(new OrderCancelled(orderId, c.reason(), c.meta()))
            .thenReply(c.replyTo(), n -> StatusReply.success(n.view(orderId))))
        .onCommand(Expire.class, (s, c) -> Effect().persist(new OrderExpired(orderId, c.meta()))
            .thenReply(c.replyTo(), n -> StatusReply.success(n.view(orderId))))
        .onCommand(Fail.class, this::fail);
    // final states: repeating the write that led here succeeds, anything else is refused
    b.forState(s -> s.exists() && s.status().isFinal())
        .onCommand(Create.class, (s, c) -> already(s, c.replyTo(), null))
        .onCommand(Confirm.class, (s, c) -> already(s, c.replyTo(), OrderStatus.CONFIRMED))
        .onCommand(Cancel.class, (s, c) -> already(s, c.replyTo(), OrderStatus.CANCELLED))
        .onCommand(Expire.class, (s, c) -> already(s, c.replyTo(), OrderStatus.EXPIRED))
        .onCommand(Fail.class, (s, c) -> already(s, c.replyTo(), OrderStatus.FAILED));
    b.forAnyState().onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s.view(orderId)));
    return b.build();
  }

  private ReplyEffect<OrderEvent, State> fail(State s, Fail c) {
    return Effect().persist(new OrderFailed(orderId, c.userId(), c.items(), c.reasons(), c.meta()))
        .thenReply(c.replyTo(), n -> StatusReply.success(n.view(orderId)));
  }

  private ReplyEffect<OrderEvent, State> already(
      State s, org.apache.pekko.actor.typed.ActorRef<StatusReply<OrderView>> replyTo, OrderStatus wanted) {
    if (s.status() == wanted) return Effect().reply(replyTo, StatusReply.success(s.view(orderId)));
    return Effect().reply(replyTo, StatusReply.error("order " + orderId + " is " + s.status().code()));
  }

  private String unknown() {
    return "order " + orderId + " does not exist";
  }

  @Override
  public EventHandler<State, OrderEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(OrderCreated.class, (s, e) -> new State(e.userId(), OrderStatus.PENDING, e.items(), e.total(),
            e.currency(), e.expiresAt(), List.of(new OrderView.Transition(OrderStatus.PENDING, e.meta().timestamp())),
            List.of()))
        .onEvent(OrderConfirmed.class, (s, e) -> s.moveTo(OrderStatus.CONFIRMED, e.meta().timestamp()))
        .onEvent(OrderCancelled.class, (s, e) -> s.moveTo(OrderStatus.CANCELLED, e.meta().timestamp()))
        .onEvent(OrderExpired.class, (s, e) -> s.moveTo(OrderStatus.EXPIRED, e.meta().timestamp()))
        .onEvent(OrderFailed.class, (s, e) -> {
          State base = s.exists() ? s : new State(e.userId(), null, e.items().stream()
              .map(l -> new PricedLine(l.productId(), null, l.quantity(), null, null)).toList(),
              null, null, null, List.of(), List.of());
          State failed = base.moveTo(OrderStatus.FAILED, e.meta().timestamp());
          return new State(failed.userId(), failed.status(), failed.items(), failed.total(), failed.currency(),
              failed.expiresAt(), failed.timeline(), e.reasons());
        })
        .build();
  }

  /** The requested lines, for orders that failed before they were priced. */
  static List<OrderLine> lines(List<PricedLine> items) {
    return items.stream().map(l -> new OrderLine(l.productId(), l.quantity())).toList();
  }
}
