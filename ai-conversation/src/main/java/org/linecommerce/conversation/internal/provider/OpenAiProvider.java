package org.linecommerce.conversation.internal.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SystemMaterializer;
import org.linecommerce.runtime.resilience.Stages;
import org.linecommerce.runtime.tracing.Tracing;

/**
 * The {@code openai} provider: any OpenAI-compatible chat-completions API (OpenAI, DeepSeek,
 * Ollama, vLLM …). POSTs {@code {base}/chat/completions} with the {@link VendorPrompt} messages
 * through Pekko HTTP's pooled client and reads {@code choices[0].message.content} and
 * {@code usage}. Anything else — a non-2xx status, a body that is not JSON, no choices, an empty
 * text, a body over the size limit — fails the stage, so the chain asks the next provider. The
 * timeout is the chain's (the breaker's call timeout); idle connections are dropped after it.
 */
public final class OpenAiProvider implements AiProvider {

  public static final String NAME = ChainSettings.OPENAI;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern THINKING = Pattern.compile("(?s)<think>.*?</think>");

  /** A vendor answer the provider cannot use (the chain reports its message, never the key). */
  public static final class VendorException extends RuntimeException {
    public VendorException(String message) {
      super(message);
    }
  }

  private final ActorSystem<?> system;
  private final ChainSettings.OpenAiSettings settings;
  private final Duration timeout;
  private final Http http;
  private final HttpsConnectionContext https;
  private final ConnectionPoolSettings pool;
  private final Materializer materializer;
  private final Executor executor;

  public OpenAiProvider(ActorSystem<?> system, ChainSettings.OpenAiSettings settings, Duration timeout) {
    this.system = system;
    this.settings = settings;
    this.timeout = timeout;
    this.http = Http.get(system);
    this.https = http.defaultClientHttpsContext();
    org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
    this.pool = ConnectionPoolSettings.create(classic)
        .withMaxConnections(settings.maxConnections())
        .withMaxOpenRequests(Integer.highestOneBit(Math.max(4, settings.maxConnections() * 4) - 1) << 1)
        .withMaxRetries(0)
        .withConnectionSettings(ClientConnectionSettings.create(classic)
            .withIdleTimeout(timeout.plusSeconds(1)));
    this.materializer = SystemMaterializer.get(system).materializer();
    this.executor = system.executionContext();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletionStage<ProviderReply> answer(ProviderRequest request) {
    HttpRequest httpRequest;
    try {
      httpRequest = request(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletionStage<ProviderReply> reply = Tracing.get(system).traced("AI " + NAME + " chat.completions", request.meta(), httpRequest,
        traced -> http.singleRequest(traced, https, pool, Adapter.toClassic(system).log())
            .thenComposeAsync(response -> read(response), executor));
    return Stages.onSystem(reply, system);
  }

  HttpRequest request(ProviderRequest request) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", settings.model());
    ArrayNode messages = body.putArray("messages");
    for (VendorPrompt.Message m : VendorPrompt.messages(request, settings.historyTurns(), settings.promptProducts())) {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
    int maxTokens = request.options().maxTokens();
    body.put("max_tokens", maxTokens > 0 ? maxTokens : 2000);
    double temperature = request.options().temperature();
    body.put("temperature", Double.isNaN(temperature) ? 0.7 : Math.max(0, Math.min(2, temperature)));
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the chat request", e);
    }
    HttpRequest http = HttpRequest.POST(settings.completionsUrl()).withEntity(ContentTypes.APPLICATION_JSON, bytes);
    if (settings.hasKey()) http = http.addHeader(Authorization.oauth2(settings.apiKey()));
    if (request.meta() != null && request.meta().traceparent() != null) {
      http = http.addHeader(RawHeader.create("traceparent", request.meta().traceparent()));
    }
    return http;
  }

  private CompletionStage<ProviderReply> read(HttpResponse response) {
    int status = response.status().intValue();
    return response.entity()
        .toStrict(timeout.toMillis(), settings.maxResponseBytes(), materializer)
        .thenApplyAsync(strict -> parse(status, strict.getData().utf8String()), executor);
  }

  /** The reply in a vendor's answer, or a {@link VendorException} saying what is wrong with it. */
  ProviderReply parse(int status, String body) {
    if (status < 200 || status > 299) {
      throw new VendorException("HTTP " + status + ": " + abbreviate(body));
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception e) {
      throw new VendorException("malformed answer (not JSON): " + abbreviate(body));
    }
    if (root == null || !root.isObject()) throw new VendorException("malformed answer (not a JSON object)");
    JsonNode choices = root.get("choices");
    if (choices == null || !choices.isArray() || choices.isEmpty()) {
      throw new VendorException("malformed answer: no choices");
    }
    JsonNode content = choices.get(0).path("message").path("content");
    String text;
    if (content.isTextual()) {
      text = content.asText();
    } else if (content.isArray()) { // content parts: [{type: text, text: …}]
      StringBuilder b = new StringBuilder();
      content.forEach(part -> b.append(part.path("text").asText("")));
      text = b.toString();
    } else {
      throw new VendorException("malformed answer: no choices[0].message.content");
    }
    text = THINKING.matcher(text).replaceAll("").strip();
    if (text.isEmpty()) throw new VendorException("empty answer");
    JsonNode usage = root.path("usage");
    return new ProviderReply(text, settings.confidence(),
        usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0));
  }

  private static String abbreviate(String body) {
    if (body == null) return "";
    String oneLine = body.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
  }
}
