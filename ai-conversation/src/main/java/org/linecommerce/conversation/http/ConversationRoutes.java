package org.linecommerce.conversation.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.linecommerce.catalog.api.CatalogLanguages;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationClient;
import org.linecommerce.conversation.api.ConversationCommand;
import org.linecommerce.conversation.api.ConversationMode;
import org.linecommerce.conversation.api.ConversationView;
import org.linecommerce.conversation.api.GenerateOptions;
import org.linecommerce.conversation.api.GenerateRequest;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.QuickReply;
import org.linecommerce.conversation.api.Turn;
import org.linecommerce.conversation.internal.provider.ProviderStats;
import org.linecommerce.runtime.http.CorrelationId;
import org.linecommerce.runtime.http.HttpEdge;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.http.Problem;
import org.linecommerce.runtime.http.ProblemException;
import org.linecommerce.runtime.http.Problems;
import org.linecommerce.runtime.resilience.AskResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conversation API, behind the HTTP edge (which authenticates {@code /api/v1} with the API
 * token and {@code /admin} with the admin token, sets the correlation id, rate-limits and renders
 * every error as problem+json):
 *
 * <ul>
 *   <li>{@code POST /api/v1/ai/generate} {@code {userId, message, context?:{language?, messageId?,
 *       …}, options?:{provider?, maxTokens?, temperature?}}} → 200 {@link GenerateJson}. The
 *       message id is the {@code Idempotency-Key} header (1..128 characters), else
 *       {@code context.messageId}; the same id again answers the same turn and acts on nothing
 *       twice. Other {@code context} fields ({@code previousMessages}, {@code userProfile}, …) are
 *       accepted and ignored: the conversation keeps its own history and the customer's profile.
 *       400 for a body that is not a JSON object or a bad header; 422 for invalid values (userId
 *       1..64 of {@code [A-Za-z0-9_-]}, message non-empty after trimming and at most 5,000 UTF-16
 *       units, {@code context.language} a BCP 47 tag of en/ja/th, {@code options.provider} one of
 *       local/openai/fallback, {@code maxTokens} 1..4096, {@code temperature} 0..2); 503 when the
 *       conversation did not answer (repeat with the same Idempotency-Key). This route's request
 *       timeout is {@code linecommerce.conversation.generate-timeout} + 5 s (kept below Pekko's
 *       {@code idle-timeout}), longer than the edge's default, so a slow vendor followed by the
 *       local provider still answers.
 *   <li>{@code GET /api/v1/conversations/{userId}?limit=10} → 200 {@code {userId, messages:[{role,
 *       text, timestamp}], mode}}, oldest first; a user who never wrote has no messages. {@code limit}
 *       1..100 (default 10; like the products route, anything else is 400, not clamped).
 *   <li>{@code GET /api/v1/ai/providers/stats} → 200 {@code {providers:[{name, requests, failures,
 *       p50Ms, p95Ms, breaker, promptTokens, completionTokens}]}}, the chain's order, this node's figures.
 *   <li>{@code GET /admin/ai/providers/stats} → the same as {@code /api/v1/ai/providers/stats}, for the
 *       operations dashboard (admin token).
 *   <li>{@code POST /admin/conversations/{userId}/handback} with an optional body {@code {operator?}}
 *       → 200 {@link ViewJson}: the chat is with the bot again (also 200 when it already was).
 * </ul>
 *
 * An invalid {@code userId} in a path is 422 like in a body. Messages a request causes carry a
 * {@code MessageMeta} with its correlation id and W3C traceparent ({@link HttpEdge#rootMeta}).
 */
public final class ConversationRoutes {

  private static final String SOURCE = "conversation-api";
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  public static final int MAX_KEY_LENGTH = 128;
  public static final int DEFAULT_HISTORY_LIMIT = 10;
  public static final int MAX_HISTORY_LIMIT = 100;
  public static final int MAX_TOKENS = 4096;
  public static final double MAX_TEMPERATURE = 2.0;
  public static final List<String> PROVIDERS = List.of("local", "openai", "fallback");
  /** How much longer than the generate timeout the generate route may take before the edge answers 503. */
  public static final Duration GENERATE_ROUTE_MARGIN = Duration.ofSeconds(5);
  private static final int MAX_OPERATOR_LENGTH = 100;
  private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final Logger log = LoggerFactory.getLogger(ConversationRoutes.class);

  private final ActorSystem<?> system;
  private final ConversationClient client;
  private final Supplier<List<ProviderStats>> stats;
  private final ObjectMapper mapper;
  private final Unmarshaller<HttpEntity, JsonNode> jsonBody;
  private final Marshaller<Object, RequestEntity> json;
  private final Duration generateRouteTimeout;

  public ConversationRoutes(ActorSystem<?> system, ConversationClient client, Supplier<List<ProviderStats>> stats) {
    this.system = system;
    this.client = client;
    this.stats = stats;
    this.mapper = Json.mapper(system);
    this.jsonBody = Json.unmarshaller(system, JsonNode.class);
    this.json = Json.marshaller(system);
    this.generateRouteTimeout = generateRouteTimeout(system.settings().config(), client.generateTimeout());
  }

  /**
   * The generate route's request timeout: the generate timeout + {@link #GENERATE_ROUTE_MARGIN},
   * but below Pekko's {@code pekko.http.server.idle-timeout} (60 s by default): a connection idle
   * that long is closed without an answer even while its request runs, so the route answers its
   * 503 problem just before.
   */
  static Duration generateRouteTimeout(Config config, Duration generateTimeout) {
    Duration wanted = generateTimeout.plus(GENERATE_ROUTE_MARGIN);
    String idlePath = "pekko.http.server.idle-timeout";
    if (!config.hasPath(idlePath) || config.getString(idlePath).equals("infinite")) return wanted;
    Duration idle = config.getDuration(idlePath);
    Duration ceiling = idle.minusSeconds(1);
    if (idle.isZero() || wanted.compareTo(ceiling) <= 0) return wanted;
    if (generateTimeout.compareTo(ceiling) >= 0) {
      log.warn("{} ({} s) is not below {} ({} s): a turn that slow loses its connection; POST /api/v1/ai/generate"
              + " answers 503 after {} s. Raise {} above the generate timeout + {} s.",
          ConversationClient.GENERATE_TIMEOUT, generateTimeout.toSeconds(), idlePath, idle.toSeconds(),
          ceiling.toMillis() / 1000.0, idlePath, GENERATE_ROUTE_MARGIN.toSeconds());
    }
    return ceiling.isNegative() || ceiling.isZero() ? idle : ceiling;
  }

  // ---------------------------------------------------------------- JSON

  /** The answer to one message, as INTERFACES.md shows it. */
  public record GenerateJson(
      String response,
      String provider,
      double confidence,
      String intent,
      String language,
      List<ProductJson> products,
      List<QuickReplyJson> quickReplies,
      @JsonInclude(JsonInclude.Include.NON_NULL) OrderJson order,
      String mode,
      long processingTimeMs) {

    static GenerateJson of(AiAnswer a) {
      return new GenerateJson(a.response(), a.provider(), a.confidence(),
          a.intent() == null ? null : a.intent().label(), a.language(),
          a.products().stream().map(ProductJson::of).toList(),
          a.quickReplies().stream().map(QuickReplyJson::of).toList(),
          a.order() == null ? null : OrderJson.of(a.order()),
          modeCode(a.mode()), a.processingTimeMs());
    }
  }

  public record ProductJson(
      String id, String name, BigDecimal price, String currency, int stock,
      @JsonInclude(JsonInclude.Include.NON_NULL) String imageUrl) {

    static ProductJson of(ProductCard p) {
      return new ProductJson(p.id(), p.name(), p.price(), p.currency(), p.stock(), p.imageUrl());
    }
  }

  public record QuickReplyJson(String label, String text) {
    static QuickReplyJson of(QuickReply q) {
      return new QuickReplyJson(q.label(), q.text());
    }
  }

  /** An order placed or asked about; {@code total}, prices and {@code expiresAt} are null while the checkout still prices it. */
  public record OrderJson(
      String orderId, String status, List<OrderItemJson> items, BigDecimal total, String currency, Instant expiresAt) {

    static OrderJson of(OrderSummary o) {
      return new OrderJson(o.orderId(), o.status(),
          o.items().stream().map(i -> new OrderItemJson(i.productId(), i.name(), i.quantity(), i.unitPrice(), i.lineTotal()))
              .toList(),
          o.total(), o.currency(), o.expiresAt());
    }
  }

  public record OrderItemJson(String productId, String name, int quantity, BigDecimal unitPrice, BigDecimal lineTotal) {}

  /** One message of a conversation: {@code role} user, bot or operator. */
  public record MessageJson(String role, String text, Instant timestamp) {
    static MessageJson of(Turn t) {
      return new MessageJson(t.role(), t.text(), t.timestamp());
    }
  }

  public record HistoryJson(String userId, List<MessageJson> messages, String mode) {}

  /** A conversation's state: mode, last messages kept in memory, message count, last activity. */
  public record ViewJson(String userId, String mode, List<MessageJson> lastMessages, int messageCount, Instant lastActivityAt) {
    static ViewJson of(ConversationView v) {
      return new ViewJson(v.userId(), modeCode(v.mode()), v.lastMessages().stream().map(MessageJson::of).toList(),
          v.messageCount(), v.lastActivityAt());
    }
  }

  /** One provider's figures on this node since start-up; {@code breaker} closed, open or half-open. */
  public record ProviderStatsJson(
      String name, long requests, long failures, double p50Ms, double p95Ms, String breaker,
      long promptTokens, long completionTokens) {

    static ProviderStatsJson of(ProviderStats s) {
      return new ProviderStatsJson(s.provider(), s.requests(), s.failures(), s.p50Ms(), s.p95Ms(), s.breaker(),
          s.promptTokens(), s.completionTokens());
    }
  }

  public record ProvidersJson(List<ProviderStatsJson> providers) {}

  private static String modeCode(ConversationMode mode) {
    return (mode == null ? ConversationMode.BOT : mode).code();
  }

  // ---------------------------------------------------------------- routes

  public Route route() {
    return Directives.concat(
        Directives.pathPrefix("api", () -> Directives.pathPrefix("v1", () -> Directives.concat(
            Directives.pathPrefix("ai", () -> Directives.concat(
                Directives.path("generate", () -> Directives.post(this::generate)),
                Directives.path(PathMatchers.segment("providers").slash("stats"), () -> Directives.get(this::providerStats)))),
            Directives.path(PathMatchers.segment("conversations").slash(PathMatchers.segment()),
                userId -> Directives.get(() -> Directives.extractUri(uri -> history(userId, uri))))))),
        Directives.path(PathMatchers.segment("admin").slash("conversations").slash(PathMatchers.segment()).slash("handback"),
            userId -> Directives.post(() -> handBack(userId))),
        // the same figures for the operations dashboard, which holds only the admin token
        Directives.path(PathMatchers.segment("admin").slash("ai").slash("providers").slash("stats"),
            () -> Directives.get(this::providerStats)));
  }

  private Route generate() {
    return HttpEdge.correlationId(correlationId -> Directives.withRequestTimeout(generateRouteTimeout,
        request -> timedOut(correlationId), () ->
        Directives.optionalHeaderValueByName(IDEMPOTENCY_KEY, key -> {
          if (key.isPresent() && (key.get().isBlank() || key.get().length() > MAX_KEY_LENGTH)) {
            throw ProblemException.badRequest(
                "the " + IDEMPOTENCY_KEY + " header must be 1 to " + MAX_KEY_LENGTH + " characters");
          }
          return Directives.entity(jsonBody, body -> HttpEdge.rootMeta(SOURCE, meta -> {
            GenerateRequest request = generateRequest(body, key.map(String::strip));
            return await(client.generate(request, meta), request.userId(),
                answer -> Directives.complete(StatusCodes.OK, GenerateJson.of(answer), json));
          }));
        })));
  }

  private Route history(String userId, Uri uri) {
    validUserId(userId);
    int limit = limit(uri);
    CompletableFuture<AskResult<ConversationCommand.History>> history = client.history(userId, limit).toCompletableFuture();
    CompletableFuture<AskResult<ConversationView>> view = client.view(userId).toCompletableFuture();
    CompletionStage<AskResult<HistoryJson>> both = history.thenCombine(view, (h, v) -> {
      if (h instanceof AskResult.Failed<ConversationCommand.History> f) return new AskResult.Failed<>(f.failure(), f.detail());
      if (v instanceof AskResult.Failed<ConversationView> f) return new AskResult.Failed<>(f.failure(), f.detail());
      return new AskResult.Ok<>(new HistoryJson(userId,
          h.value().messages().stream().map(MessageJson::of).toList(), modeCode(v.value().mode())));
    });
    return await(both, userId, body -> Directives.complete(StatusCodes.OK, body, json));
  }

  private Route providerStats() {
    return Directives.complete(StatusCodes.OK,
        new ProvidersJson(stats.get().stream().map(ProviderStatsJson::of).toList()), json);
  }

  private Route handBack(String userId) {
    return Directives.entity(Unmarshaller.entityToString(), text -> HttpEdge.rootMeta(SOURCE, meta -> {
      validUserId(userId);
      String operator = operator(text);
      return await(client.handBack(userId, operator, meta), userId,
          view -> Directives.complete(StatusCodes.OK, ViewJson.of(view), json));
    }));
  }

  // ---------------------------------------------------------------- requests

  private GenerateRequest generateRequest(JsonNode body, Optional<String> idempotencyKey) {
    if (body == null || !body.isObject()) throw ProblemException.badRequest("the body must be a JSON object {userId, message, context?, options?}");
    String userId = text(body, "userId");
    if (userId == null) throw ProblemException.unprocessable("userId is required");
    validUserId(userId);
    String message = text(body, "message");
    if (message == null || message.isBlank()) throw ProblemException.unprocessable("message is required and must not be blank");
    if (message.length() > GenerateRequest.MAX_MESSAGE_LENGTH) {
      throw ProblemException.unprocessable("message is longer than " + GenerateRequest.MAX_MESSAGE_LENGTH
          + " characters (UTF-16 units): " + message.length());
    }
    JsonNode context = object(body, "context");
    String language = null;
    String messageId = idempotencyKey.orElse(null);
    if (context != null) {
      String tag = text(context, "context.language", context.get("language"));
      if (tag != null && !tag.isBlank()) {
        language = CatalogLanguages.normalize(tag).orElseThrow(() -> ProblemException.unprocessable(
            "context.language must be a BCP 47 tag of " + String.join(", ", CatalogLanguages.SUPPORTED)
                + " (such as ja-JP), got '" + clip(tag) + "'"));
      }
      String contextId = text(context, "context.messageId", context.get("messageId"));
      if (messageId == null && contextId != null && !contextId.isBlank()) {
        if (contextId.length() > MAX_KEY_LENGTH) {
          throw ProblemException.unprocessable("context.messageId must be at most " + MAX_KEY_LENGTH + " characters");
        }
        messageId = contextId.strip();
      }
    }
    return new GenerateRequest(userId, message, messageId, language, options(object(body, "options")));
  }

  private static GenerateOptions options(JsonNode options) {
    if (options == null) return GenerateOptions.defaults();
    String provider = text(options, "options.provider", options.get("provider"));
    if (provider != null) {
      provider = provider.strip().toLowerCase(java.util.Locale.ROOT);
      if (!PROVIDERS.contains(provider)) {
        throw ProblemException.unprocessable("options.provider must be one of " + String.join(", ", PROVIDERS)
            + ", got '" + clip(provider) + "'");
      }
    }
    int maxTokens = GenerateOptions.DEFAULT_MAX_TOKENS;
    JsonNode tokens = options.get("maxTokens");
    if (tokens != null && !tokens.isNull()) {
      if (!tokens.isIntegralNumber() || !tokens.canConvertToInt() || tokens.intValue() < 1 || tokens.intValue() > MAX_TOKENS) {
        throw ProblemException.unprocessable("options.maxTokens must be a whole number from 1 to " + MAX_TOKENS + ", got " + tokens);
      }
      maxTokens = tokens.intValue();
    }
    double temperature = GenerateOptions.DEFAULT_TEMPERATURE;
    JsonNode temp = options.get("temperature");
    if (temp != null && !temp.isNull()) {
      if (!temp.isNumber() || temp.doubleValue() < 0 || temp.doubleValue() > MAX_TEMPERATURE || Double.isNaN(temp.doubleValue())) {
        throw ProblemException.unprocessable("options.temperature must be a number from 0 to 2, got " + temp);
      }
      temperature = temp.doubleValue();
    }
    return new GenerateOptions(provider, maxTokens, temperature);
  }

  private static int limit(Uri uri) {
    Optional<String> given = uri.query().get("limit");
    if (given.isEmpty()) return DEFAULT_HISTORY_LIMIT;
    int value;
    try {
      value = Integer.parseInt(given.get().trim());
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value < 1 || value > MAX_HISTORY_LIMIT) {
      throw new ProblemException(StatusCodes.BAD_REQUEST, Problem.type("invalid-parameter"), "Invalid parameter",
          "query parameter 'limit' must be a whole number from 1 to " + MAX_HISTORY_LIMIT + ", got '" + clip(given.get()) + "'");
    }
    return value;
  }

  private String operator(String text) {
    if (text == null || text.isBlank()) return "admin";
    JsonNode body;
    try {
      body = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ProblemException(StatusCodes.BAD_REQUEST, Problem.type("malformed-body"), "Malformed request body",
          "the body must be empty or a JSON object {operator?}; it is not well-formed JSON");
    }
    if (body == null || !body.isObject()) throw ProblemException.badRequest("the body must be empty or a JSON object {operator?}");
    String operator = text(body, "operator");
    if (operator == null || operator.isBlank()) return "admin";
    if (operator.length() > MAX_OPERATOR_LENGTH) {
      throw ProblemException.unprocessable("operator must be at most " + MAX_OPERATOR_LENGTH + " characters");
    }
    return operator.strip();
  }

  private static JsonNode object(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) return null;
    if (!n.isObject()) throw ProblemException.unprocessable(field + " must be a JSON object");
    return n;
  }

  private static String text(JsonNode body, String field) {
    return text(body, field, body.get(field));
  }

  private static String text(JsonNode body, String name, JsonNode n) {
    if (n == null || n.isNull()) return null;
    if (!n.isTextual()) throw ProblemException.unprocessable(name + " must be a string");
    return n.textValue();
  }

  private static void validUserId(String userId) {
    if (userId == null || !USER_ID.matcher(userId).matches()) {
      throw ProblemException.unprocessable("userId must be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'");
    }
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static String clip(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  // ---------------------------------------------------------------- answers

  /** The reply to {@code onOk}; a refusal is 422; no answer is 503 (repeat the request). */
  private static <T> Route await(CompletionStage<AskResult<T>> stage, String userId, Function<T, Route> onOk) {
    return Directives.onSuccess(stage, result -> {
      if (result instanceof AskResult.Ok<T> ok) return onOk.apply(ok.value());
      AskResult.Failed<T> failed = (AskResult.Failed<T>) result;
      if (failed.failure() == AskResult.Failure.REJECTED) throw ProblemException.unprocessable(failed.detail());
      throw new ProblemException(StatusCodes.SERVICE_UNAVAILABLE, Problem.type("conversation-unavailable"),
          "Service unavailable", "the conversation of " + userId + " did not answer ("
              + failed.failure().name().toLowerCase(java.util.Locale.ROOT)
              + "); try again (with the same " + IDEMPOTENCY_KEY + " for a message, so it is answered once)");
    });
  }

  /** The generate route's own timeout answer: the edge's problem+json, naming this route's longer timeout. */
  private HttpResponse timedOut(String id) {
    Problem problem = new Problem(Problem.type("request-timeout"), "Request timeout",
        StatusCodes.SERVICE_UNAVAILABLE.intValue(),
        "The server did not answer within " + describe(generateRouteTimeout) + ". The message may still be answered;"
            + " repeat it with the same " + IDEMPOTENCY_KEY + " to get its answer.",
        id);
    return Problems.response(system, problem, List.of(RawHeader.create(CorrelationId.HEADER, id)));
  }
}
