package org.linecommerce.runtime.resilience;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.CircuitBreaker;
import org.apache.pekko.pattern.CircuitBreakerOpenException;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.runtime.health.Metrics;

/**
 * The one way a domain asks another domain's sharded entity: a timeout per attempt, a circuit
 * breaker per target entity type (so a sick domain is failed fast instead of piling up asks), and
 * bounded retry with exponential backoff for idempotent queries. The result is always a completed
 * {@link AskResult}, never a failed future.
 *
 * <p>Breaker state per target is observable through {@link #breakerStates()} and the gauge
 * {@code resilience_breaker_state{target}} (0 closed, 1 half-open, 2 open). A business refusal
 * ({@code StatusReply.error}) is an answer, not a fault: it neither trips the breaker nor retries.
 *
 * <p>Every stage runs on the actor system's executor. The {@code CompletionStage}s that Pekko's
 * Java API returns (asks, {@code Patterns.retry}, {@code callWithCircuitBreakerCS}) wrap Scala
 * futures, and that wrapper turns a plain {@code thenApply}/{@code handle} into its {@code *Async}
 * form on the JDK's default executor, which starts a thread per task when the common pool has
 * parallelism 1 (2 cores). The stages this class returns are plain {@code CompletableFuture}s, so
 * callers may chain on them without an executor.
 */
public final class ResilientAsk implements Extension {

  /** State of one target's breaker. */
  public enum BreakerState { CLOSED, HALF_OPEN, OPEN }

  private final ActorSystem<?> system;
  private final Executor executor;
  private final int maxFailures;
  private final Duration callTimeout;
  private final Duration resetTimeout;
  private final AskPolicy queryPolicy;
  private final AskPolicy commandPolicy;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  private ResilientAsk(ActorSystem<?> system) {
    this.system = system;
    this.executor = system.executionContext();
    Config c = system.settings().config().getConfig("linecommerce");
    Config breaker = c.getConfig("resilience.breaker");
    Config retry = c.getConfig("resilience.retry");
    this.maxFailures = breaker.getInt("max-failures");
    this.callTimeout = breaker.getDuration("call-timeout");
    this.resetTimeout = breaker.getDuration("reset-timeout");
    Duration askTimeout = c.getDuration("ask-timeout");
    this.commandPolicy =
        new AskPolicy(askTimeout, 0, retry.getDuration("min-backoff"), retry.getDuration("max-backoff"));
    this.queryPolicy = commandPolicy.retried(retry.getInt("attempts"));
  }

  public static ResilientAsk get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** Default policy for idempotent queries: configured timeout, retried with backoff. */
  public AskPolicy queryPolicy() {
    return queryPolicy;
  }

  /** Default policy for commands: configured timeout, asked once. */
  public AskPolicy commandPolicy() {
    return commandPolicy;
  }

  /** Asks {@code ref} for a plain reply. */
  public <M, R> CompletionStage<AskResult<R>> ask(
      EntityRef<M> ref, Function<ActorRef<R>, M> message, AskPolicy policy) {
    return run(ref.getTypeKey().name(), policy,
        () -> ref.<R>ask(message::apply, policy.timeout())
            .thenApplyAsync(r -> (AskResult<R>) new AskResult.Ok<>(r), executor));
  }

  /** Asks {@code ref} for a {@link StatusReply}; an error reply becomes {@link AskResult.Failure#REJECTED}. */
  public <M, R> CompletionStage<AskResult<R>> askWithStatus(
      EntityRef<M> ref, Function<ActorRef<StatusReply<R>>, M> message, AskPolicy policy) {
    return run(ref.getTypeKey().name(), policy,
        () -> ref.<StatusReply<R>>ask(message::apply, policy.timeout())
            .thenApplyAsync(ResilientAsk::fromStatus, executor));
  }

  private static <R> AskResult<R> fromStatus(StatusReply<R> reply) {
    if (reply.isSuccess()) return new AskResult.Ok<>(reply.getValue());
    return new AskResult.Failed<>(AskResult.Failure.REJECTED, reply.getError().getMessage());
  }

