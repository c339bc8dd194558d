package org.linecommerce.runtime.resilience;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.CircuitBreaker;
import org.apache.pekko.pattern.CircuitBreakerOpenException;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.runtime.health.Metrics;
import scala.concurrent.ExecutionContextExecutor;

/**
 * The one way a domain asks another domain's sharded entity: a timeout per attempt, a circuit
 * breaker per target entity type (so a sick domain is failed fast instead of piling up asks), and
 * bounded retry with exponential backoff for idempotent queries. The result is always a completed
 * {@link AskResult}, never a failed future.
 *
 * <p>Breaker state per target is observable through {@link #breakerStates()} and the gauge
 * {@code resilience_breaker_state{target}} (0 closed, 1 half-open, 2 open). A business refusal
 * ({@code StatusReply.error}) is an answer, not a fault: it neither trips the breaker nor retries.
 * A policy may opt out of the breaker and bound the asks in flight instead
 * ({@link AskPolicy#unguarded(int)}; gauge {@code resilience_asks_in_flight{target}}).
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
  private final ExecutionContextExecutor executor;
  private final int maxFailures;
  private final Duration callTimeout;
  private final Duration resetTimeout;
  private final Duration maxResetTimeout;
  private final AskPolicy queryPolicy;
  private final AskPolicy commandPolicy;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  private ResilientAsk(ActorSystem<?> system) {
    this.system = system;
    this.executor = system.executionContext();
    Config c = system.settings().config().getConfig("linecommerce");
    Config breaker = c.getConfig("resilience.breaker");
    Config retry = c.getConfig("resilience.retry");
    this.maxFailures = breaker.getInt("max-failures");
    this.callTimeout = breaker.getDuration("call-timeout");
    this.resetTimeout = breaker.getDuration("reset-timeout");
    Duration maxReset = breaker.getDuration("max-reset-timeout");
    this.maxResetTimeout = maxReset.compareTo(resetTimeout) < 0 ? resetTimeout : maxReset;
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
    return execute(ref.getTypeKey().name(), policy, true,
        () -> mapped(ref.<R>ask(message::apply, policy.timeout()), r -> new AskResult.Ok<>(r)));
  }

  /** Asks {@code ref} for a {@link StatusReply}; an error reply becomes {@link AskResult.Failure#REJECTED}. */
  public <M, R> CompletionStage<AskResult<R>> askWithStatus(
      EntityRef<M> ref, Function<ActorRef<StatusReply<R>>, M> message, AskPolicy policy) {
    return execute(ref.getTypeKey().name(), policy, true,
        () -> mapped(ref.<StatusReply<R>>ask(message::apply, policy.timeout()), ResilientAsk::fromStatus));
  }

  private static <R> AskResult<R> fromStatus(StatusReply<R> reply) {
    if (reply.isSuccess()) return new AskResult.Ok<>(reply.getValue());
    return new AskResult.Failed<>(AskResult.Failure.REJECTED, reply.getError().getMessage());
  }

  /** {@code stage} mapped on the thread that completes it (a cheap mapping: no executor hop). */
  private static <T, R> CompletionStage<AskResult<R>> mapped(CompletionStage<T> stage, Function<T, AskResult<R>> f) {
    CompletableFuture<AskResult<R>> result = new CompletableFuture<>();
    Stages.onCompletingThread(stage, (value, error) -> {
      if (error != null) result.completeExceptionally(error);
      else result.complete(f.apply(value));
    });
    return result;
  }

  /**
   * Runs {@code attempt} through {@code target}'s breaker with {@code policy}'s retries. Public so
   * that other outbound calls (HTTP to LINE or an AI vendor) share the same mechanism. An
   * {@code attempt} chaining on a stage from Pekko's Java API must give that stage an executor
   * ({@link #executor()}), see the class comment.
   */
  public <R> CompletionStage<AskResult<R>> run(
      String target, AskPolicy policy, Callable<CompletionStage<AskResult<R>>> attempt) {
    return execute(target, policy, false, attempt);
  }

  /**
   * The retry loop. Costs one hand-over to the system's executor per call (the result is completed
   * there, so the caller's continuations never run on the thread of the actor that replied); the
   * attempts, the breaker's bookkeeping and the mapping of the outcome run on the completing thread.
   * {@code selfTimed}: every attempt is bounded by its own timeout shorter than the breaker's call
   * timeout (an ask), so a closed breaker need not time it: see {@link #through}.
   */
  private <R> CompletionStage<AskResult<R>> execute(
      String target, AskPolicy policy, boolean selfTimed, Callable<CompletionStage<AskResult<R>>> attempt) {
    CompletableFuture<AskResult<R>> result = new CompletableFuture<>();
    if (policy.maxInFlight() > 0) {
      AtomicInteger inFlight = inFlight(target);
      if (inFlight.incrementAndGet() > policy.maxInFlight()) {
        inFlight.decrementAndGet();
        result.complete(new AskResult.Failed<>(AskResult.Failure.UNAVAILABLE,
            target + " has " + policy.maxInFlight() + " asks in flight (the limit); refused without asking"));
        return result;
      }
      result.whenComplete((r, e) -> inFlight.decrementAndGet());
    }
    attempt(target, policy.breaker() ? breakerFor(target) : null, policy, selfTimed, attempt, 0, result);
    return result;
  }

  private AtomicInteger inFlight(String target) {
    return inFlight.computeIfAbsent(target, t -> {
      AtomicInteger n = new AtomicInteger();
      MeterRegistry registry = Metrics.get(system).registry();
      Gauge.builder("resilience_asks_in_flight", n, AtomicInteger::get)
          .description("asks in flight to a target whose policy bounds them")
          .tag("target", t)
          .register(registry);
      return n;
    });
  }

  private <R> void attempt(String target, CircuitBreaker breaker, AskPolicy policy, boolean selfTimed,
      Callable<CompletionStage<AskResult<R>>> attempt, int retried, CompletableFuture<AskResult<R>> result) {
    CompletionStage<AskResult<R>> stage;
    try {
      stage = through(breaker, policy, selfTimed, attempt);
    } catch (Exception e) {
      stage = CompletableFuture.failedFuture(e);
    }
    Stages.onCompletingThread(stage, (value, error) -> {
      if (error == null) {
        executor.execute(() -> result.complete(value));
        return;
      }
      Throwable cause = unwrap(error);
      if (retried < policy.retries() && !(cause instanceof CircuitBreakerOpenException)) {
        system.scheduler().scheduleOnce(backoff(policy, retried),
            () -> attempt(target, breaker, policy, selfTimed, attempt, retried + 1, result), executor);
        return;
      }
      AskResult<R> failed = failure(target, policy, cause);
      executor.execute(() -> result.complete(failed));
    });
  }

  /** The delay before retry number {@code retried + 1}: exponential from min to max backoff, 20% jitter. */
  private static Duration backoff(AskPolicy policy, int retried) {
    double base = Math.min(policy.maxBackoff().toNanos(), policy.minBackoff().toNanos() * Math.pow(2, retried));
    return Duration.ofNanos((long) (base * (1.0 + ThreadLocalRandom.current().nextDouble() * 0.2)));
  }

  private static <R> AskResult<R> failure(String target, AskPolicy policy, Throwable cause) {
    if (cause instanceof CircuitBreakerOpenException) {
      return new AskResult.Failed<>(AskResult.Failure.UNAVAILABLE, target + " is unavailable (circuit open)");
    }
    if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
      return new AskResult.Failed<>(AskResult.Failure.TIMEOUT,
          target + " did not answer within " + policy.timeout().toMillis() + " ms");
    }
    return new AskResult.Failed<>(AskResult.Failure.ERROR, target + ": " + cause.getMessage());
  }

  /**
   * One attempt through {@code breaker}.
   *
   * <ul>
   *   <li>A self-timed attempt (an ask) while the breaker is closed runs directly and reports its
   *       outcome to the breaker ({@code succeed}/{@code fail}): the breaker's own call timer and
   *       future plumbing would only repeat the ask's timeout, at a cost per call.
   *   <li>Otherwise an attempt whose policy is shorter than
   *       {@code linecommerce.resilience.breaker.call-timeout} goes through the breaker, which times
   *       it (a safety net above the usual ask timeouts), fails it fast while open and lets one
   *       probe through while half-open.
   *   <li>An attempt whose policy allows longer (a conversation turn that waits for a remote AI
   *       vendor and then the local provider) is not timed by the breaker but reports its outcome to
   *       it: refused while the breaker is open, a failure or a success once it completes (its own
   *       ask timeout bounds it).
   * </ul>
   */
  private <R> CompletionStage<AskResult<R>> through(
      CircuitBreaker breaker, AskPolicy policy, boolean selfTimed, Callable<CompletionStage<AskResult<R>>> attempt)
      throws Exception {
    if (breaker == null) return attempt.call(); // an unguarded policy
    boolean shortCall = policy.timeout().compareTo(callTimeout) < 0;
    if (shortCall && !(selfTimed && breaker.isClosed())) return breaker.callWithCircuitBreakerCS(attempt);
    if (breaker.isOpen()) {
      return CompletableFuture.failedFuture(
          new CircuitBreakerOpenException(scala.concurrent.duration.Duration.Zero(), "Circuit Breaker is open"));
    }
    CompletionStage<AskResult<R>> stage;
    try {
      stage = attempt.call();
    } catch (Exception e) {
      breaker.fail();
      throw e;
    }
    CompletableFuture<AskResult<R>> reported = new CompletableFuture<>();
    Stages.onCompletingThread(stage, (result, error) -> {
      if (error != null) {
        breaker.fail();
        reported.completeExceptionally(error);
      } else {
        breaker.succeed();
        reported.complete(result);
      }
    });
    return reported;
  }

  /** The executor this class runs its stages on (the actor system's default dispatcher). */
  public Executor executor() {
    return executor;
  }

  /** The breaker guarding {@code target} (an entity type name or an outbound service name). */
  public CircuitBreaker breakerFor(String target) {
    return breakers.computeIfAbsent(target, t -> {
      CircuitBreaker b = CircuitBreaker.create(
          Adapter.toClassic(system).scheduler(), maxFailures, callTimeout, resetTimeout)
          .withExponentialBackoff(maxResetTimeout);
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
