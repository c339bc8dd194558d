package org.linecommerce.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The LINE platform for tests and demos: a real HTTP server on 127.0.0.1 and a free port that
 * plays the Messaging API the gateway calls (point {@code linecommerce.line.api-base-url} at
 * {@link #apiBaseUrl()} and the channel access token at {@link #channelAccessToken()}), and that
 * sends signed webhooks the way LINE does.
 *
 * <p><b>LINE's rules it enforces.</b> Bearer token checked (401 otherwise). Reply tokens are issued
 * only by this fake, with each webhook event it builds; one works once and only for
 * {@link #replyTokenLifetime(Duration)} (used, unknown or expired → 400 {@code Invalid reply token}).
 * Push remembers {@code X-Line-Retry-Key}: an accepted key again → 409 with
 * {@code x-line-accepted-request-id}, and the messages are not delivered twice; a retry key on any
 * other endpoint → 400. At most 5 messages, text ≤ 5,000 UTF-16 units. Loading animation: 202,
 * a group or room id → 400. Profiles: the ones {@link #addProfile} registered, else 404. Every
 * reply/push/loading body is also checked against LINE's OpenAPI schemas ({@link LineApiSchema}):
 * a violation → 400 with the violations as {@code details}, recorded in {@link #violations()}.
 *
 * <p><b>What it records.</b> Every request ({@link #requests()}) and every delivered message batch
 * ({@link #deliveries()}): chat, messages, reply token or retry key, and the webhook event the
 * reply token belonged to.
 *
 * <p><b>Faults on demand</b> (besides the base class's {@code failNext}/{@code delayEveryAnswer}):
 * {@link #failFor} (an answer for every API call for a while), {@link #failApiCalls} (the next N),
 * {@link #rateLimitNext} (429 with the rate-limit or the monthly-quota body), {@link #hang} (calls
 * are held unanswered until {@link #heal()}: a client timeout), and {@link #acceptThenHang} (push
 * is processed and delivered but its answer held: the client cannot know it went through).
 */
public final class FakeLinePlatform extends FakeHttpServer {

  public static final String REPLY_PATH = "/v2/bot/message/reply";
  public static final String PUSH_PATH = "/v2/bot/message/push";
  public static final String LOADING_PATH = "/v2/bot/chat/loading/start";
  public static final String PROFILE_PATH = "/v2/bot/profile/";
  public static final String VALIDATE_PATH = "/v2/bot/message/validate/";
  public static final String RATE_LIMIT_BODY = "The API rate limit has been exceeded. Try again later.";
  public static final String QUOTA_BODY = "You have reached your monthly limit.";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One batch of messages LINE delivered to a chat. */
  public record Delivery(
      String chatId, List<String> messages, String via, String replyToken, String retryKey,
      String webhookEventId, String requestId, Instant at) {

    /** The texts of the delivered text messages. */
    public List<String> texts() {
      List<String> out = new ArrayList<>();
      for (String m : messages) {
        JsonNode n = parse(m);
        if ("text".equals(n.path("type").asText())) out.add(n.path("text").asText());
      }
      return out;
    }
  }

  /** A request refused because its body breaks LINE's OpenAPI schema. */
  public record Violation(String path, String schema, List<String> violations, String body) {}

  /** A webhook event built by this fake, with the reply token it issued for it (null when none). */
  public record WebhookEvent(String webhookEventId, String chatId, String replyToken, ObjectNode json) {

    /** The same event as LINE's redelivery sends it: same id, {@code isRedelivery = true}, a fresh reply token. */
    public WebhookEvent redelivered(FakeLinePlatform line) {
      ObjectNode copy = json.deepCopy();
      ((ObjectNode) copy.path("deliveryContext")).put("isRedelivery", true);
      String token = replyToken == null ? null : line.issueReplyToken(chatId, webhookEventId);
      if (token != null) copy.put("replyToken", token);
      return new WebhookEvent(webhookEventId, chatId, token, copy);
    }
  }

  private record TokenInfo(String chatId, String webhookEventId, Instant expiresAt, boolean used) {}

  private record Accepted(String requestId, Delivery delivery) {}

  private final String channelAccessToken;
  private final String channelSecret;
  private final HttpClient webhookClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, TokenInfo> replyTokens = new ConcurrentHashMap<>();
  private final Map<String, Accepted> retryKeys = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> profiles = new ConcurrentHashMap<>();
  // a queue, not a copy-on-write list: a load run records 100,000s of deliveries (a copy per add is quadratic)
  private final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
  private final List<Consumer<Delivery>> deliveryListeners = new CopyOnWriteArrayList<>();
  private volatile boolean keepDeliveries = true;
  private final List<Violation> violations = new CopyOnWriteArrayList<>();
  private final AtomicReference<Duration> tokenLifetime = new AtomicReference<>(Duration.ofMinutes(1));
  private final AtomicReference<Reply> failure = new AtomicReference<>();
  private final AtomicReference<Instant> failUntil = new AtomicReference<>(Instant.MIN);
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicReference<Boolean> hangBefore = new AtomicReference<>(false);
  private final AtomicReference<Boolean> hangAfter = new AtomicReference<>(false);
  private final AtomicReference<Boolean> validateSchemas = new AtomicReference<>(true);
  private volatile CountDownLatch held = new CountDownLatch(1);
  /** The request schemas this fake checks bodies against. */
  private static final List<String> BODY_SCHEMAS =
      List.of("ReplyMessageRequest", "PushMessageRequest", "ShowLoadingAnimationRequest");

  /** A fake with a random channel access token and secret. */
  public FakeLinePlatform() {
    this("fake-token-" + UUID.randomUUID(), "fake-secret-" + UUID.randomUUID());
  }

  public FakeLinePlatform(String channelAccessToken, String channelSecret) {
    this.channelAccessToken = Objects.requireNonNull(channelAccessToken);
    this.channelSecret = Objects.requireNonNull(channelSecret);
    on(REPLY_PATH, r -> api(r, this::reply));
    on(PUSH_PATH, r -> api(r, this::push));
    on(LOADING_PATH, r -> api(r, this::loading));
    on(PROFILE_PATH, r -> api(r, this::profile));
    on(VALIDATE_PATH, r -> api(r, this::validate));
    // LINE's schemas loaded and compiled now, not by the first reply or push: on a slow machine that
    // took seconds, the caller's timeout expired on a delivered reply and it pushed the answer again
    for (String schema : BODY_SCHEMAS) LineApiSchema.messagingApi().violations(schema, JSON.createObjectNode());
  }

  /** Where the gateway's {@code linecommerce.line.api-base-url} points. */
  public String apiBaseUrl() {
    return baseUrl();
  }

  public String channelAccessToken() {
    return channelAccessToken;
  }

  public String channelSecret() {
    return channelSecret;
  }

  /** HOCON pointing a node at this fake (api-base-url, channel-access-token, channel-secret). */
  public String nodeConfig() {
    return "linecommerce.line { api-base-url = \"" + apiBaseUrl() + "\"\n channel-access-token = \""
        + channelAccessToken + "\"\n channel-secret = \"" + channelSecret + "\" }\n";
  }

  // ---------------------------------------------------------------- configuration and faults

  /** How long a reply token issued from now on stays valid (LINE: about a minute). */
  public FakeLinePlatform replyTokenLifetime(Duration lifetime) {
    tokenLifetime.set(lifetime);
    return this;
  }

  /** {@code GET /v2/bot/profile/{userId}} answers this profile ({@code language} may be null). */
  public FakeLinePlatform addProfile(String userId, String displayName, String language) {
    ObjectNode p = JSON.createObjectNode().put("userId", userId).put("displayName", displayName)
        .put("pictureUrl", "https://profile.line-scdn.net/" + userId).put("statusMessage", "hello");
    if (language != null) p.put("language", language);
    profiles.put(userId, p);
    return this;
  }

  /**
   * Whether deliveries are kept for {@link #deliveries()} (on by default); a load benchmark turns it
   * off and counts them with {@link #onDelivery} instead (a carousel is kilobytes of JSON).
   */
  public FakeLinePlatform keepDeliveries(boolean on) {
    keepDeliveries = on;
    return this;
  }

  /** {@code listener} is told of every delivered batch as it is recorded (on the fake's request thread). */
  public FakeLinePlatform onDelivery(Consumer<Delivery> listener) {
    deliveryListeners.add(listener);
    return this;
  }

  /** Whether request bodies are checked against LINE's OpenAPI schemas (on by default). */
  public FakeLinePlatform validateSchemas(boolean on) {
    validateSchemas.set(on);
    return this;
  }

  /** Every API call answers {@code status} (e.g. 500) for {@code duration} from now. */
  public void failFor(Duration duration, int status) {
    failure.set(Reply.json(status, "{\"message\":\"fake failure\"}"));
    failUntil.set(Instant.now().plus(duration));
  }

  /** The next {@code count} API calls answer {@code status}. */
  public void failApiCalls(int count, int status) {
    failure.set(Reply.json(status, "{\"message\":\"fake failure\"}"));
    failuresLeft.set(count);
  }

  /** The next {@code count} API calls answer 429, with the monthly-quota body when {@code quota}, else the rate-limit body. */
  public void rateLimitNext(int count, boolean quota, Duration retryAfter) {
    String body = JSON.createObjectNode().put("message", quota ? QUOTA_BODY : RATE_LIMIT_BODY).toString();
    Map<String, String> headers = retryAfter == null ? Map.of() : Map.of("Retry-After", String.valueOf(retryAfter.toSeconds()));
    failure.set(new Reply(429, "application/json", body.getBytes(StandardCharsets.UTF_8), headers));
    failuresLeft.set(count);
  }

  /** API calls are held without an answer until {@link #heal()} (the client times out; nothing is processed). */
  public void hang() {
    hangBefore.set(true);
  }

  /** Push and reply are processed (delivered) but their answers held until {@link #heal()}. */
  public void acceptThenHang() {
    hangAfter.set(true);
  }

  /** Back to normal: no failures, no hanging; held calls are let go (their clients have usually given up). */
  public void heal() {
    failUntil.set(Instant.MIN);
    failuresLeft.set(0);
    failure.set(null);
    hangBefore.set(false);
    hangAfter.set(false);
    CountDownLatch old = held;
    held = new CountDownLatch(1);
    old.countDown();
  }

  @Override
  public void reset() {
    super.reset();
    heal();
    deliveries.clear();
    violations.clear();
    retryKeys.clear();
    replyTokens.clear();
  }

  @Override
  public void close() {
    held.countDown();
    super.close();
  }

  // ---------------------------------------------------------------- what it saw

  /** Every delivered batch, oldest first. */
  public List<Delivery> deliveries() {
    return new ArrayList<>(deliveries);
  }

  /** Delivered batches to {@code chatId}, oldest first. */
  public List<Delivery> deliveriesTo(String chatId) {
    return deliveries.stream().filter(d -> d.chatId().equals(chatId)).toList();
  }

  /** Every request refused for breaking LINE's schemas. */
  public List<Violation> violations() {
    return new ArrayList<>(violations);
  }

  /** How many requests reached {@code path} (a prefix). */
  public int calls(String path) {
    return requests(path).size();
  }

  // ---------------------------------------------------------------- webhooks

  /** Issues a reply token for an event of {@code chatId} (what LINE does with each replyable event). */
  public String issueReplyToken(String chatId, String webhookEventId) {
    String token = UUID.randomUUID().toString().replace("-", "");
    replyTokens.put(token, new TokenInfo(chatId, webhookEventId, Instant.now().plus(tokenLifetime.get()), false));
    return token;
  }

  /** A text message from {@code userId} in a one-to-one chat. */
  public WebhookEvent textEvent(String userId, String text) {
    ObjectNode message = JSON.createObjectNode().put("id", id()).put("type", "text").put("text", text)
        .put("quoteToken", "q" + id());
    return event("message", userSource(userId), userId, true, e -> e.set("message", message));
  }

  /** A text message from {@code userId} in group {@code groupId}, mentioning the bot when {@code mentionsBot}. */
  public WebhookEvent groupTextEvent(String groupId, String userId, String text, boolean mentionsBot) {
    ObjectNode message = JSON.createObjectNode().put("id", id()).put("type", "text").put("text", text);
    if (mentionsBot) {
      ArrayNode mentionees = message.putObject("mention").putArray("mentionees");
      mentionees.addObject().put("index", 0).put("length", 4).put("type", "user").put("isSelf", true);
    }
    ObjectNode source = JSON.createObjectNode().put("type", "group").put("groupId", groupId).put("userId", userId);
    return event("message", source, groupId, true, e -> e.set("message", message));
  }

  /** A follow ({@code unblocked}: {@code follow.isUnblocked}). */
  public WebhookEvent followEvent(String userId, boolean unblocked) {
    return event("follow", userSource(userId), userId, true,
        e -> e.putObject("follow").put("isUnblocked", unblocked));
  }

  /** An unfollow (no reply token). */
  public WebhookEvent unfollowEvent(String userId) {
    return event("unfollow", userSource(userId), userId, false, e -> {});
  }

  /** A postback with {@code data}. */
  public WebhookEvent postbackEvent(String userId, String data) {
    return event("postback", userSource(userId), userId, true, e -> e.putObject("postback").put("data", data));
  }

  /** A sticker message. */
  public WebhookEvent stickerEvent(String userId) {
    return event("message", userSource(userId), userId, true, e -> e.putObject("message").put("id", id())
        .put("type", "sticker").put("packageId", "446").put("stickerId", "1988").put("stickerResourceType", "STATIC"));
  }

  /** An image message. */
  public WebhookEvent imageEvent(String userId) {
    return event("message", userSource(userId), userId, true, e -> {
      ObjectNode m = e.putObject("message").put("id", id()).put("type", "image");
      m.putObject("contentProvider").put("type", "line");
    });
  }

  /** The webhook body for {@code events} (one request may carry several). */
  public String webhookBody(List<WebhookEvent> events) {
    ObjectNode root = JSON.createObjectNode().put("destination", "Ufakebot");
    ArrayNode array = root.putArray("events");
    events.forEach(e -> array.add(e.json()));
    return root.toString();
  }

  /** Base64(HMAC-SHA256(channel secret, body bytes)): LINE's {@code x-line-signature}. */
  public String sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(channelSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** POSTs one signed webhook request carrying {@code events} (in the given order) to {@code url}; returns the status. */
  public int sendWebhook(String url, List<WebhookEvent> events) {
    byte[] body = webhookBody(events).getBytes(StandardCharsets.UTF_8);
    return post(url, body, sign(body));
  }

  /** POSTs {@code event} alone. */
  public int sendWebhook(String url, WebhookEvent event) {
    return sendWebhook(url, List.of(event));
  }

  /** POSTs raw bytes with the given signature header (null: none): for signature failure tests. */
  public int post(String url, byte[] body, String signature) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) b.header("x-line-signature", signature);
    try {
      return webhookClient.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private WebhookEvent event(String type, ObjectNode source, String chatId, boolean replyable,
      java.util.function.Consumer<ObjectNode> body) {
    String eventId = ulidLike();
    ObjectNode e = JSON.createObjectNode().put("type", type);
    body.accept(e);
    e.put("webhookEventId", eventId);
    e.putObject("deliveryContext").put("isRedelivery", false);
    e.put("timestamp", System.currentTimeMillis());
    e.set("source", source);
    e.put("mode", "active");
    String token = replyable ? issueReplyToken(chatId, eventId) : null;
    if (token != null) e.put("replyToken", token);
    return new WebhookEvent(eventId, chatId, token, e);
  }

  private static ObjectNode userSource(String userId) {
    return JSON.createObjectNode().put("type", "user").put("userId", userId);
  }

  private static String id() {
    return String.valueOf(Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L));
  }

  private static String ulidLike() {
    return ("01" + UUID.randomUUID().toString().replace("-", "").toUpperCase()).substring(0, 26);
  }

  // ---------------------------------------------------------------- the API

  private Reply api(RecordedRequest request, java.util.function.Function<RecordedRequest, Reply> handler) {
    String auth = request.header("Authorization");
    if (auth == null || !auth.equals("Bearer " + channelAccessToken)) {
      return Reply.json(401, "{\"message\":\"Authentication failed. Confirm that the access token in the authorization header is valid.\"}");
    }
    if (hangBefore.get()) awaitHeal();
    Reply fault = injectedFault();
    if (fault != null) return fault;
    Reply reply = handler.apply(request);
    if (hangAfter.get() && !request.path().startsWith(PROFILE_PATH)) awaitHeal();
    return reply;
  }

  private Reply injectedFault() {
    Reply f = failure.get();
    if (f == null) return null;
    if (Instant.now().isBefore(failUntil.get())) return f;
    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) return f;
    return null;
  }

  private void awaitHeal() {
    try {
      held.await(5, TimeUnit.MINUTES); // the fault being simulated: LINE does not answer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // The schema check of a body runs outside the lock: it is the costly part, and under a load test
  // it made every call wait for all the others (replies took seconds, the node's client timed out).

  private Reply reply(RecordedRequest request) {
    if (request.header("X-Line-Retry-Key") != null) return bad("The retry key is not supported by this endpoint");
    JsonNode body = parse(request.bodyText());
    Reply invalid = checkBody(request, "ReplyMessageRequest", body);
    return invalid != null ? invalid : reply(body);
  }

  private synchronized Reply reply(JsonNode body) {
    String token = body.path("replyToken").asText();
    TokenInfo info = replyTokens.get(token);
    if (info == null || info.used() || Instant.now().isAfter(info.expiresAt())) return bad("Invalid reply token");
    replyTokens.put(token, new TokenInfo(info.chatId(), info.webhookEventId(), info.expiresAt(), true));
    String requestId = UUID.randomUUID().toString();
    record(new Delivery(info.chatId(), texts(body.path("messages")), "reply", token, null,
        info.webhookEventId(), requestId, Instant.now()));
    return sent(requestId);
  }

  private Reply push(RecordedRequest request) {
    JsonNode body = parse(request.bodyText());
    Reply invalid = checkBody(request, "PushMessageRequest", body);
    return invalid != null ? invalid : push(body, request.header("X-Line-Retry-Key"));
  }

  private synchronized Reply push(JsonNode body, String retryKey) {
    if (retryKey != null) {
      try {
        UUID.fromString(retryKey);
      } catch (IllegalArgumentException e) {
        return bad("The value for the 'X-Line-Retry-Key' header is invalid");
      }
      Accepted earlier = retryKeys.get(retryKey);
      if (earlier != null) {
        ObjectNode conflict = JSON.createObjectNode().put("message", "The retry key is already accepted");
        ArrayNode sent = conflict.putArray("sentMessages");
        for (int i = 0; i < earlier.delivery().messages().size(); i++) sent.addObject().put("id", id());
        return new Reply(409, "application/json", conflict.toString().getBytes(StandardCharsets.UTF_8),
            Map.of("x-line-accepted-request-id", earlier.requestId(), "x-line-request-id", UUID.randomUUID().toString()));
      }
    }
    String requestId = UUID.randomUUID().toString();
    Delivery d = new Delivery(body.path("to").asText(), texts(body.path("messages")), "push", null, retryKey,
        null, requestId, Instant.now());
    record(d);
    if (retryKey != null) retryKeys.put(retryKey, new Accepted(requestId, d));
    return sent(requestId);
  }

  private void record(Delivery d) {
    if (keepDeliveries) deliveries.add(d);
    deliveryListeners.forEach(l -> l.accept(d));
  }

  private Reply loading(RecordedRequest request) {
    if (request.header("X-Line-Retry-Key") != null) return bad("The retry key is not supported by this endpoint");
    JsonNode body = parse(request.bodyText());
    Reply invalid = checkBody(request, "ShowLoadingAnimationRequest", body);
    if (invalid != null) return invalid;
    String chatId = body.path("chatId").asText();
    if (!chatId.startsWith("U")) return bad("The chat ID must be a user ID");
    int seconds = body.path("loadingSeconds").asInt(20);
    if (seconds < 5 || seconds > 60 || seconds % 5 != 0) return bad("loadingSeconds must be 5 to 60 in steps of 5");
    return new Reply(202, "application/json", "{}".getBytes(StandardCharsets.UTF_8),
        Map.of("x-line-request-id", UUID.randomUUID().toString()));
  }

  private Reply profile(RecordedRequest request) {
    String userId = request.path().substring(PROFILE_PATH.length());
    ObjectNode p = profiles.get(userId);
    return p == null ? Reply.json(404, "{\"message\":\"Not found\"}") : Reply.json(200, p.toString());
  }

  private Reply validate(RecordedRequest request) {
    JsonNode body = parse(request.bodyText());
    Reply invalid = checkMessages(body.path("messages"));
    return invalid != null ? invalid : Reply.json(200, "{}");
  }

  /** LINE's schema, then its limits on messages (count, text length). */
  private Reply checkBody(RecordedRequest request, String schema, JsonNode body) {
    if (body.isMissingNode()) return bad("The request body has 1 error(s)");
    if (validateSchemas.get()) {
      List<String> found = LineApiSchema.messagingApi().violations(schema, body);
      if (!found.isEmpty()) {
        violations.add(new Violation(request.path(), schema, found, request.bodyText()));
        ObjectNode error = JSON.createObjectNode().put("message", "The request body has " + found.size() + " error(s)");
        ArrayNode details = error.putArray("details");
        found.forEach(v -> details.addObject().put("message", v));
        return Reply.json(400, error.toString());
      }
    }
    return schema.equals("ShowLoadingAnimationRequest") ? null : checkMessages(body.path("messages"));
  }

  private static Reply checkMessages(JsonNode messages) {
    if (!messages.isArray() || messages.isEmpty()) return bad("Must be at least 1 message");
    if (messages.size() > 5) return bad("Size must be between 1 and 5");
    for (JsonNode m : messages) {
      if ("text".equals(m.path("type").asText()) && m.path("text").asText().length() > 5000) {
        return bad("Length must be between 0 and 5000");
      }
    }
    return null;
  }

  private static List<String> texts(JsonNode messages) {
    List<String> out = new ArrayList<>();
    messages.forEach(m -> out.add(m.toString()));
    return out;
  }

  private static Reply sent(String requestId) {
    return new Reply(200, "application/json", "{\"sentMessages\":[]}".getBytes(StandardCharsets.UTF_8),
        Map.of("x-line-request-id", requestId));
  }

  private static Reply bad(String message) {
    return Reply.json(400, JSON.createObjectNode().put("message", message).toString());
  }

  private static JsonNode parse(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      return n == null ? JSON.missingNode() : n;
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }

  /** Deliveries satisfying {@code filter}. */
  public List<Delivery> deliveries(Predicate<Delivery> filter) {
    return deliveries.stream().filter(filter).toList();
  }
}