  /**
   * Runs {@code attempt} through {@code target}'s breaker with {@code policy}'s retries. Public so
   * that other outbound calls (HTTP to LINE or an AI vendor) share the same mechanism. An
   * {@code attempt} chaining on a stage from Pekko's Java API must give that stage an executor
   * ({@link #executor()}), see the class comment.
   */
  public <R> CompletionStage<AskResult<R>> run(
      String target, AskPolicy policy, java.util.concurrent.Callable<CompletionStage<AskResult<R>>> attempt) {
    CircuitBreaker breaker = breakerFor(target);
    CompletionStage<AskResult<R>> withRetry =
        Patterns.retry(
            () -> through(breaker, policy, attempt),
            (result, error) -> error != null && !(unwrap(error) instanceof CircuitBreakerOpenException),
            policy.retries(),
            policy.minBackoff(),
            policy.maxBackoff(),
            0.2,
            Adapter.toClassic(system));
    return withRetry.handleAsync((result, error) -> {
      if (error == null) return result;
      Throwable cause = unwrap(error);
      if (cause instanceof CircuitBreakerOpenException) {
        return new AskResult.Failed<>(AskResult.Failure.UNAVAILABLE, target + " is unavailable (circuit open)");
      }
      if (cause instanceof TimeoutException
          || cause.getClass().getSimpleName().contains("Timeout")) {
        return new AskResult.Failed<>(AskResult.Failure.TIMEOUT,
            target + " did not answer within " + policy.timeout().toMillis() + " ms");
      }
      return new AskResult.Failed<>(AskResult.Failure.ERROR, target + ": " + cause.getMessage());
    }, executor);
  }

  /**
   * One attempt through {@code breaker}. The breaker times a call itself, with
   * {@code linecommerce.resilience.breaker.call-timeout}, a safety net above the usual ask
   * timeouts; an attempt whose policy allows longer (a conversation turn that waits for a remote AI
   * vendor and then the local provider) is not timed by the breaker but reports its outcome to it:
   * refused while the breaker is open, a failure or a success once it completes (its own ask
   * timeout bounds it).
   */
  private <R> CompletionStage<AskResult<R>> through(
      CircuitBreaker breaker, AskPolicy policy, java.util.concurrent.Callable<CompletionStage<AskResult<R>>> attempt)
      throws Exception {
    if (policy.timeout().compareTo(callTimeout) < 0) return breaker.callWithCircuitBreakerCS(attempt);
    if (breaker.isOpen()) {
      return java.util.concurrent.CompletableFuture.failedFuture(
          new CircuitBreakerOpenException(scala.concurrent.duration.Duration.Zero(), "Circuit Breaker is open"));
    }
    CompletionStage<AskResult<R>> stage;
    try {
      stage = attempt.call();
    } catch (Exception e) {
      breaker.fail();
      throw e;
    }
    return stage.whenCompleteAsync((result, error) -> {
      if (error != null) breaker.fail();
      else breaker.succeed();
    }, executor);
  }

  /** The executor this class runs its stages on (the actor system's default dispatcher). */
  public Executor executor() {
    return executor;
  }

  /** The breaker guarding {@code target} (an entity type name or an outbound service name). */
  public CircuitBreaker breakerFor(String target) {
    return breakers.computeIfAbsent(target, t -> {
      CircuitBreaker b = CircuitBreaker.create(
          Adapter.toClassic(system).scheduler(), maxFailures, callTimeout, resetTimeout);
      MeterRegistry registry = Metrics.get(system).registry();
      Gauge.builder("resilience_breaker_state", b, ResilientAsk::stateCode)
          .description("circuit breaker state per target: 0 closed, 1 half-open, 2 open")
          .tag("target", t)
          .register(registry);
      return b;
    });
  }

  /** Every target's breaker state, by target name. */
  public Map<String, BreakerState> breakerStates() {
    Map<String, BreakerState> states = new TreeMap<>();
    breakers.forEach((t, b) -> states.put(t, stateOf(b)));
    return states;
  }

  static BreakerState stateOf(CircuitBreaker b) {
    if (b.isOpen()) return BreakerState.OPEN;
    if (b.isHalfOpen()) return BreakerState.HALF_OPEN;
    return BreakerState.CLOSED;
  }

  private static double stateCode(CircuitBreaker b) {
    return stateOf(b).ordinal();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }


  static final class Id extends ExtensionId<ResilientAsk> {
    static final Id INSTANCE = new Id();

    @Override
    public ResilientAsk createExtension(ActorSystem<?> system) {
      return new ResilientAsk(system);
    }
  }
}
