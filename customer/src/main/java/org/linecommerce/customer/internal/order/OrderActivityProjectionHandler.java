package org.linecommerce.customer.internal.order;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.linecommerce.customer.api.Activity;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.customer.api.PricedLine;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.subscription.EventDelivery;
import org.linecommerce.runtime.subscription.SubscriptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records activity {@code order_placed} (the order id and its product ids, which feed
 * recommendations) on the customer for every {@code order.created}. Idempotent: the activity
 * carries the event's messageId as its {@code activityId} and the Customer entity records an id
 * once, so a redelivered event records nothing twice. A customer that does not answer fails the
 * delivery (the subscription retries with backoff, then dead-letters it for an operator's retry);
 * a refusal (an erased customer, invalid data) is an answer and is not retried.
 */
public final class OrderActivityProjectionHandler implements SubscriptionHandler<OrderEvent> {

  static final String SOURCE = "orders";
  private static final Logger log = LoggerFactory.getLogger(OrderActivityProjectionHandler.class);

  private final CustomerClient customers;
  private final ObjectMapper mapper;

  public OrderActivityProjectionHandler(CustomerClient customers, ObjectMapper mapper) {
    this.customers = customers;
    this.mapper = mapper;
  }

  @Override
  public CompletionStage<Done> handle(EventDelivery<OrderEvent> delivery) {
    if (!(delivery.event() instanceof OrderEvent.OrderCreated created)) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    ObjectNode data = mapper.createObjectNode();
    data.put("orderId", created.orderId());
    created.items().stream().map(PricedLine::productId).forEach(id -> data.withArray("productIds").add(id));
    return customers.recordActivity(created.userId(), Activity.ORDER_PLACED, data.toString(),
            created.meta().timestamp(), SOURCE, delivery.eventId(), created.meta().causes(SOURCE))
        .thenCompose(result -> {
          if (result instanceof AskResult.Failed<?> f && f.failure() != AskResult.Failure.REJECTED) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                "order_placed of order " + created.orderId() + " not recorded: " + f.detail()));
          }
          if (result instanceof AskResult.Failed<?> refused) {
            log.warn("Order {}: customer {} refused its order_placed activity: {}",
                created.orderId(), created.userId(), refused.detail());
          }
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }
}
