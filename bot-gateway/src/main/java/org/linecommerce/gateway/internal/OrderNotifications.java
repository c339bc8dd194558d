package org.linecommerce.gateway.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.customer.api.OrderClient;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.gateway.api.OutboundRequest;
import org.linecommerce.gateway.line.LineMessages;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.subscription.EventDelivery;
import org.linecommerce.runtime.subscription.SubscriptionHandler;

/**
 * Order events told to the customer in their chat (the handler of
 * {@link OrderNotificationProjection}): confirmed → the summary, expired → the order with a way to
 * order again, failed → the reason, cancelled → a short note. Each goes by push through the reply
 * dispatcher with outbound id {@code order-<orderId>-<status>}: the dispatcher delivers an id once,
 * so a redelivered event, a replay after a crash, and the chat's own answer to a confirm/cancel
 * postback (which uses the same id) all end in one message. {@code OrderCreated} says nothing (the
 * chat already showed the summary).
 *
 * <p>The events carry no user (except {@code OrderFailed}), so the handler reads the order; an
 * unreachable order client fails the delivery (the subscription retries, then dead-letters).
 */
public final class OrderNotifications implements SubscriptionHandler<OrderEvent> {

  private final Supplier<OrderClient> orders;
  private final Function<String, CompletionStage<String>> languages;
  private final LineMessages messages;
  private final ChatBot.Outbound outbound;
  private final OrderPresenter presenter;

  public OrderNotifications(Supplier<OrderClient> orders, Function<String, CompletionStage<String>> languages,
      LineMessages messages, ChatBot.Outbound outbound) {
    this(orders, languages, messages, outbound, OrderPresenter.asStored());
  }

  /** With {@code presenter} naming the items in the customer's language. */
  public OrderNotifications(Supplier<OrderClient> orders, Function<String, CompletionStage<String>> languages,
      LineMessages messages, ChatBot.Outbound outbound, OrderPresenter presenter) {
    this.orders = orders;
    this.languages = languages;
    this.messages = messages;
    this.outbound = outbound;
    this.presenter = presenter;
  }

  /** The outbound id of the notification that order {@code orderId} reached {@code status}. */
  public static String outboundId(String orderId, String status) {
    return "order-" + orderId + "-" + status;
  }

  @Override
  public CompletionStage<Done> handle(EventDelivery<OrderEvent> delivery) {
    OrderEvent event = delivery.event();
    if (event instanceof OrderEvent.OrderConfirmed e) {
      return notify(e.orderId(), "confirmed", e.meta(), null, messages::orderConfirmed);
    }
    if (event instanceof OrderEvent.OrderExpired e) {
      return notify(e.orderId(), "expired", e.meta(), null, messages::orderExpired);
    }
    if (event instanceof OrderEvent.OrderCancelled e) {
      return notify(e.orderId(), "cancelled", e.meta(), null, messages::orderCancelled);
    }
    if (event instanceof OrderEvent.OrderFailed e) {
      return notify(e.orderId(), "failed", e.meta(), e.userId(),
          (lang, summary) -> messages.orderFailed(lang, summary, e.reasons()));
    }
    return ChatBot.done();
  }

  private interface Render {
    List<String> render(String language, OrderSummary summary);
  }

  private CompletionStage<Done> notify(String orderId, String status, MessageMeta meta, String knownUser, Render render) {
    return orders.get().get(orderId).thenCompose(found -> {
      OrderView order = found.orElse(null);
      String userId = order != null && order.userId() != null ? order.userId() : knownUser;
      if (userId == null) return ChatBot.done(); // nobody to tell
      OrderSummary summary = ChatBot.summaryOf(order, orderId, status);
      // the event's status, not the order's current one: a later change has its own notification
      summary = new OrderSummary(summary.orderId(), status, summary.items(), summary.total(), summary.currency(),
          summary.expiresAt());
      OrderSummary finalSummary = summary;
      return languages.apply(userId).thenCompose(language -> presenter.localize(finalSummary, language)
          .thenCompose(localized -> {
        List<String> body = render.render(language, localized);
        if (body.isEmpty()) return ChatBot.done();
        MessageMeta cause = meta == null ? MessageMeta.root("bot-gateway", orderId) : meta.causes("bot-gateway");
        return outbound.send(new OutboundRequest(outboundId(orderId, status), userId, body, null, null, cause));
      }));
    });
  }
}
