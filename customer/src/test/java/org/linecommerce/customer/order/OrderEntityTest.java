package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.customer.api.OrderCommand;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.api.OrderStatus;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.customer.api.PricedLine;
import org.linecommerce.customer.internal.order.Order;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.subscription.EventTags;
import org.linecommerce.testkit.TestNodeConfig;

/** The Order entity on the EventSourcedBehaviorTestKit, serialization checks on. */
class OrderEntityTest {

  static final ActorTestKit testKit = ActorTestKit.create("OrderEntityTest", config());
  private static final AtomicInteger ids = new AtomicInteger();

  static Config config() {
    return TestNodeConfig.eventSourcedTestKit();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final String id = "order-" + ids.incrementAndGet();
  private final EventSourcedBehaviorTestKit<OrderCommand, OrderEvent, Order.State> kit =
      EventSourcedBehaviorTestKit.create(testKit.system(), Order.create(id, EventTags.of("order", 4)),
          EventSourcedBehaviorTestKit.enabledSerializationSettings());

  private static final Instant EXPIRES = Instant.now().plus(15, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
  private static final List<PricedLine> LINES = List.of(
      new PricedLine("matcha-powder-1", "Matcha", 2, new BigDecimal("234"), new BigDecimal("468")),
      new PricedLine("sencha-1", "Sencha", 1, new BigDecimal("120.50"), new BigDecimal("120.50")));

  private static MessageMeta meta() {
    return MessageMeta.root("test", null);
  }

  private CommandResultWithReply<OrderCommand, OrderEvent, Order.State, StatusReply<OrderView>> create() {
    return kit.runCommand(r -> new OrderCommand.Create("U1", LINES, new BigDecimal("588.50"), "THB", EXPIRES, meta(), r));
  }

  @Test
  void createdOrderIsPendingWithItsLinesTotalAndExpiryAndCreatingAgainRepliesTheSameOrder() {
    var created = create();
    assertThat(created.event()).isInstanceOf(OrderEvent.OrderCreated.class);
    assertThat(created.event().eventType()).isEqualTo("order.created");
    OrderView view = created.reply().getValue();
    assertThat(view.status()).isEqualTo(OrderStatus.PENDING);
    assertThat(view.total()).isEqualByComparingTo("588.50");
    assertThat(view.expiresAt()).isEqualTo(EXPIRES);
    assertThat(view.items()).isEqualTo(LINES);
    assertThat(view.timeline()).extracting(OrderView.Transition::status).containsExactly(OrderStatus.PENDING);

    var again = create();
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().getValue()).isEqualTo(view);
  }

  @Test
  void confirmIsIdempotentAndAConfirmedOrderCannotBeCancelledOrExpired() {
    create();
    var confirmed = kit.<StatusReply<OrderView>>runCommand(r -> new OrderCommand.Confirm(meta(), r));
    assertThat(confirmed.event().eventType()).isEqualTo("order.confirmed");
    assertThat(confirmed.reply().getValue().status()).isEqualTo(OrderStatus.CONFIRMED);
    assertThat(confirmed.reply().getValue().timeline()).extracting(OrderView.Transition::status)
        .containsExactly(OrderStatus.PENDING, OrderStatus.CONFIRMED);

    var twice = kit.<StatusReply<OrderView>>runCommand(r -> new OrderCommand.Confirm(meta(), r));
    assertThat(twice.hasNoEvents()).isTrue();
    assertThat(twice.reply().isSuccess()).isTrue();

    var cancel = kit.<StatusReply<OrderView>>runCommand(r -> new OrderCommand.Cancel("no", meta(), r));
    assertThat(cancel.hasNoEvents()).isTrue();
    assertThat(cancel.reply().isError()).isTrue();
    assertThat(cancel.reply().getError().getMessage()).contains("is confirmed");
    var expire = kit.<StatusReply<OrderView>>runCommand(r -> new OrderCommand.Expire(meta(), r));
    assertThat(expire.reply().isError()).isTrue();
  }

  @Test
  void expiredOrderRefusesConfirmationAndSurvivesRestart() {
    create();
    var expired = kit.<StatusReply<OrderView>>runCommand(r -> new OrderCommand.Expire(meta(), r));
    assertThat(expired.event().eventType()).isEqualTo("order.expired");
    var confirm = kit.<StatusReply<OrderView>>runCommand(r -> new OrderCommand.Confirm(meta(), r));
    assertThat(confirm.hasNoEvents()).isTrue();
    assertThat(confirm.reply().getError().getMessage()).isEqualTo("order " + id + " is expired");

    kit.restart();
    OrderView after = kit.<OrderView>runCommand(OrderCommand.Get::new).reply();
    assertThat(after.status()).isEqualTo(OrderStatus.EXPIRED);
    assertThat(after.timeline()).extracting(OrderView.Transition::status)
        .containsExactly(OrderStatus.PENDING, OrderStatus.EXPIRED);
  }

  @Test
  void cancelMovesAPendingOrderToCancelled() {
    create();
    var cancelled = kit.<StatusReply<OrderView>>runCommand(r -> new OrderCommand.Cancel("changed my mind", meta(), r));
    assertThat(cancelled.event()).isInstanceOfSatisfying(OrderEvent.OrderCancelled.class,
        e -> assertThat(e.reason()).isEqualTo("changed my mind"));
    assertThat(cancelled.reply().getValue().status()).isEqualTo(OrderStatus.CANCELLED);
  }

  @Test
  void anOrderThatWasNeverCreatedCanFailWithOneReasonPerLineAndKeepsItsRequestedLines() {
    assertThat(kit.<OrderView>runCommand(OrderCommand.Get::new).reply().exists()).isFalse();
    var confirm = kit.<StatusReply<OrderView>>runCommand(r -> new OrderCommand.Confirm(meta(), r));
    assertThat(confirm.reply().isError()).isTrue();

    var failed = kit.<StatusReply<OrderView>>runCommand(r -> new OrderCommand.Fail("U1",
        List.of(new OrderLine("a", 1), new OrderLine("b", 3)), List.of("line 2 (b): insufficient stock"), meta(), r));
    assertThat(failed.event().eventType()).isEqualTo("order.failed");
    OrderView view = failed.reply().getValue();
    assertThat(view.status()).isEqualTo(OrderStatus.FAILED);
    assertThat(view.userId()).isEqualTo("U1");
    assertThat(view.items()).extracting(PricedLine::productId).containsExactly("a", "b");
    assertThat(view.failureReasons()).containsExactly("line 2 (b): insufficient stock");
    assertThat(failed.event().meta()).isNotNull();
  }
}
