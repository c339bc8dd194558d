package org.linecommerce.gateway.internal;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code linecommerce.gateway.inbox}: how a ChatInbox deduplicates and handles its events.
 *
 * @param dedupeWindow how many of the last accepted event ids each chat remembers
 * @param reorderDelay how long an event waits after being accepted before it is handled, so an
 *     earlier event of the same chat arriving in another request can still go first
 * @param reactionTimeout how long one reaction may take before it counts as failed
 * @param maxAttempts reactions tried per event before it is recorded as handled with failure
 * @param minBackoff delay before the first retry of a failed reaction; doubles up to maxBackoff
 * @param idleTimeout how long an inbox with nothing pending stays in memory without commands
 */
public record InboxSettings(int dedupeWindow, Duration reorderDelay, Duration reactionTimeout, int maxAttempts,
    Duration minBackoff, Duration maxBackoff, Duration idleTimeout) {

  public InboxSettings {
    if (dedupeWindow < 1) throw new IllegalArgumentException("linecommerce.gateway.inbox.dedupe-window must be at least 1");
    if (maxAttempts < 1) throw new IllegalArgumentException("linecommerce.gateway.inbox.max-attempts must be at least 1");
  }

  public static InboxSettings fromConfig(Config config) {
    Config c = config.getConfig("linecommerce.gateway.inbox");
    return new InboxSettings(c.getInt("dedupe-window"), c.getDuration("reorder-delay"), c.getDuration("reaction-timeout"),
        c.getInt("max-attempts"), c.getDuration("min-backoff"), c.getDuration("max-backoff"), c.getDuration("idle-timeout"));
  }

  /** The delay before retry number {@code attempt} (the first attempt is 1). */
  public Duration backoff(int attempt) {
    long factor = 1L << Math.min(20, Math.max(0, attempt - 1));
    Duration d = minBackoff.multipliedBy(factor);
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}
