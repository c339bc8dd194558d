package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One step of a {@link SagaDefinition}; immutable, configured with {@code with…} methods.
 *
 * <ul>
 *   <li>{@link #action} steps run an asynchronous action (usually an ask to a domain entity)
 *       that completes with a small JSON-able result. Each attempt is bounded by
 *       {@link #withTimeout} and retried per {@link #withRetry}; an action that fails with
 *       {@link PermanentFailure} is not retried.
 *   <li>{@link #awaitSignal} steps run nothing: they wait for {@code Sagas.signal(sagaId, step,
 *       payload)} until a deadline (an absolute instant, stored when the step starts and re-armed
 *       after a restart; it fires at once if it passed while the node was down). The signal
 *       handler decides the outcome from the payload ({@link #onSignal}; default: success with the
 *       payload); at the deadline the step takes {@link #onDeadline} (default: failure).
 * </ul>
 *
 * Either kind may have a compensation ({@link #compensatedBy}) that the saga runs, in reverse step
 * order, when a later step fails for good. An action step that fails for good is compensated
 * too, first: a timed-out or failed attempt may have taken effect, wholly or in part, so every
 * compensation must tolerate having nothing (or only part) to undo. Actions and compensations must not block the calling thread and
 * must be idempotent per command id.
 *
 * @param <D> the saga's input type
 */
public final class SagaStep<D> {

  /** Default bound of one attempt of an action or compensation. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public enum Kind { ACTION, AWAIT_SIGNAL }

  private final String name;
  private final Kind kind;
  private final Function<StepContext<D>, ? extends CompletionStage<?>> action;
  private final Function<CompensationContext<D>, ? extends CompletionStage<?>> compensation;
  private final Duration timeout;
  private final RetryPolicy retry;
  private final RetryPolicy compensationRetry;
  private final Function<StepContext<D>, Duration> deadline;
  private final BiFunction<StepContext<D>, JsonNode, StepOutcome> onSignal;
  private final StepOutcome onDeadline;

  private SagaStep(
      String name,
      Kind kind,
      Function<StepContext<D>, ? extends CompletionStage<?>> action,
      Function<CompensationContext<D>, ? extends CompletionStage<?>> compensation,
      Duration timeout,
      RetryPolicy retry,
      RetryPolicy compensationRetry,
      Function<StepContext<D>, Duration> deadline,
      BiFunction<StepContext<D>, JsonNode, StepOutcome> onSignal,
      StepOutcome onDeadline) {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("a step needs a name");
    this.name = name;
    this.kind = kind;
    this.action = action;
    this.compensation = compensation;
    this.timeout = requirePositive(timeout, "timeout");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.compensationRetry = Objects.requireNonNull(compensationRetry, "compensationRetry");
    this.deadline = deadline;
    this.onSignal = onSignal;
    this.onDeadline = Objects.requireNonNull(onDeadline, "onDeadline");
  }

  /** A step that runs {@code action}; its result (JSON-able, or a string) is stored in the journal. */
  public static <D> SagaStep<D> action(String name, Function<StepContext<D>, ? extends CompletionStage<?>> action) {
    Objects.requireNonNull(action, "action");
    return new SagaStep<>(name, Kind.ACTION, action, null, DEFAULT_TIMEOUT, RetryPolicy.DEFAULT,
        RetryPolicy.DEFAULT, null, null, StepOutcome.failure("deadline passed"));
  }

  /** A step that waits for a signal for at most {@code within} from the moment it starts. */
  public static <D> SagaStep<D> awaitSignal(String name, Duration within) {
    requirePositive(within, "within");
    return awaitSignal(name, ctx -> within);
  }

  /** A step that waits for a signal; {@code within} computes the wait (e.g. from configuration). */
  public static <D> SagaStep<D> awaitSignal(String name, Function<StepContext<D>, Duration> within) {
    Objects.requireNonNull(within, "within");
    return new SagaStep<>(name, Kind.AWAIT_SIGNAL, null, null, DEFAULT_TIMEOUT, RetryPolicy.DEFAULT,
        RetryPolicy.DEFAULT, within, (ctx, payload) -> StepOutcome.success(payload),
        StepOutcome.failure("deadline passed"));
  }

  /** Undoes this step when a later step fails for good; idempotent per its own command id. */
  public SagaStep<D> compensatedBy(Function<CompensationContext<D>, ? extends CompletionStage<?>> compensation) {
    return new SagaStep<>(name, kind, action, Objects.requireNonNull(compensation, "compensation"), timeout,
        retry, compensationRetry, deadline, onSignal, onDeadline);
  }

  /** Bound of one attempt of the action and of the compensation. */
  public SagaStep<D> withTimeout(Duration timeout) {
    return new SagaStep<>(name, kind, action, compensation, timeout, retry, compensationRetry, deadline,
        onSignal, onDeadline);
  }

  /** Retry policy of the action. */
  public SagaStep<D> withRetry(RetryPolicy retry) {
    return new SagaStep<>(name, kind, action, compensation, timeout, retry, compensationRetry, deadline,
        onSignal, onDeadline);
  }

  /** Retry policy of the compensation; when it is exhausted the saga needs manual intervention. */
  public SagaStep<D> withCompensationRetry(RetryPolicy compensationRetry) {
    return new SagaStep<>(name, kind, action, compensation, timeout, retry, compensationRetry, deadline,
        onSignal, onDeadline);
  }

  /** For {@link #awaitSignal} steps: decides the step's outcome from a signal's payload. */
  public SagaStep<D> onSignal(BiFunction<StepContext<D>, JsonNode, StepOutcome> onSignal) {
    requireAwait("onSignal");
    return new SagaStep<>(name, kind, action, compensation, timeout, retry, compensationRetry, deadline,
        Objects.requireNonNull(onSignal, "onSignal"), onDeadline);
  }

  /** For {@link #awaitSignal} steps: the outcome when the deadline passes (default: failure). */
  public SagaStep<D> onDeadline(StepOutcome onDeadline) {
    requireAwait("onDeadline");
    return new SagaStep<>(name, kind, action, compensation, timeout, retry, compensationRetry, deadline,
        onSignal, onDeadline);
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public Duration timeout() {
    return timeout;
  }

  public RetryPolicy retry() {
    return retry;
  }

  public RetryPolicy compensationRetry() {
    return compensationRetry;
  }

  public boolean hasCompensation() {
    return compensation != null;
  }

  public StepOutcome deadlineOutcome() {
    return onDeadline;
  }

  Function<StepContext<D>, ? extends CompletionStage<?>> action() {
    return action;
  }

  Optional<Function<CompensationContext<D>, ? extends CompletionStage<?>>> compensation() {
    return Optional.ofNullable(compensation);
  }

  Function<StepContext<D>, Duration> deadline() {
    return deadline;
  }

  BiFunction<StepContext<D>, JsonNode, StepOutcome> signalHandler() {
    return onSignal;
  }

  private void requireAwait(String what) {
    if (kind != Kind.AWAIT_SIGNAL) {
      throw new IllegalStateException(what + " applies to awaitSignal steps only (step " + name + ")");
    }
  }

  private static Duration requirePositive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive");
    return d;
  }

  @Override
  public String toString() {
    return "SagaStep[" + name + ", " + kind + "]";
  }

  /**
   * Thrown (or completed exceptionally) by an action or compensation whose failure another attempt
   * cannot fix, e.g. "out of stock": the saga skips the remaining attempts.
   */
  public static final class PermanentFailure extends RuntimeException {
    public PermanentFailure(String message) {
      super(message);
    }
  }
}
