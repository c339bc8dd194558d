package org.linecommerce.runtime.saga;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a saga step's action (or compensation) is tried, and how long the saga waits between
 * attempts: {@code minBackoff * factor^(attempt-1)}, capped at {@code maxBackoff}. The delay is
 * stored in the journal as an absolute instant, so a restart neither shortens nor repeats it.
 *
 * @param maxAttempts attempts in total (1 = no retry)
 */
public record RetryPolicy(int maxAttempts, Duration minBackoff, Duration maxBackoff, double factor) {

  /** Three attempts, 200 ms then 400 ms apart (at most 5 s). */
  public static final RetryPolicy DEFAULT = exponential(3, Duration.ofMillis(200), Duration.ofSeconds(5));

  public RetryPolicy {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    Objects.requireNonNull(minBackoff, "minBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= minBackoff <= maxBackoff");
    }
    if (factor < 1.0) throw new IllegalArgumentException("factor must be >= 1");
  }

  /** Exponential backoff doubling from {@code minBackoff} up to {@code maxBackoff}. */
  public static RetryPolicy exponential(int maxAttempts, Duration minBackoff, Duration maxBackoff) {
    return new RetryPolicy(maxAttempts, minBackoff, maxBackoff, 2.0);
  }

  /** One attempt only. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);
  }

  /** The delay after failed attempt number {@code attempt} (1-based). */
  public Duration backoffAfter(int attempt) {
    double millis = minBackoff.toMillis() * Math.pow(factor, Math.max(0, attempt - 1));
    return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis((long) millis);
  }
}
