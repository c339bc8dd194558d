package org.linecommerce.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;
import org.junit.jupiter.api.Test;
import org.linecommerce.customer.api.OrderClient;
import org.linecommerce.customer.api.OrderDecision;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.customer.api.OrderStatus;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.customer.api.PlaceOrder;
import org.linecommerce.customer.api.Placement;
import org.linecommerce.customer.api.PricedLine;
import org.linecommerce.gateway.api.OutboundRequest;
import org.linecommerce.gateway.line.LineMessages;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.subscription.EventDelivery;

/** Order events become one push per order and status, to the order's user, in their language. */
class OrderNotificationsTest {

  private final List<OutboundRequest> sent = new CopyOnWriteArrayList<>();
  private final OrderView order = new OrderView("o-1", true, "Ualice", OrderStatus.CONFIRMED,
      List.of(new PricedLine("matcha-powder-1", "Matcha", 2, new BigDecimal("10.00"), new BigDecimal("20.00"))),
      new BigDecimal("20.00"), "THB", Instant.now(), List.of(), List.of());
  private final OrderNotifications notifications = new OrderNotifications(() -> new OneOrder(order),
      userId -> CompletableFuture.completedFuture("ja"), LineMessages.withDefaults(),
      request -> {
        sent.add(request);
        return CompletableFuture.completedFuture(Done.getInstance());
      });

  private static <E extends OrderEvent> EventDelivery<OrderEvent> delivery(E event, boolean redelivery) {
    return new EventDelivery<>("gateway-order-notifications", "Order|o-1", 3, event, Instant.now(), 1, redelivery);
  }

  @Test
  void aConfirmedOrderIsPushedToItsUserUnderTheOrdersConfirmedOutboundId() throws Exception {
    var event = new OrderEvent.OrderConfirmed("o-1", MessageMeta.root("test", "c-1"));
    notifications.handle(delivery(event, false)).toCompletableFuture().get();
    notifications.handle(delivery(event, true)).toCompletableFuture().get();

    assertThat(sent).hasSize(2).allSatisfy(r -> {
      assertThat(r.outboundId()).isEqualTo("order-o-1-confirmed"); // the dispatcher delivers it once
      assertThat(r.chatId()).isEqualTo("Ualice");
      assertThat(r.replyToken()).isNull();
      assertThat(r.messages()).isNotEmpty();
    });
  }

  @Test
  void expiredFailedAndCancelledHaveTheirOwnOutboundIdsAndCreationSaysNothing() throws Exception {
    MessageMeta meta = MessageMeta.root("test", "c-2");
    notifications.handle(delivery(new OrderEvent.OrderCreated("o-1", "Ualice", List.of(), BigDecimal.ONE, "THB",
        Instant.now(), meta), false)).toCompletableFuture().get();
    assertThat(sent).isEmpty();
    notifications.handle(delivery(new OrderEvent.OrderExpired("o-1", meta), false)).toCompletableFuture().get();
    notifications.handle(delivery(new OrderEvent.OrderCancelled("o-1", "changed my mind", meta), false))
        .toCompletableFuture().get();
    notifications.handle(delivery(new OrderEvent.OrderFailed("o-1", "Ualice", List.of(), List.of("out of stock"), meta),
        false)).toCompletableFuture().get();
    assertThat(sent).extracting(OutboundRequest::outboundId)
        .containsExactly("order-o-1-expired", "order-o-1-cancelled", "order-o-1-failed");
  }

  @Test
  void theLanguageOfANewFollowerIsTheLineProfilesPrimarySubtag() {
    assertThat(Onboarding.language("ja")).isEqualTo("ja");
    assertThat(Onboarding.language("zh-Hant")).isEqualTo("zh");
    assertThat(Onboarding.language(null)).isNull();
    assertThat(Onboarding.profileLanguage(new org.linecommerce.gateway.line.LineProfile("U", "A", null, null, "th"), null))
        .isEqualTo("th");
    assertThat(Onboarding.profileLanguage(new org.linecommerce.gateway.line.LineProfile("U", "A", null, null, "fr"), null))
        .isEqualTo("en");
  }

  /** An order client that knows one order. */
  private record OneOrder(OrderView order) implements OrderClient {
    @Override
    public CompletionStage<Placement> place(String caller, String key, PlaceOrder request, MessageMeta meta) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Optional<OrderView>> get(String orderId) {
      return CompletableFuture.completedFuture(orderId.equals(order.orderId()) ? Optional.of(order) : Optional.empty());
    }

    @Override
    public CompletionStage<OrderDecision> confirm(String orderId, MessageMeta meta) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<OrderDecision> cancel(String orderId, String reason, MessageMeta meta) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<List<OrderView>> listForUser(String userId) {
      return CompletableFuture.completedFuture(List.of());
    }
  }
}
