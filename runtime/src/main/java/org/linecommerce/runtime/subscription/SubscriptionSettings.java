package org.linecommerce.runtime.subscription;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * How an {@link EventSubscription} runs. Defaults come from {@code linecommerce.subscriptions}.
 *
 * @param maxAttempts handler attempts per event before it goes to the dead-letter store (≥ 1)
 * @param retryBackoff delay before the first retry; doubled per attempt
 * @param maxRetryBackoff upper bound of the delay between attempts
 * @param handlerTimeout an attempt not completed after this long counts as failed
 * @param role when present, the projection instances run only on nodes with this cluster role
 */
public record SubscriptionSettings(
    int maxAttempts,
    Duration retryBackoff,
    Duration maxRetryBackoff,
    Duration handlerTimeout,
    Optional<String> role) {

  public SubscriptionSettings {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    Objects.requireNonNull(maxRetryBackoff, "maxRetryBackoff");
    Objects.requireNonNull(handlerTimeout, "handlerTimeout");
    Objects.requireNonNull(role, "role");
  }

  /** The defaults under {@code linecommerce.subscriptions}, on every node (no role). */
  public static SubscriptionSettings create(ActorSystem<?> system) {
    Config c = system.settings().config().getConfig("linecommerce.subscriptions");
    return new SubscriptionSettings(
        c.getInt("max-attempts"),
        c.getDuration("retry-backoff"),
        c.getDuration("max-retry-backoff"),
        c.getDuration("handler-timeout"),
        Optional.empty());
  }

  /** Runs the projection instances only on nodes with cluster role {@code role}. */
  public SubscriptionSettings withRole(String role) {
    return new SubscriptionSettings(maxAttempts, retryBackoff, maxRetryBackoff, handlerTimeout, Optional.of(role));
  }

  public SubscriptionSettings withMaxAttempts(int attempts) {
    return new SubscriptionSettings(attempts, retryBackoff, maxRetryBackoff, handlerTimeout, role);
  }

  public SubscriptionSettings withRetryBackoff(Duration first, Duration max) {
    return new SubscriptionSettings(maxAttempts, first, max, handlerTimeout, role);
  }

  public SubscriptionSettings withHandlerTimeout(Duration timeout) {
    return new SubscriptionSettings(maxAttempts, retryBackoff, maxRetryBackoff, timeout, role);
  }

  /** Delay after failed attempt {@code attempt} (1-based): retryBackoff × 2^(attempt-1), capped. */
  Duration backoffAfter(int attempt) {
    int shift = Math.min(Math.max(attempt - 1, 0), 20);
    long millis = retryBackoff.toMillis() << shift;
    return millis >= maxRetryBackoff.toMillis() || millis < 0 ? maxRetryBackoff : Duration.ofMillis(millis);
  }
}
