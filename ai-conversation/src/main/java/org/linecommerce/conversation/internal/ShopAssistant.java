package org.linecommerce.conversation.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.catalog.api.CatalogSearchClient;
import org.linecommerce.catalog.api.ProductView;
import org.linecommerce.catalog.api.SearchHit;
import org.linecommerce.catalog.api.SearchPage;
import org.linecommerce.catalog.api.SearchQuery;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationMode;
import org.linecommerce.conversation.api.Focus;
import org.linecommerce.conversation.api.GenerateRequest;
import org.linecommerce.conversation.api.Intent;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.QuickReply;
import org.linecommerce.conversation.internal.dialogue.DialoguePlanner;
import org.linecommerce.conversation.internal.dialogue.Plan;
import org.linecommerce.conversation.internal.nlu.Analysis;
import org.linecommerce.conversation.internal.nlu.Attribute;
import org.linecommerce.conversation.internal.nlu.MessageAnalyzer;
import org.linecommerce.conversation.internal.provider.ChainAnswer;
import org.linecommerce.conversation.internal.provider.Outcome;
import org.linecommerce.conversation.internal.provider.Outcome.Kind;
import org.linecommerce.conversation.internal.provider.ProviderChain;
import org.linecommerce.conversation.internal.provider.ProviderRequest;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.customer.api.CustomerView;
import org.linecommerce.customer.api.OrderClient;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.api.OrderStatus;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.customer.api.PlaceOrder;
import org.linecommerce.customer.api.Placement;
import org.linecommerce.customer.api.PricedLine;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.Stages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One turn of the shop assistant: understand the message (local analysis), decide what it asks
 * in the light of the conversation ({@link DialoguePlanner}), act on it through the domains'
 * clients (typed asks: the customer's profile, catalog search and products, orders), and have the
 * provider chain word the answer. Nothing here fails the turn: a customer, catalog or order
 * service that does not answer within {@code lookup-timeout} degrades the answer (no
 * personalisation, no products, an apology for the action) instead.
 *
 * <p>Orders placed here use the caller {@value #CALLER} and the idempotency key
 * {@code msg:<messageId>}, so a redelivered message never orders twice.
 */
public final class ShopAssistant {

  private static final Logger log = LoggerFactory.getLogger(ShopAssistant.class);

  /** Who places the orders of conversations (the orders API scopes idempotency keys by it). */
  public static final String CALLER = "ai-conversation";
  static final int SHOWN = 5;
  static final int ORDERS_SHOWN = 3;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** What a turn produced: the answer, the new focus, and what went wrong with providers on the way. */
  public record TurnResult(AiAnswer answer, Focus focus, ChainAnswer chain, boolean handOff) {}

  private final ActorSystem<?> system;
  private final CustomerClient customers;
  private final CatalogSearchClient catalog;
  private final Supplier<OrderClient> orders;
  private final ProviderChain providers;
  private final MessageAnalyzer analyzer;
  private final DialoguePlanner planner = new DialoguePlanner();
  private final Duration lookupTimeout;
  private final Duration orderTimeout;

  public ShopAssistant(ActorSystem<?> system, CustomerClient customers, CatalogSearchClient catalog,
      Supplier<OrderClient> orders, ProviderChain providers, MessageAnalyzer analyzer, Duration lookupTimeout,
      Duration orderTimeout) {
    this.system = system;
    this.customers = customers;
    this.catalog = catalog;
    this.orders = orders;
    this.providers = providers;
    this.analyzer = analyzer;
    this.lookupTimeout = lookupTimeout;
    this.orderTimeout = orderTimeout;
  }

  /** The assistant of {@code system} with the module's settings ({@code linecommerce.conversation}). */
  public static ShopAssistant create(ActorSystem<?> system) {
    var config = system.settings().config().getConfig("linecommerce.conversation");
    return new ShopAssistant(system, new CustomerClient(system), new CatalogSearchClient(system),
        () -> OrderClient.get(system), ProviderChain.get(system), new MessageAnalyzer(),
        config.getDuration("lookup-timeout"), config.getDuration("order-timeout"));
  }

  /** The analysis alone (for a message the bot will not answer). */
  public Analysis analyze(GenerateRequest request, ConversationState state) {
    return analyzer.analyze(request.message(), hint(request, state));
  }

  /** Answers {@code request} in the conversation {@code state}; never fails. */
  public CompletionStage<TurnResult> turn(String userId, GenerateRequest request, MessageMeta meta, ConversationState state) {
    long started = System.nanoTime();
    Analysis analysis;
    try {
      analysis = analyze(request, state);
    } catch (RuntimeException e) {
      log.warn("Analysis of a message of {} failed; answering as not understood", userId, e);
      analysis = new Analysis(hint(request, state), Intent.PRODUCT_SEARCH, 0.0, false, null, null, List.of(), null, false);
    }
    Analysis a = analysis;
    Plan plan = planner.plan(a, state);
    CompletableFuture<CustomerProfile> profile = profile(userId, state);
    CompletableFuture<Action> action = act(userId, request, meta, a, plan, state)
        .exceptionally(e -> {
          log.warn("Action {} for {} failed; answering with an apology", plan.step(), userId, e);
          return Action.of(Outcome.of(Kind.SERVICE_UNAVAILABLE), state.focus());
        });
    return profile.thenCombine(action, (p, act) -> new ProviderRequest(userId, request.message(), a.language(),
            plan.intent(), act.outcome(), p, state.lastTurns(10), act.products(), act.focusCard(), act.quantity(),
            act.order(), act.orders(), request.options(), meta))
        .thenCompose(req -> providers.answer(req).thenApply(chain -> {
          List<QuickReply> quick = quickReplies(req);
          long took = (System.nanoTime() - started) / 1_000_000;
          Action act = action.join();
          AiAnswer answer = new AiAnswer(chain.reply().text(), chain.provider(), chain.reply().confidence(), plan.intent(),
              a.language(), req.products(), quick, req.order(),
              act.handOff() ? ConversationMode.HANDOFF : ConversationMode.BOT, took);
          return new TurnResult(answer, act.focus(), chain, act.handOff());
        }));
  }

  private List<QuickReply> quickReplies(ProviderRequest req) {
    try {
      List<QuickReply> q = providers.suggestions().forAnswer(req);
      return q.size() > AiAnswer.MAX_QUICK_REPLIES ? q.subList(0, AiAnswer.MAX_QUICK_REPLIES) : q;
    } catch (RuntimeException e) {
      log.warn("Quick replies failed", e);
      return List.of();
    }
  }

  private static String hint(GenerateRequest request, ConversationState state) {
    if (request.languageHint() != null) return request.languageHint();
    if (state.lastLanguage() != null) return state.lastLanguage();
    return state.profile() == null ? null : state.profile().language();
  }

  // ---------------------------------------------------------------- the customer

  private CompletableFuture<CustomerProfile> profile(String userId, ConversationState state) {
    CompletableFuture<AskResult<CustomerView>> ask = lookup(customers.get(userId),
        () -> new AskResult.Failed<>(AskResult.Failure.TIMEOUT, "customer lookup"));
    return ask.thenApply(r -> {
      if (r instanceof AskResult.Ok<CustomerView> ok && ok.value().exists()) return ok.value().profile();
      if (r instanceof AskResult.Ok<CustomerView> ok) return null; // unknown or erased: no personalisation
      return state.profile(); // the customer domain did not answer: what we were told last
    });
  }

  // ---------------------------------------------------------------- actions

  /** What the action did, for the provider and the next turn. */
  record Action(Outcome outcome, List<ProductCard> products, ProductCard focusCard, Integer quantity, OrderSummary order,
      List<OrderSummary> orders, Focus focus, boolean handOff) {

    static Action of(Outcome outcome, Focus focus) {
      return new Action(outcome, List.of(), null, null, null, List.of(), focus, false);
    }
  }

  private CompletableFuture<Action> act(String userId, GenerateRequest request, MessageMeta meta, Analysis a, Plan plan,
      ConversationState state) {
    Focus focus = state.focus();
    String language = a.language();
    return switch (plan.step()) {
      case GREET -> done(Action.of(Outcome.of(Kind.GREETED), focus));
      case THANK -> done(Action.of(Outcome.of(Kind.THANKED), focus));
      case NOT_UNDERSTOOD -> done(Action.of(Outcome.of(Kind.NOT_UNDERSTOOD), focus));
      case HAND_OFF -> done(new Action(Outcome.of(Kind.HANDED_OFF), List.of(), null, null, null, List.of(), focus, true));
      case COMPLAIN -> complain(userId, request, meta).thenApply(recorded -> Action.of(
          new Outcome(Kind.COMPLAINT_RECORDED, recorded ? null : "not recorded: the customer service did not answer"), focus));
      case ORDER_STATUS -> orderStatus(userId, plan, focus, language);
      case SEARCH -> search(plan, request.message(), language, focus);
      case PRICE, STOCK -> target(plan, request.message(), language).thenApply(t -> {
        if (t.unavailable()) return Action.of(Outcome.of(Kind.SERVICE_UNAVAILABLE), focus);
        if (t.card() == null) return Action.of(Outcome.of(Kind.PRODUCT_NEEDED), focus);
        Kind kind = plan.step() == Plan.Step.PRICE ? Kind.PRICE_GIVEN : Kind.STOCK_GIVEN;
        return new Action(Outcome.of(kind), t.cards(), t.card(), null, null, List.of(),
            new Focus(t.card().id(), t.card().name(), focus.quantity(), focus.pendingOrderId()), false);
      });
      case ORDER -> target(plan, request.message(), language)
          .thenCompose(t -> order(userId, request, meta, plan, t, focus));
    };
  }

  /** {@code stage}'s value, or {@code fallback}'s when it fails or is not complete within {@code lookup-timeout}. */
  private <T> CompletableFuture<T> lookup(CompletionStage<T> stage, Supplier<T> fallback) {
    return Stages.within(stage, lookupTimeout, fallback, system).exceptionally(e -> fallback.get());
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  private CompletableFuture<Boolean> complain(String userId, GenerateRequest request, MessageMeta meta) {
    String data = complaintData(request);
    return lookup(customers.recordActivity(userId, "complaint", data, Instant.now(), CALLER,
        "complaint:" + request.messageId(), meta.causes(CALLER)).thenApply(AskResult::isOk), () -> false);
  }

  private CompletableFuture<Action> orderStatus(String userId, Plan plan, Focus focus, String language) {
    OrderClient client;
    try {
      client = orders.get();
    } catch (RuntimeException e) {
      return done(Action.of(Outcome.of(Kind.SERVICE_UNAVAILABLE), focus));
    }
    if (plan.orderId() != null) {
      return lookup(client.get(plan.orderId()).thenApply(o -> o.filter(v -> userId.equals(v.userId()))), () -> null)
          .thenCompose(o -> {
            if (o == null) return done(Action.of(Outcome.of(Kind.SERVICE_UNAVAILABLE), focus));
            if (o.isEmpty()) return done(Action.of(new Outcome(Kind.NO_ORDERS, "no order " + plan.orderId()), focus));
            return localized(List.of(summary(o.get())), language).thenApply(s ->
                new Action(Outcome.of(Kind.ORDER_STATUS_GIVEN), List.of(), null, null, s.get(0), s, focus, false));
          });
    }
    return lookup(client.listForUser(userId), () -> null)
        .thenCompose(list -> {
          if (list == null) return done(Action.of(Outcome.of(Kind.SERVICE_UNAVAILABLE), focus));
          if (list.isEmpty()) return done(Action.of(Outcome.of(Kind.NO_ORDERS), focus));
          List<OrderView> latest = list.stream().limit(ORDERS_SHOWN).toList();
          // the read model follows the orders by about a second: the latest is read from its entity
          return lookup(client.get(latest.get(0).orderId()), Optional::empty)
              .thenCompose(fresh -> {
                List<OrderView> views = new ArrayList<>(latest);
                fresh.ifPresent(v -> views.set(0, v));
                return localized(views.stream().map(ShopAssistant::summary).toList(), language);
              })
              .thenApply(summaries -> new Action(Outcome.of(Kind.ORDER_STATUS_GIVEN), List.of(), null, null,
                  summaries.get(0), summaries, focus, false));
        });
  }

  /** {@code orders} with their products' names in {@code language} (the catalog's; the order's own where it does not answer). */
  private CompletableFuture<List<OrderSummary>> localized(List<OrderSummary> orders, String language) {
    List<String> ids = orders.stream().flatMap(o -> o.items().stream()).map(OrderSummary.Item::productId).distinct()
        .limit(10).toList();
    java.util.Map<String, String> names = new java.util.concurrent.ConcurrentHashMap<>();
    CompletableFuture<?>[] lookups = ids.stream().map(id -> product(id, language).thenAccept(t -> {
      if (t.card() != null && t.card().name() != null) names.put(id, t.card().name());
    })).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(lookups).thenApply(x -> orders.stream().map(o -> new OrderSummary(o.orderId(),
        o.status(), o.items().stream().map(i -> new OrderSummary.Item(i.productId(), names.getOrDefault(i.productId(),
            i.name()), i.quantity(), i.unitPrice(), i.lineTotal())).toList(), o.total(), o.currency(), o.expiresAt()))
        .toList());
  }

  private CompletableFuture<Action> search(Plan plan, String message, String language, Focus focus) {
    if (plan.productId() != null) {
      return product(plan.productId(), language).thenApply(p -> {
        if (p.unavailable()) return Action.of(Outcome.of(Kind.SERVICE_UNAVAILABLE), focus);
        if (p.card() == null) return Action.of(Outcome.of(Kind.NO_PRODUCTS_FOUND), focus);
        return new Action(Outcome.of(Kind.PRODUCTS_FOUND), List.of(p.card()), p.card(), null, null, List.of(),
            new Focus(p.card().id(), p.card().name(), null, focus.pendingOrderId()), false);
      });
    }
    return hits(plan.searchText() == null ? null : queryText(plan, message), language).thenApply(t -> {
      if (t.unavailable()) return Action.of(Outcome.of(Kind.SERVICE_UNAVAILABLE), focus);
      if (t.cards().isEmpty()) return Action.of(Outcome.of(Kind.NO_PRODUCTS_FOUND), focus);
      List<ProductCard> cards = arrange(t.cards(), plan.attributes());
      ProductCard first = cards.get(0);
      return new Action(Outcome.of(Kind.PRODUCTS_FOUND), cards, null, null, null, List.of(),
          new Focus(first.id(), first.name(), null, focus.pendingOrderId()), false);
    });
  }

  private CompletableFuture<Action> order(String userId, GenerateRequest request, MessageMeta meta, Plan plan, Target t,
      Focus focus) {
    if (t.unavailable()) return done(Action.of(Outcome.of(Kind.SERVICE_UNAVAILABLE), focus));
    if (t.card() == null) return done(Action.of(Outcome.of(Kind.PRODUCT_NEEDED), focus));
    ProductCard card = t.card();
    Integer quantity = plan.quantity();
    Focus onCard = new Focus(card.id(), card.name(), quantity, focus.pendingOrderId());
    if (card.stock() <= 0) {
      // nothing to ask: show it with the other hits (other variants in stock) and say so
      return done(new Action(new Outcome(Kind.ORDER_NOT_PLACED, "out of stock"), t.cards(), card, quantity, null,
          List.of(), onCard, false));
    }
    if (quantity == null) {
      return done(new Action(Outcome.of(Kind.QUANTITY_NEEDED), List.of(card), card, null, null, List.of(), onCard, false));
    }
    if (card.stock() < quantity) {
      String why = card.stock() <= 0 ? "out of stock" : "only " + card.stock() + " left";
      return done(new Action(new Outcome(Kind.ORDER_NOT_PLACED, why), List.of(card), card, quantity, null, List.of(),
          onCard, false));
    }
    OrderClient client;
    try {
      client = orders.get();
    } catch (RuntimeException e) {
      return done(new Action(Outcome.of(Kind.SERVICE_UNAVAILABLE), List.of(card), card, quantity, null, List.of(), onCard, false));
    }
    String key = "msg:" + request.messageId();
    PlaceOrder place = new PlaceOrder(userId, List.of(new OrderLine(card.id(), quantity)));
    return Stages.within(client.place(CALLER, key, place, meta.causes(CALLER)), orderTimeout,
            () -> new Placement.Unavailable(null, "the order service did not answer in time"), system)
        .thenCompose(placement -> {
          if (placement instanceof Placement.Accepted accepted) {
            return priced(client, accepted.orderId(), place, card).thenApply(summary -> {
              boolean failed = OrderStatus.FAILED.code().equals(summary.status());
              Outcome outcome = failed ? new Outcome(Kind.ORDER_NOT_PLACED, "the stock could not be reserved")
                  : Outcome.of(Kind.ORDER_PLACED);
              return new Action(outcome, List.of(card), card, quantity, summary, List.of(),
                  new Focus(card.id(), card.name(), quantity, failed ? focus.pendingOrderId() : summary.orderId()), false);
            });
          }
          Outcome outcome = placement instanceof Placement.Unavailable u
              ? new Outcome(Kind.SERVICE_UNAVAILABLE, u.detail())
              : new Outcome(Kind.ORDER_NOT_PLACED, placement instanceof Placement.Invalid i ? i.detail()
                  : ((Placement.KeyReused) placement).detail());
          return done(new Action(outcome, List.of(card), card, quantity, null, List.of(), onCard, false));
        })
        .exceptionally(e -> {
          log.warn("Placing an order for {} failed", userId, e);
          return new Action(Outcome.of(Kind.SERVICE_UNAVAILABLE), List.of(card), card, quantity, null, List.of(), onCard, false);
        });
  }

  /** The order once its checkout priced it (or closed it), waiting up to {@code order-timeout}; the request as pending otherwise. */
  private CompletableFuture<OrderSummary> priced(OrderClient client, String orderId, PlaceOrder place, ProductCard card) {
    OrderSummary requested = new OrderSummary(orderId, OrderStatus.PENDING.code(),
        List.of(new OrderSummary.Item(card.id(), card.name(), place.items().get(0).quantity(), card.price(),
            card.price() == null ? null : card.price().multiply(java.math.BigDecimal.valueOf(place.items().get(0).quantity())))),
        null, card.currency(), null);
    // the last lookup may start just before order-timeout: give it its own lookup-timeout on top
    return Stages.within(client.getPriced(orderId, orderTimeout, system), orderTimeout.plus(lookupTimeout),
            Optional::<OrderView>empty, system)
        .exceptionally(e -> Optional.empty())
        .thenApply(view -> view.isEmpty() ? requested : withNames(summary(view.get()), card));
  }

  /** The order with the ordered product's name as the customer saw it (the order keeps the catalog's default name). */
  private static OrderSummary withNames(OrderSummary s, ProductCard card) {
    List<OrderSummary.Item> items = s.items().stream()
        .map(i -> i.productId().equals(card.id())
            ? new OrderSummary.Item(i.productId(), card.name(), i.quantity(), i.unitPrice(), i.lineTotal()) : i)
        .toList();
    return new OrderSummary(s.orderId(), s.status(), items, s.total(), s.currency() == null ? card.currency() : s.currency(),
        s.expiresAt());
  }

  static OrderSummary summary(OrderView v) {
    List<OrderSummary.Item> items = new ArrayList<>();
    for (PricedLine l : v.items()) {
      items.add(new OrderSummary.Item(l.productId(), l.name(), l.quantity(), l.unitPrice(), l.lineTotal()));
    }
    return new OrderSummary(v.orderId(), v.status() == null ? null : v.status().code(), items, v.total(), v.currency(),
        v.expiresAt());
  }

  // ---------------------------------------------------------------- the catalog

  /** The product an action is about: its card (null when none), the cards to show, or the catalog did not answer. */
  record Target(ProductCard card, List<ProductCard> cards, boolean unavailable) {
    static final Target NONE = new Target(null, List.of(), false);
    static final Target UNAVAILABLE = new Target(null, List.of(), true);
  }

  private CompletableFuture<Target> target(Plan plan, String message, String language) {
    if (plan.productId() != null) return product(plan.productId(), language);
    if (plan.searchText() == null || plan.searchText().isBlank()) return done(Target.NONE);
    return hits(queryText(plan, message), language).thenApply(t -> {
      if (t.unavailable() || t.cards().isEmpty()) return t;
      List<ProductCard> cards = arrange(t.cards(), plan.attributes());
      return new Target(cards.get(0), cards, false);
    });
  }

  private CompletableFuture<Target> product(String productId, String language) {
    return lookup(catalog.product(productId, language),
            () -> new AskResult.Failed<>(AskResult.Failure.TIMEOUT, "catalog lookup"))
        .thenApply(r -> {
          if (!(r instanceof AskResult.Ok<Optional<ProductView>> ok)) return Target.UNAVAILABLE;
          return ok.value().filter(v -> !v.discontinued()).map(ShopAssistant::card)
              .map(c -> new Target(c, List.of(c), false)).orElse(Target.NONE);
        });
  }

  /** Search hits as cards, best first. */
  private CompletableFuture<Target> hits(String text, String language) {
    SearchQuery query = SearchQuery.of(text).withLanguage(language).withLimit(SHOWN);
    return lookup(catalog.search(query), () -> new AskResult.Failed<>(AskResult.Failure.TIMEOUT, "catalog search"))
        .thenApply(r -> {
          if (!(r instanceof AskResult.Ok<SearchPage> ok)) return Target.UNAVAILABLE;
          List<ProductCard> cards = ok.value().items().stream().map(ShopAssistant::card).toList();
          return new Target(cards.isEmpty() ? null : cards.get(0), cards, false);
        });
  }

  /** The search text: the product words plus the variant words as the customer wrote them. */
  static String queryText(Plan plan, String message) {
    StringBuilder text = new StringBuilder(plan.searchText() == null ? "" : plan.searchText());
    String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
    for (Attribute at : plan.attributes()) {
      String written = at.surfaces().stream().filter(s -> !s.isBlank() && lower.contains(s.toLowerCase(Locale.ROOT)))
          .findFirst().orElse(at.value());
      if (written != null && !text.toString().toLowerCase(Locale.ROOT).contains(written.toLowerCase(Locale.ROOT))) {
        text.append(' ').append(written);
      }
    }
    return text.toString().trim();
  }

  /**
   * Hits (best first) as the customer sees them: the best hit carrying the named variants first
   * (in stock or not: the customer asked for it), then the others in stock first, relevance order
   * kept within each group.
   */
  static List<ProductCard> arrange(List<ProductCard> cards, List<Attribute> attributes) {
    Optional<ProductCard> picked = attributes.isEmpty() ? Optional.empty() : DialoguePlanner.pick(cards, attributes);
    List<ProductCard> out = new ArrayList<>(cards.size());
    picked.ifPresent(out::add);
    cards.stream().filter(c -> picked.isEmpty() || c != picked.get())
        .sorted(Comparator.comparing((ProductCard c) -> c.stock() > 0 ? 0 : 1))
        .forEach(out::add);
    return out;
  }

  static ProductCard card(SearchHit h) {
    return new ProductCard(h.id(), h.name(), h.price(), h.currency(), h.stock(), null);
  }

  static ProductCard card(ProductView v) {
    return new ProductCard(v.id(), v.name(), v.price(), v.currency(), v.stock(), null);
  }

  private static String complaintData(GenerateRequest request) {
    java.util.Map<String, String> data = new java.util.LinkedHashMap<>();
    data.put("text", request.message());
    data.put("messageId", request.messageId());
    try {
      return JSON.writeValueAsString(data);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
