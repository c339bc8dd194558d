package org.linecommerce.runtime.tracing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one log line per interval for a condition that can repeat on every request (a webhook
 * refused under load): {@link #permit()} says whether to log now and {@link #suppressed()} how many
 * were left out since the last line, to print on it. Thread-safe and lock-free.
 */
public final class LogThrottle {

  private final long intervalNanos;
  private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong skipped = new AtomicLong();

  public LogThrottle(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** True when a line may be logged now (then the next one waits an interval); false counts one suppressed. */
  public boolean permit() {
    long now = System.nanoTime();
    long due = next.get();
    if ((due == Long.MIN_VALUE || now - due >= 0) && next.compareAndSet(due, now + intervalNanos)) return true;
    skipped.incrementAndGet();
    return false;
  }

  /** How many lines were suppressed since the last call; resets the count. */
  public long suppressed() {
    return skipped.getAndSet(0);
  }
}
