package org.linecommerce.gateway.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductView;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.customer.api.OrderClient;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.Stages;

/**
 * How the bot shows an order: once its checkout priced it ({@link OrderClient#getPriced}), and with
 * item names in the customer's language from the catalog. An order keeps the catalog's default
 * (English) name of each product; a Japanese customer reads the Japanese one. A catalog that does
 * not answer within {@code bot.name-lookup-timeout} leaves the stored name: presentation never
 * fails a reply.
 */
public final class OrderPresenter {

  static final String PRICING_TIMEOUT = "linecommerce.gateway.bot.order-pricing-timeout";
  static final String NAME_LOOKUP_TIMEOUT = "linecommerce.gateway.bot.name-lookup-timeout";

  private final ActorSystem<?> system; // null: names as stored, orders as first read
  private final CatalogClient catalog;
  private final Duration pricingTimeout;
  private final Duration nameTimeout;

  private OrderPresenter(ActorSystem<?> system, CatalogClient catalog, Duration pricingTimeout, Duration nameTimeout) {
    this.system = system;
    this.catalog = catalog;
    this.pricingTimeout = pricingTimeout;
    this.nameTimeout = nameTimeout;
  }

  /** The node's presenter: its catalog, the timeouts from {@code linecommerce.gateway.bot}. */
  public static OrderPresenter create(ActorSystem<?> system) {
    var config = system.settings().config();
    return new OrderPresenter(system, new CatalogClient(system),
        config.getDuration(PRICING_TIMEOUT), config.getDuration(NAME_LOOKUP_TIMEOUT));
  }

  /** Orders as the order client gives them, names as stored (tests of other concerns). */
  public static OrderPresenter asStored() {
    return new OrderPresenter(null, null, Duration.ZERO, Duration.ZERO);
  }

  /** The order as soon as its checkout priced it (within the pricing timeout), else as it is then. */
  public CompletionStage<Optional<OrderView>> priced(OrderClient client, String orderId) {
    return system == null ? client.get(orderId) : client.getPriced(orderId, pricingTimeout, system);
  }

  /** {@code summary} with each item's name in {@code language} where the catalog knows it. */
  public CompletionStage<OrderSummary> localize(OrderSummary summary, String language) {
    if (system == null || language == null || summary.items().isEmpty()) {
      return CompletableFuture.completedFuture(summary);
    }
    Map<String, CompletableFuture<String>> names = new LinkedHashMap<>();
    for (OrderSummary.Item item : summary.items()) {
      if (item.productId() != null && !names.containsKey(item.productId())) {
        names.put(item.productId(), nameOf(item.productId(), language));
      }
    }
    return CompletableFuture.allOf(names.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<OrderSummary.Item> items = new ArrayList<>();
      for (OrderSummary.Item item : summary.items()) {
        String name = item.productId() == null ? null : names.get(item.productId()).join();
        items.add(name == null ? item
            : new OrderSummary.Item(item.productId(), name, item.quantity(), item.unitPrice(), item.lineTotal()));
      }
      return new OrderSummary(summary.orderId(), summary.status(), items, summary.total(), summary.currency(),
          summary.expiresAt());
    });
  }

  private CompletableFuture<String> nameOf(String productId, String language) {
    return Stages.within(catalog.product(productId, language), nameTimeout, () -> null, system)
        .thenApply(result -> result instanceof AskResult.Ok<Optional<ProductView>> ok
            ? ok.value().map(ProductView::name).filter(n -> !n.isBlank()).orElse(null)
            : null)
        .exceptionally(e -> null);
  }
}
