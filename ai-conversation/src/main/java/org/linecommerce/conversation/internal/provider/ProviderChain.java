package org.linecommerce.conversation.internal.provider;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.CircuitBreaker;
import org.apache.pekko.pattern.CircuitBreakerOpenException;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.runtime.resilience.Stages;
import org.linecommerce.runtime.tracing.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's provider chain, one per actor system: the providers of
 * {@code linecommerce.conversation.providers} ({@code AI_PROVIDERS}) in order, then
 * {@code fallback}. A request's {@code GenerateOptions.provider}, when in the chain, is asked first.
 *
 * <p>Each provider has its own circuit breaker (its timeout is the breaker's call timeout) and
 * its own figures in the node's Micrometer registry: {@code ai_provider_latency} (a timer with
 * p50/p95), {@code ai_provider_requests}, {@code ai_provider_failures}, {@code ai_provider_skipped},
 * {@code ai_provider_tokens} (tag {@code type} = prompt/completion) and
 * {@code ai_provider_breaker_state} (0 closed, 1 half-open, 2 open), all tagged {@code provider}.
 * A provider that fails (error, timeout, malformed answer) or whose breaker is open (skipped) adds
 * a {@link ProviderFailure} to the answer and the next provider is asked; the fallback always
 * answers, so {@link #answer} never fails. Unknown provider names fail the extension's creation:
 * call {@link #get} at start-up.
 */
public final class ProviderChain implements Extension {

  private static final Logger log = LoggerFactory.getLogger(ProviderChain.class);

  private final ActorSystem<?> system;
  private final List<Guarded> configured;
  private final Guarded fallback;
  private final String apiKey;
  private final Suggestions suggestions;

  private ProviderChain(ActorSystem<?> system) {
    this.system = system;
    ChainSettings settings = ChainSettings.from(system.settings().config());
    this.apiKey = settings.openai().apiKey();
    ReplyTemplates templates = settings.templatesDir().isEmpty()
        ? ReplyTemplates.bundled() : ReplyTemplates.load(Path.of(settings.templatesDir()));
    this.suggestions = new Suggestions(templates);
    MeterRegistry registry = Metrics.get(system).registry();
    List<Guarded> chain = new ArrayList<>();
    for (String name : settings.providers()) {
      ChainSettings.Breaker b = settings.breakerOf(name);
      AiProvider provider = switch (name) {
        case ChainSettings.LOCAL -> new LocalProvider(templates);
        case ChainSettings.OPENAI -> new OpenAiProvider(system, settings.openai(), b.timeout());
        default -> throw new IllegalStateException("unknown provider " + name); // ChainSettings rejects it first
      };
      chain.add(new Guarded(provider, breaker(b), b, registry));
    }
    this.configured = List.copyOf(chain);
    this.fallback = new Guarded(new FallbackProvider(), null, settings.fallback(), registry);
    if (settings.providers().contains(ChainSettings.OPENAI)) {
      log.info("AI provider chain: {} (openai: {}, timeout {} ms)", String.join(" → ", names()),
          settings.openai(), settings.openaiBreaker().timeout().toMillis());
      if (!settings.openai().hasKey() && settings.openai().baseUrl().contains("api.openai.com")) {
        log.warn("AI provider openai points at {} without OPENAI_API_KEY: its calls will fail",
            settings.openai().baseUrl());
      }
    } else {
      log.info("AI provider chain: {}", String.join(" → ", names()));
    }
  }

  public static ProviderChain get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** The quick replies, worded with the same templates as the {@code local} provider ({@code templates-dir}). */
  public Suggestions suggestions() {
    return suggestions;
  }

  /** The chain's providers in order, {@code fallback} last. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    configured.forEach(g -> names.add(g.name()));
    names.add(fallback.name());
    return names;
  }

  /** Asks each provider in turn until one answers; never fails (the fallback answers last). */
  public CompletionStage<ChainAnswer> answer(ProviderRequest request) {
    CompletableFuture<ChainAnswer> result = new CompletableFuture<>();
    try {
      String preferred = request.options().provider();
      if (ChainSettings.FALLBACK.equalsIgnoreCase(preferred)) {
        result.complete(answerWithFallback(request, List.of()));
        return result;
      }
      List<Guarded> order = new ArrayList<>(configured);
      if (preferred != null) {
        for (Guarded g : configured) {
          if (g.name().equalsIgnoreCase(preferred.trim())) {
            order.remove(g);
            order.add(0, g);
          }
        }
      }
      attempt(order, 0, request, new ArrayList<>(), result);
    } catch (RuntimeException e) {
      log.error("provider chain failed unexpectedly; answering with the fallback", e);
      result.complete(answerWithFallback(request, List.of()));
    }
    return result;
  }

  private void attempt(
      List<Guarded> order, int index, ProviderRequest request, List<ProviderFailure> failures,
      CompletableFuture<ChainAnswer> result) {
    if (index == order.size()) {
      result.complete(answerWithFallback(request, failures));
      return;
    }
    Guarded g = order.get(index);
    g.requests.increment();
    if (g.breaker.isOpen()) {
      skipped(g, failures, 0);
      attempt(order, index + 1, request, failures, result);
      return;
    }
    long start = System.nanoTime();
    CompletionStage<ProviderReply> call;
    try {
      call = g.breaker.callWithCircuitBreakerCS(() -> Stages.onSystem(g.provider.answer(request), system)
          .thenApply(ProviderChain::validated));
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    Stages.onSystem(call, system).whenComplete((reply, error) -> {
      long nanos = System.nanoTime() - start;
      long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
      try {
        Throwable cause = unwrap(error);
        if (cause == null) {
          g.latency.record(nanos, TimeUnit.NANOSECONDS);
          g.promptTokens.increment(reply.promptTokens());
          g.completionTokens.increment(reply.completionTokens());
          result.complete(new ChainAnswer(g.name(), reply, failures));
          return;
        }
        if (cause instanceof CircuitBreakerOpenException) {
          skipped(g, failures, ms);
        } else {
          g.latency.record(nanos, TimeUnit.NANOSECONDS);
          g.failures.increment();
          String reason = redact(cause instanceof TimeoutException
              ? "timed out after " + g.settings.timeout().toMillis() + " ms"
              : cause instanceof OpenAiProvider.VendorException || cause instanceof MalformedReply
                  ? cause.getMessage()
                  : cause.getClass().getSimpleName() + ": " + cause.getMessage());
          failures.add(new ProviderFailure(g.name(), reason, ms));
          LogContext.run(request.meta(), null, () -> log.warn("AI provider {} failed after {} ms: {}", g.name(), ms, reason));
        }
      } catch (RuntimeException e) {
        log.error("provider chain bookkeeping failed", e);
      }
      attempt(order, index + 1, request, failures, result);
    });
  }

  private void skipped(Guarded g, List<ProviderFailure> failures, long ms) {
    g.failures.increment();
    g.skipped.increment();
    failures.add(new ProviderFailure(g.name(), "circuit breaker open: skipped", ms));
  }

  private ChainAnswer answerWithFallback(ProviderRequest request, List<ProviderFailure> failures) {
    long start = System.nanoTime();
    fallback.requests.increment();
    ProviderReply reply = null;
    try {
      reply = fallback.provider.answer(request).toCompletableFuture().getNow(null);
    } catch (RuntimeException e) {
      log.error("the fallback provider failed", e);
    }
    if (reply == null) reply = FallbackProvider.reply(request == null ? null : request.language());
    fallback.latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return new ChainAnswer(fallback.name(), reply, failures);
  }

  /** Per provider: requests, failures, latency, breaker, tokens. */
  public List<ProviderStats> stats() {
    List<ProviderStats> stats = new ArrayList<>();
    configured.forEach(g -> stats.add(g.stats()));
    stats.add(fallback.stats());
    return stats;
  }

  private CircuitBreaker breaker(ChainSettings.Breaker b) {
    CircuitBreaker breaker = CircuitBreaker.create(
        Adapter.toClassic(system).scheduler(), b.maxFailures(), b.timeout(), b.resetTimeout());
    return b.exponentialBackoff() ? breaker.withExponentialBackoff(b.maxResetTimeout()) : breaker;
  }

  private static ProviderReply validated(ProviderReply reply) {
    if (reply == null || reply.text() == null || reply.text().isBlank()) {
      throw new MalformedReply("empty answer");
    }
    return reply;
  }

  private String redact(String text) {
    if (text == null) return "";
    return apiKey == null || apiKey.isBlank() ? text : text.replace(apiKey, "***");
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** A provider answered nothing usable. */
  static final class MalformedReply extends RuntimeException {
    MalformedReply(String message) {
      super(message);
    }
  }

  /** A provider with its breaker (none for the fallback), settings and meters. */
  private static final class Guarded {
    final AiProvider provider;
    final CircuitBreaker breaker;
    final ChainSettings.Breaker settings;
    final Timer latency;
    final Counter requests;
    final Counter failures;
    final Counter skipped;
    final Counter promptTokens;
    final Counter completionTokens;

    Guarded(AiProvider provider, CircuitBreaker breaker, ChainSettings.Breaker settings, MeterRegistry registry) {
      this.provider = provider;
      this.breaker = breaker;
      this.settings = settings;
      String name = provider.name();
      this.latency = Timer.builder("ai_provider_latency")
          .description("time a provider took to answer (or fail), per provider")
          .tag("provider", name)
          .publishPercentiles(0.5, 0.95)
          .register(registry);
      this.requests = Counter.builder("ai_provider_requests")
          .description("requests that reached a provider of the chain (skipped ones included)")
          .tag("provider", name).register(registry);
      this.failures = Counter.builder("ai_provider_failures")
          .description("requests a provider did not answer: errors, timeouts, malformed answers, skipped while open")
          .tag("provider", name).register(registry);
      this.skipped = Counter.builder("ai_provider_skipped")
          .description("requests that skipped a provider because its circuit breaker was open")
          .tag("provider", name).register(registry);
      this.promptTokens = Counter.builder("ai_provider_tokens")
          .description("tokens a vendor counted").tag("provider", name).tag("type", "prompt").register(registry);
      this.completionTokens = Counter.builder("ai_provider_tokens")
          .description("tokens a vendor counted").tag("provider", name).tag("type", "completion").register(registry);
      Gauge.builder("ai_provider_breaker_state", this, g -> g.breakerCode())
          .description("a provider's circuit breaker: 0 closed, 1 half-open, 2 open")
          .tag("provider", name)
          .strongReference(true)
          .register(registry);
    }

    String name() {
      return provider.name();
    }

    String breakerState() {
      if (breaker == null) return "closed";
      if (breaker.isOpen()) return "open";
      if (breaker.isHalfOpen()) return "half-open";
      return "closed";
    }

    double breakerCode() {
      return switch (breakerState()) {
        case "open" -> 2;
        case "half-open" -> 1;
        default -> 0;
      };
    }

    ProviderStats stats() {
      double p50 = 0;
      double p95 = 0;
      for (ValueAtPercentile v : latency.takeSnapshot().percentileValues()) {
        if (Math.abs(v.percentile() - 0.5) < 1e-9) p50 = v.value(TimeUnit.MILLISECONDS);
        if (Math.abs(v.percentile() - 0.95) < 1e-9) p95 = v.value(TimeUnit.MILLISECONDS);
      }
      return new ProviderStats(name(), (long) requests.count(), (long) failures.count(), p50, p95, breakerState(),
          (long) promptTokens.count(), (long) completionTokens.count());
    }
  }

  static final class Id extends ExtensionId<ProviderChain> {
    static final Id INSTANCE = new Id();

    @Override
    public ProviderChain createExtension(ActorSystem<?> system) {
      return new ProviderChain(system);
    }
  }
}
