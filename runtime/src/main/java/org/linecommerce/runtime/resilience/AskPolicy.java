package org.linecommerce.runtime.resilience;

import java.time.Duration;

/**
 * How an ask is made: its timeout per attempt and how many times a failed attempt is retried.
 * Only idempotent queries are retried; commands are asked once (a retry could apply them twice
 * unless the target dedupes by command id, in which case the caller may opt in with
 * {@link #retried(int)}).
 */
public record AskPolicy(Duration timeout, int retries, Duration minBackoff, Duration maxBackoff) {

  public AskPolicy {
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    if (retries < 0) throw new IllegalArgumentException("retries must be >= 0");
  }

  /** The same policy retrying failed attempts up to {@code n} times with backoff. */
  public AskPolicy retried(int n) {
    return new AskPolicy(timeout, n, minBackoff, maxBackoff);
  }

  public AskPolicy withTimeout(Duration t) {
    return new AskPolicy(t, retries, minBackoff, maxBackoff);
  }
}
