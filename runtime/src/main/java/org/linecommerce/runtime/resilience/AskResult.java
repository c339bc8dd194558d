package org.linecommerce.runtime.resilience;

import java.util.function.Function;

/**
 * The typed outcome of a cross-domain ask: the reply, or why there is none. Callers branch on it;
 * no exception crosses an actor boundary.
 */
public sealed interface AskResult<R> {

  /** Why an ask produced no reply. */
  enum Failure {
    /** no reply within the timeout (after the retries an idempotent query gets) */
    TIMEOUT,
    /** the target's circuit breaker is open: failing fast without asking */
    UNAVAILABLE,
    /** the target answered with an error ({@code StatusReply.error}): a business refusal, never retried */
    REJECTED,
    /** anything else that went wrong on the way */
    ERROR
  }

  record Ok<R>(R value) implements AskResult<R> {}

  record Failed<R>(Failure failure, String detail) implements AskResult<R> {}

  default boolean isOk() {
    return this instanceof Ok;
  }

  /** The reply; throws {@link IllegalStateException} naming the failure when there is none. */
  default R value() {
    if (this instanceof Ok<R> ok) return ok.value();
    Failed<R> failed = (Failed<R>) this;
    throw new IllegalStateException(failed.failure() + ": " + failed.detail());
  }

  default <T> AskResult<T> map(Function<R, T> f) {
    if (this instanceof Ok<R> ok) return new Ok<>(f.apply(ok.value()));
    Failed<R> failed = (Failed<R>) this;
    return new Failed<>(failed.failure(), failed.detail());
  }
}
