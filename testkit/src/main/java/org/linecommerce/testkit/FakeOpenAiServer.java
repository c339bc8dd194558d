package org.linecommerce.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A fake OpenAI-compatible vendor (real HTTP on 127.0.0.1, a free port) serving
 * {@code POST /v1/chat/completions}: point the client at {@link #apiBaseUrl()}. It answers with a
 * scripted text (fixed, a queue, or a function of the request) and {@code usage} counts, after an
 * optional latency; it can fail with a {@link Fault} for the next requests or for all of them until
 * {@link #heal()}; and it records every chat request parsed ({@link ChatRequest}: model, messages
 * with roles and contents, max_tokens, temperature, headers) so tests can check the prompt.
 */
public final class FakeOpenAiServer extends FakeHttpServer {

  public static final String COMPLETIONS_PATH = "/v1/chat/completions";
  public static final String DEFAULT_ANSWER = "Hello from the fake vendor.";

  /** How the fake misbehaves. */
  public enum Fault {
    /** 500 with an OpenAI-style error body. */
    SERVER_ERROR,
    /** 429 with an OpenAI-style rate-limit body and {@code Retry-After: 1}. */
    RATE_LIMITED,
    /** The request is held and never answered (until {@link #heal()} or close): a client timeout. */
    NO_ANSWER,
    /** 200 with a body that is not JSON. */
    MALFORMED_JSON,
    /** 200 with a JSON object without {@code choices}. */
    MISSING_CHOICES,
    /** 200 with {@code choices[0].message.content} empty. */
    EMPTY_CONTENT
  }

  /** One chat message as the client sent it. */
  public record ChatMessage(String role, String content) {}

  /** One {@code /v1/chat/completions} request as the fake received it. */
  public record ChatRequest(
      String model, List<ChatMessage> messages, Integer maxTokens, Double temperature,
      Map<String, List<String>> headers, String body) {

    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().get(0);
      }
      return null;
    }

    /** The system message's content, or "" when none. */
    public String system() {
      return messages.stream().filter(m -> m.role().equals("system")).map(ChatMessage::content).findFirst().orElse("");
    }

    /** The last message's content (the customer's message). */
    public String lastUserMessage() {
      for (int i = messages.size() - 1; i >= 0; i--) {
        if (messages.get(i).role().equals("user")) return messages.get(i).content();
      }
      return "";
    }

    /** Every message's content, one per line. */
    public String allText() {
      StringBuilder b = new StringBuilder();
      messages.forEach(m -> b.append(m.role()).append(": ").append(m.content()).append('\n'));
      return b.toString();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicReference<Function<ChatRequest, String>> answer =
      new AtomicReference<>(request -> DEFAULT_ANSWER);
  private final ConcurrentLinkedQueue<String> queued = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Duration> latency = new AtomicReference<>(Duration.ZERO);
  private final AtomicReference<Fault> failAll = new AtomicReference<>();
  private final AtomicReference<Fault> nextFault = new AtomicReference<>();
  private final AtomicInteger nextFaults = new AtomicInteger();
  private final AtomicLong promptTokens = new AtomicLong(42);
  private final AtomicLong completionTokens = new AtomicLong(17);
  private final AtomicInteger answered = new AtomicInteger();
  private volatile CountDownLatch held = new CountDownLatch(1);

  public FakeOpenAiServer() {
    on(COMPLETIONS_PATH, this::complete);
  }

  /** The base URL a client is configured with ({@code OPENAI_BASE_URL}): {@code baseUrl() + "/v1"}. */
  public String apiBaseUrl() {
    return baseUrl() + "/v1";
  }

  /** Every answer is {@code text} (after the queued ones). */
  public FakeOpenAiServer answer(String text) {
    Objects.requireNonNull(text);
    answer.set(request -> text);
    return this;
  }

  /** The next answers, in order; then the fixed answer again. */
  public FakeOpenAiServer answers(String... texts) {
    queued.addAll(List.of(texts));
    return this;
  }

  /** Every answer is computed from the request (after the queued ones). */
  public FakeOpenAiServer answerWith(Function<ChatRequest, String> fn) {
    answer.set(Objects.requireNonNull(fn));
    return this;
  }

  /** The {@code usage} counts of every answer [42 / 17]. */
  public FakeOpenAiServer usage(long prompt, long completion) {
    promptTokens.set(prompt);
    completionTokens.set(completion);
    return this;
  }

  /** Every answer (and fault) waits {@code d} first. */
  public FakeOpenAiServer latency(Duration d) {
    latency.set(Objects.requireNonNull(d));
    return this;
  }

  /** Every request fails with {@code fault} until {@link #heal()}. */
  public void failAll(Fault fault) {
    failAll.set(Objects.requireNonNull(fault));
  }

  /** The next {@code count} requests fail with {@code fault}. */
  public void failNext(int count, Fault fault) {
    nextFault.set(Objects.requireNonNull(fault));
    nextFaults.set(count);
  }

  /** Back to answering: no faults, no latency; requests held by {@link Fault#NO_ANSWER} are let go (with 504). */
  public void heal() {
    failAll.set(null);
    nextFaults.set(0);
    latency.set(Duration.ZERO);
    CountDownLatch old = held;
    held = new CountDownLatch(1);
    old.countDown();
  }

  /** How many requests got a good answer. */
  public int answered() {
    return answered.get();
  }

  /** Every chat-completions request so far, oldest first. */
  public List<ChatRequest> chatRequests() {
    List<ChatRequest> out = new ArrayList<>();
    for (RecordedRequest r : requests(COMPLETIONS_PATH)) out.add(parse(r));
    return out;
  }

  /** The last chat-completions request. */
  public ChatRequest lastChatRequest() {
    List<ChatRequest> all = chatRequests();
    if (all.isEmpty()) throw new IllegalStateException("the fake vendor has received no chat request");
    return all.get(all.size() - 1);
  }

  @Override
  public void reset() {
    super.reset();
    heal();
    queued.clear();
    answer.set(request -> DEFAULT_ANSWER);
    answered.set(0);
  }

  @Override
  public void close() {
    held.countDown();
    super.close();
  }

  private Reply complete(RecordedRequest recorded) {
    Duration d = latency.get();
    if (!d.isZero()) pause(d);
    if (!recorded.method().equals("POST")) {
      return Reply.json(405, error("only POST is supported", "invalid_request_error"));
    }
    Fault fault = failAll.get();
    if (fault == null && nextFaults.getAndUpdate(n -> Math.max(0, n - 1)) > 0) fault = nextFault.get();
    if (fault != null) return faulty(fault);
    ChatRequest request;
    try {
      request = parse(recorded);
    } catch (RuntimeException e) {
      return Reply.json(400, error("could not parse the JSON body", "invalid_request_error"));
    }
    if (request.messages().isEmpty()) {
      return Reply.json(400, error("messages must not be empty", "invalid_request_error"));
    }
    String next = queued.poll();
    String text = next != null ? next : answer.get().apply(request);
    ObjectNode body = JSON.createObjectNode();
    body.put("id", "chatcmpl-fake-" + answered.incrementAndGet());
    body.put("object", "chat.completion");
    body.put("created", System.currentTimeMillis() / 1000);
    body.put("model", request.model() == null ? "fake" : request.model());
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", text);
    choice.put("finish_reason", "stop");
    ObjectNode usage = body.putObject("usage");
    usage.put("prompt_tokens", promptTokens.get());
    usage.put("completion_tokens", completionTokens.get());
    usage.put("total_tokens", promptTokens.get() + completionTokens.get());
    return Reply.json(200, body.toString());
  }

  private Reply faulty(Fault fault) {
    return switch (fault) {
      case SERVER_ERROR -> Reply.json(500, error("The server had an error while processing your request.", "server_error"));
      case RATE_LIMITED -> new Reply(429, "application/json",
          error("Rate limit reached for requests. Please try again in 1s.", "rate_limit_exceeded")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8),
          Map.of("Retry-After", "1"));
      case NO_ANSWER -> {
        try {
          held.await(5, TimeUnit.MINUTES); // the fault: a vendor that never answers
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        yield Reply.json(504, error("gateway timeout", "server_error"));
      }
      case MALFORMED_JSON -> new Reply(200, "application/json",
          "{\"choices\": [{\"message\": {\"content\": \"cut".getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of());
      case MISSING_CHOICES -> Reply.json(200, "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\",\"usage\":{}}");
      case EMPTY_CONTENT -> Reply.json(200,
          "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"stop\"}]}");
    };
  }

  private static String error(String message, String type) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("error").put("message", message).put("type", type).putNull("param").put("code", type);
    return root.toString();
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // the fault being simulated is a slow vendor
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ChatRequest parse(RecordedRequest r) {
    JsonNode root;
    try {
      root = JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not JSON: " + r.bodyText(), e);
    }
    List<ChatMessage> messages = new ArrayList<>();
    root.path("messages").forEach(m -> messages.add(new ChatMessage(m.path("role").asText(), m.path("content").asText())));
    return new ChatRequest(
        root.path("model").isMissingNode() ? null : root.path("model").asText(),
        List.copyOf(messages),
        root.hasNonNull("max_tokens") ? root.get("max_tokens").asInt() : null,
        root.hasNonNull("temperature") ? root.get("temperature").asDouble() : null,
        r.headers(),
        r.bodyText());
  }
}
