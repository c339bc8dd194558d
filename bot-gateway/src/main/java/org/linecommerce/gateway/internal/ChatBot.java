package org.linecommerce.gateway.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationClient;
import org.linecommerce.conversation.api.GenerateRequest;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.CustomerView;
import org.linecommerce.customer.api.OrderClient;
import org.linecommerce.customer.api.OrderDecision;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.customer.api.PlaceOrder;
import org.linecommerce.customer.api.Placement;
import org.linecommerce.gateway.api.LineEvent;
import org.linecommerce.gateway.api.OutboundRequest;
import org.linecommerce.gateway.line.LineChannel;
import org.linecommerce.gateway.line.LineMessages;
import org.linecommerce.gateway.line.LineMessaging;
import org.linecommerce.gateway.line.LineProfile;
import org.linecommerce.gateway.line.PostbackData;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shop's bot in a LINE chat: what the gateway does with each accepted event (the
 * {@link ChatReactions} its {@code ChatInbox}es call, one event at a time per chat, possibly more
 * than once per event).
 *
 * <p>Every effect is idempotent by the LINE event id: the conversation dedupes a turn by its
 * message id (the event id), orders are placed with the idempotency key {@code line-<eventId>}
 * (caller {@value #CALLER}), and every outbound message carries an {@code outboundId} derived from
 * the event or the order ({@code <eventId>#answer}, {@code order-<orderId>-confirmed}, …) which
 * the {@link ReplyDispatcher} delivers once.
 *
 * <p>Failures: a downstream domain that cannot be reached fails the stage (the inbox retries the
 * event with backoff) wherever the customer would otherwise get nothing or a wrong answer — the
 * conversation's answer, order decisions, registration, blocking and the dispatcher. Lookups that
 * only tune the answer degrade: the customer's language falls back to {@code en}, the LINE profile
 * to no name, the loading animation is best effort. Business refusals (an expired or closed order,
 * an unknown product) are answered with a clear message and complete the stage.
 *
 * <p>Standby events ({@code mode = standby}: another channel owns the chat) are recorded by the
 * inbox and get no effect here.
 */
public final class ChatBot implements ChatReactions {

  /** Who places and decides orders from the chat (idempotency keys are scoped by it). */
  public static final String CALLER = "bot-gateway";
  public static final String LOADING_AFTER = "linecommerce.gateway.bot.loading-after";
  public static final String DEFAULT_LANGUAGE = "en";

  private static final Logger log = LoggerFactory.getLogger(ChatBot.class);

  /** Where outbound messages go: the reply dispatcher on a node, a recorder in tests. */
  @FunctionalInterface
  public interface Outbound {
    CompletionStage<Done> send(OutboundRequest request);
  }

  private final ConversationClient conversations;
  private final CustomerClient customers;
  private final Supplier<OrderClient> orders;
  private final LineMessaging line;
  private final LineMessages messages;
  private final Outbound outbound;
  private final Onboarder onboarding;
  private final OrderPresenter presenter;

  /** Starts the onboarding of a follower (the {@link OnboardingSaga} on a node). */
  @FunctionalInterface
  public interface Onboarder {
    CompletionStage<Done> start(LineEvent follow, MessageMeta meta);
  }
  private final Duration loadingAfter;

  public ChatBot(
      ConversationClient conversations,
      CustomerClient customers,
      Supplier<OrderClient> orders,
      LineMessaging line,
      LineMessages messages,
      Outbound outbound,
      Duration loadingAfter,
      Onboarder onboarding,
      OrderPresenter presenter) {
    this.conversations = conversations;
    this.customers = customers;
    this.orders = orders;
    this.line = line;
    this.messages = messages;
    this.outbound = outbound;
    this.loadingAfter = loadingAfter;
    this.onboarding = onboarding != null ? onboarding : new Onboarding(conversations, customers, line, messages, outbound)::start;
    this.presenter = presenter;
  }

  /**
   * The bot of a node: its clients, the node's LINE channel and reply dispatcher, the onboarding
   * saga when registered ({@link #registerOnboarding}), else the same steps run in the stage.
   */
  public static ChatBot create(ActorSystem<?> system) {
    var config = system.settings().config();
    Duration loadingAfter = config.hasPath(LOADING_AFTER) ? config.getDuration(LOADING_AFTER) : Duration.ofSeconds(2);
    var sagas = org.linecommerce.runtime.saga.Sagas.get(system);
    @SuppressWarnings("unchecked")
    var onboarding = (org.linecommerce.runtime.saga.SagaDefinition<OnboardingSaga.Follow>) sagas.definition(OnboardingSaga.NAME)
        .orElse(null);
    return new ChatBot(new ConversationClient(system), new CustomerClient(system), () -> OrderClient.get(system),
        LineChannel.get(system).messaging(), LineMessages.withDefaults(), request -> ReplyDispatcher.send(system, request),
        loadingAfter, onboarding == null ? null : (event, meta) -> OnboardingSaga.start(sagas, onboarding, event, meta),
        OrderPresenter.create(system));
  }

  /** Registers the onboarding saga's definition on this node (before {@code Saga.init}). */
  public static void registerOnboarding(ActorSystem<?> system) {
    var sagas = org.linecommerce.runtime.saga.Sagas.get(system);
    if (sagas.definition(OnboardingSaga.NAME).isPresent()) return;
    sagas.register(OnboardingSaga.definition(new ConversationClient(system), new CustomerClient(system),
        LineChannel.get(system).messaging(), LineMessages.withDefaults(), request -> ReplyDispatcher.send(system, request)));
  }

  @Override
  public CompletionStage<Done> react(LineEvent event, MessageMeta meta) {
    if (!event.active()) return done();
    return switch (event.type()) {
      case "message" -> onMessage(event, meta);
      case "postback" -> onPostback(event, meta);
      case "follow" -> event.source().oneToOne() ? onboarding.start(event, meta) : done();
      case "unfollow" -> event.source().oneToOne()
          ? customers.block(event.source().userId(), meta).thenCompose(r -> okOrFail(r, "block"))
          : done();
      // join, leave, member joined/left, beacon, unsend, …: recorded by the inbox, nothing to say
      default -> done();
    };
  }

  // --- messages

  private CompletionStage<Done> onMessage(LineEvent event, MessageMeta meta) {
    LineEvent.Message message = event.message();
    if (message == null) return done();
    boolean oneToOne = event.source().oneToOne();
    // in groups and rooms the bot speaks only when spoken to
    if (!oneToOne && !message.mentionsBot()) return done();
    if ("text".equals(message.type()) && message.text() != null && !message.text().isBlank()) {
      return answerText(event, meta);
    }
    if (!oneToOne) return done();
    return languageOf(event.source().userId())
        .thenCompose(language -> reply(event, "#unsupported", messages.unsupportedMessage(language, message.type()), meta));
  }

  private CompletionStage<Done> answerText(LineEvent event, MessageMeta meta) {
    String userId = userIdOf(event);
    String text = event.message().text();
    if (text.length() > GenerateRequest.MAX_MESSAGE_LENGTH) text = text.substring(0, GenerateRequest.MAX_MESSAGE_LENGTH);
    var request = new GenerateRequest(userId, text, event.eventId(), null, null);
    CompletableFuture<AskResult<AiAnswer>> answer = conversations.generate(request, meta).toCompletableFuture();
    if (event.source().oneToOne() && !answer.isDone()) {
      // the loading animation only when the answer is slow; best effort
      CompletableFuture.delayedExecutor(loadingAfter.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
        if (!answer.isDone()) {
          line.showLoading(userId, 20, meta).exceptionally(e -> null);
        }
      });
    }
    return answer.thenCompose(result -> {
      if (!(result instanceof AskResult.Ok<AiAnswer> ok)) {
        return CompletableFuture.<Done>failedFuture(new IllegalStateException("conversation: " + result));
      }
      AiAnswer ai = ok.value();
      // handoff: the conversation records the message for the operator and says nothing
      if (ai.response() == null || ai.response().isBlank()) return done();
      return reply(event, "#answer", render(ai), meta);
    });
  }

  /**
   * The answer as LINE messages. The turn that hands the chat to a person is already in
   * {@code handoff} mode but still has a text (telling the customer someone will answer), which
   * the renderer, quiet in handoff mode, would drop: it goes as plain text.
   */
  private List<String> render(AiAnswer ai) {
    if (ai.mode() == org.linecommerce.conversation.api.ConversationMode.HANDOFF) return messages.text(ai.response());
    return messages.answer(ai);
  }

  // --- postbacks

  private CompletionStage<Done> onPostback(LineEvent event, MessageMeta meta) {
    if (event.postback() == null || !event.source().oneToOne()) return done();
    Optional<PostbackData> data = PostbackData.parse(event.postback().data());
    if (data.isEmpty()) {
      log.info("postback {} with data the bot does not know: {}", event.eventId(), event.postback().data());
      return done();
    }
    String userId = event.source().userId();
    PostbackData action = data.get();
    return languageOf(userId).thenCompose(language -> {
      if (action instanceof PostbackData.ConfirmOrder c) return decide(event, language, c.orderId(), true, meta);
      if (action instanceof PostbackData.CancelOrder c) return decide(event, language, c.orderId(), false, meta);
      if (action instanceof PostbackData.ProductDetails p) return productDetails(event, p.productId(), meta);
      if (action instanceof PostbackData.OrderProduct p) return placeOrder(event, language, p.productId(), p.quantity(), meta);
      if (action instanceof PostbackData.Reorder p) return placeOrder(event, language, p.productId(), 1, meta);
      return done();
    });
  }

  /**
   * Confirms or cancels through the order client. The message carries the same outbound id as
   * the order-notification subscription's ({@code order-<id>-confirmed|cancelled}), so the
   * customer hears it once whichever comes first.
   */
  private CompletionStage<Done> decide(LineEvent event, String language, String orderId, boolean confirm, MessageMeta meta) {
    OrderClient client = orders.get();
    CompletionStage<OrderDecision> decision = confirm
        ? client.confirm(orderId, meta)
        : client.cancel(orderId, "cancelled by the customer in chat", meta);
    return decision.thenCompose(d -> {
      OrderView order = d.order();
      if (order != null && order.userId() != null && !order.userId().equals(event.source().userId())) {
        // somebody else's order id in a forged postback: say nothing about it
        return done();
      }
      return switch (d.outcome()) {
        case DONE, IN_PROGRESS -> {
          String status = confirm ? "confirmed" : "cancelled";
          yield presenter.localize(summaryOf(order, orderId, status), language).thenCompose(summary -> {
            List<String> body = confirm ? messages.orderConfirmed(language, summary) : messages.orderCancelled(language, summary);
            return send(new OutboundRequest(OrderNotifications.outboundId(orderId, status), event.source().chatId(), body,
                event.replyToken(), eventTime(event), meta));
          });
        }
        case REFUSED -> refused(event, language, order, orderId, meta);
        case NOT_FOUND -> reply(event, "#decision", messages.text(Refusals.unknownOrder(language)), meta);
      };
    });
  }

  private CompletionStage<Done> refused(LineEvent event, String language, OrderView order, String orderId, MessageMeta meta) {
    String status = order == null || order.status() == null ? "" : order.status().name().toLowerCase();
    if ("expired".equals(status)) {
      // the same message the subscription sends on expiry: once, whichever path is first
      return presenter.localize(summaryOf(order, orderId, status), language).thenCompose(summary ->
          send(new OutboundRequest(OrderNotifications.outboundId(orderId, "expired"), event.source().chatId(),
              messages.orderExpired(language, summary), event.replyToken(), eventTime(event), meta)));
    }
    return reply(event, "#decision", messages.text(Refusals.orderClosed(language, status)), meta);
  }

  private CompletionStage<Done> productDetails(LineEvent event, String productId, MessageMeta meta) {
    // the conversation knows the catalog and the customer's language: ask it about the product
    var request = new GenerateRequest(event.source().userId(), productId, event.eventId(), null, null);
    return conversations.noteViewedProducts(event.source().userId(), List.of(productId), event.eventId(), meta)
        .exceptionally(e -> null)
        .thenCompose(ignored -> conversations.generate(request, meta))
        .thenCompose(result -> {
          if (!(result instanceof AskResult.Ok<AiAnswer> ok)) {
            return CompletableFuture.<Done>failedFuture(new IllegalStateException("conversation: " + result));
          }
          if (ok.value().response() == null || ok.value().response().isBlank()) return done();
          return reply(event, "#answer", render(ok.value()), meta);
        });
  }

  /**
   * Places the order directly through the order client (not through the conversation): the
   * postback already names the product and quantity, so there is nothing to understand, and the
   * key {@code line-<eventId>} makes a redelivered postback find the same order.
   */
  private CompletionStage<Done> placeOrder(LineEvent event, String language, String productId, int quantity, MessageMeta meta) {
    OrderClient client = orders.get();
    var request = new PlaceOrder(event.source().userId(), List.of(new OrderLine(productId, quantity)));
    return client.place(CALLER, "line-" + event.eventId(), request, meta).thenCompose(placement -> {
      if (placement instanceof Placement.Accepted accepted) {
        // shown once the checkout priced it (names, prices, total), names in the customer's language
        return presenter.priced(client, accepted.orderId())
            .thenCompose(order -> presenter.localize(summaryOf(order.orElse(null), accepted.orderId(), "pending"), language))
            .thenCompose(summary -> reply(event, "#order", messages.orderPending(language, summary), meta));
      }
      if (placement instanceof Placement.Unavailable u) {
        // stored but not started in time: the inbox retries with the same key
        return CompletableFuture.<Done>failedFuture(new IllegalStateException("orders: " + u.detail()));
      }
      return reply(event, "#order", messages.text(Refusals.cannotOrder(language)), meta);
    });
  }

  // --- helpers

  private CompletionStage<Done> reply(LineEvent event, String suffix, List<String> body, MessageMeta meta) {
    if (body.isEmpty()) return done();
    return send(new OutboundRequest(event.eventId() + suffix, event.source().chatId(), body, event.replyToken(),
        eventTime(event), meta));
  }

  private CompletionStage<Done> send(OutboundRequest request) {
    if (request.messages().isEmpty()) return done();
    return outbound.send(request);
  }

  /** The customer's language from their profile; {@code en} when unknown or unreachable (degrades). */
  CompletionStage<String> languageOf(String userId) {
    if (userId == null) return CompletableFuture.completedFuture(DEFAULT_LANGUAGE);
    return customers.get(userId)
        .thenApply(result -> result instanceof AskResult.Ok<CustomerView> ok ? languageOf(ok.value()) : DEFAULT_LANGUAGE)
        .exceptionally(e -> DEFAULT_LANGUAGE);
  }

  static String languageOf(CustomerView view) {
    if (view == null || view.profile() == null || view.profile().language() == null || view.profile().language().isBlank()) {
      return DEFAULT_LANGUAGE;
    }
    return view.profile().language();
  }

  static OrderSummary summaryOf(OrderView order, String orderId, String status) {
    if (order == null) return new OrderSummary(orderId, status, List.of(), null, null, null);
    List<OrderSummary.Item> items = order.items().stream()
        .map(l -> new OrderSummary.Item(l.productId(), l.name(), l.quantity(), l.unitPrice(), l.lineTotal()))
        .toList();
    String actual = order.status() == null ? status : order.status().name().toLowerCase();
    return new OrderSummary(order.orderId() == null ? orderId : order.orderId(), actual, items, order.total(),
        order.currency(), order.expiresAt());
  }

  private static String userIdOf(LineEvent event) {
    return event.source().userId() != null ? event.source().userId() : event.source().chatId();
  }

  private static java.time.Instant eventTime(LineEvent event) {
    return event.timestamp() > 0 ? java.time.Instant.ofEpochMilli(event.timestamp()) : null;
  }

  static <R> CompletionStage<Done> okOrFail(AskResult<R> result, String what) {
    if (result instanceof AskResult.Ok<R>) return done();
    return CompletableFuture.failedFuture(new IllegalStateException(what + ": " + result));
  }

  static CompletionStage<Done> done() {
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  /** Keeps a LINE profile's fields usable even when LINE did not answer. */
  static LineProfile noProfile(String userId) {
    return new LineProfile(userId, null, null, null, null);
  }
}
