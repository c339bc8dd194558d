package org.linecommerce.runtime.resilience;

import java.time.Duration;

/**
 * How an ask is made: its timeout per attempt and how many times a failed attempt is retried.
 * Only idempotent queries are retried; commands are asked once (a retry could apply them twice
 * unless the target dedupes by command id, in which case the caller may opt in with
 * {@link #retried(int)}).
 *
 * <p>Protection of the target: by default its circuit breaker ({@code breaker}) fails asks fast
 * after consecutive failures. A path whose caller retries on its own and whose failures are mostly
 * slowness under a burst (the webhook: LINE redelivers) opts out with {@link #unguarded(int)}: the
 * breaker would turn a one-second burst into {@code reset-timeout} of refusals. It bounds the asks
 * in flight to the target instead ({@code maxInFlight}, 0 = no bound): one more is refused at once
 * ({@link AskResult.Failure#UNAVAILABLE}), so a backlog never grows past what the timeout can drain.
 */
public record AskPolicy(Duration timeout, int retries, Duration minBackoff, Duration maxBackoff, boolean breaker,
    int maxInFlight) {

  public AskPolicy {
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    if (retries < 0) throw new IllegalArgumentException("retries must be >= 0");
    if (maxInFlight < 0) throw new IllegalArgumentException("maxInFlight must be >= 0");
  }

  /** A policy guarded by the target's breaker, no bound on asks in flight. */
  public AskPolicy(Duration timeout, int retries, Duration minBackoff, Duration maxBackoff) {
    this(timeout, retries, minBackoff, maxBackoff, true, 0);
  }

  /** The same policy retrying failed attempts up to {@code n} times with backoff. */
  public AskPolicy retried(int n) {
    return new AskPolicy(timeout, n, minBackoff, maxBackoff, breaker, maxInFlight);
  }

  public AskPolicy withTimeout(Duration t) {
    return new AskPolicy(t, retries, minBackoff, maxBackoff, breaker, maxInFlight);
  }

  /**
   * The same policy without the target's breaker (its outcomes are not reported to it either), with
   * at most {@code maxInFlight} asks of this policy's target in flight at once on this node (0 = no
   * bound).
   */
  public AskPolicy unguarded(int maxInFlight) {
    return new AskPolicy(timeout, retries, minBackoff, maxBackoff, false, maxInFlight);
  }
}
