package org.linecommerce.runtime.http;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token bucket per client: each holds up to {@code burst} tokens, refilled at
 * {@code requests-per-second}; a request takes one token or is refused with the time until the
 * next one.
 *
 * <p>A bucket is kept in its equivalent GCRA form, as one number: the <em>theoretical arrival
 * time</em> {@code tat} at which the bucket would be full again. A request at {@code now} is
 * allowed when {@code max(tat, now) + interval - now <= burst * interval} and then moves
 * {@code tat} on by one {@code interval} (1 / rate). One {@link AtomicLong} per client updated by
 * compare-and-set makes it thread-safe without locks; clients never wait for each other.
 *
 * <p>A bucket whose {@code tat} lies in the past is full, which is exactly the state of a new
 * bucket, so forgetting it loses nothing. Buckets idle for {@code idle-timeout} are swept every so
 * often by whichever request comes along; when the table reaches {@code max-clients}, every full
 * bucket is swept at once, and if it is still full of active clients, newcomers go unlimited
 * until room frees up (failing open rather than locking out clients the limiter cannot track).
 *
 * <p>Time comes from an injectable nanosecond clock so tests can move it.
 */
public final class RateLimiter {

  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
  private static final long OVERFLOW_WARNING_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  /**
   * {@code linecommerce.http.rate-limit}.
   *
   * @param requestsPerSecond sustained rate per client
   * @param burst requests a client may make at once after being quiet
   * @param idleTimeout how long a quiet client's bucket is remembered
   * @param maxClients most buckets kept at once
   */
  public record Settings(boolean enabled, double requestsPerSecond, int burst, Duration idleTimeout, int maxClients) {
    public Settings {
      if (!(requestsPerSecond > 0)) throw new IllegalArgumentException("rate-limit.requests-per-second must be > 0");
      if (burst < 1) throw new IllegalArgumentException("rate-limit.burst must be >= 1");
      if (idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("rate-limit.idle-timeout must be > 0");
      }
      if (maxClients < 1) throw new IllegalArgumentException("rate-limit.max-clients must be >= 1");
    }

    /** Reads {@code linecommerce.http.rate-limit} from the node's configuration. */
    public static Settings fromConfig(Config config) {
      Config c = config.getConfig("linecommerce.http.rate-limit");
      return new Settings(
          c.getBoolean("enabled"),
          c.getDouble("requests-per-second"),
          c.getInt("burst"),
          c.getDuration("idle-timeout"),
          c.getInt("max-clients"));
    }
  }

  /** The answer to one request: allowed, or refused until {@code retryAfter} has passed. */
  public record Decision(boolean allowed, Duration retryAfter) {
    static final Decision ALLOWED = new Decision(true, Duration.ZERO);

    /** {@code retryAfter} in whole seconds, rounded up, at least 1 (for {@code Retry-After}). */
    public long retryAfterSeconds() {
      long nanos = retryAfter.toNanos();
      return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
  }

  private final Settings settings;
  private final LongSupplier nanoClock;
  private final long intervalNanos;
  private final long toleranceNanos;
  private final long idleNanos;
  private final long sweepEveryNanos;
  private final ConcurrentHashMap<String, AtomicLong> buckets = new ConcurrentHashMap<>();
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private final AtomicLong lastSweep;
  private final AtomicLong lastOverflowWarning;

  /** A limiter reading time from {@code nanoClock} (like {@link System#nanoTime}). */
  public RateLimiter(Settings settings, LongSupplier nanoClock) {
    this.settings = settings;
    this.nanoClock = nanoClock;
    this.intervalNanos = Math.max(1, Math.round(1_000_000_000d / settings.requestsPerSecond()));
    this.toleranceNanos = Math.multiplyExact(intervalNanos, (long) settings.burst());
    this.idleNanos = settings.idleTimeout().toNanos();
    this.sweepEveryNanos = Math.min(idleNanos, TimeUnit.MINUTES.toNanos(1));
    long start = nanoClock.getAsLong();
    this.lastSweep = new AtomicLong(start);
    this.lastOverflowWarning = new AtomicLong(start - OVERFLOW_WARNING_EVERY_NANOS);
  }

  public static RateLimiter create(Settings settings) {
    return new RateLimiter(settings, System::nanoTime);
  }

  public Settings settings() {
    return settings;
  }

  /** Takes a token from {@code clientKey}'s bucket, or says how long until one is there. */
  public Decision tryAcquire(String clientKey) {
    if (!settings.enabled()) return Decision.ALLOWED;
    long now = nanoClock.getAsLong();
    maybeSweep(now);
    AtomicLong tat = buckets.get(clientKey);
    if (tat == null) {
      tat = admit(clientKey, now);
      if (tat == null) return Decision.ALLOWED;
    }
    while (true) {
      long current = tat.get();
      long start = current - now > 0 ? current : now;
      long next = start + intervalNanos;
      long wait = next - now - toleranceNanos;
      if (wait > 0) return new Decision(false, Duration.ofNanos(wait));
      if (tat.compareAndSet(current, next)) return Decision.ALLOWED;
    }
  }

  /** Number of clients with a bucket (for tests and metrics). */
  public int trackedClients() {
    return buckets.size();
  }

  private AtomicLong admit(String clientKey, long now) {
    if (buckets.size() >= settings.maxClients()) {
      sweep(now, 0);
      if (buckets.size() >= settings.maxClients()) {
        long last = lastOverflowWarning.get();
        if (now - last >= OVERFLOW_WARNING_EVERY_NANOS && lastOverflowWarning.compareAndSet(last, now)) {
          log.warn("Rate limiter tracks {} active clients (max-clients); new clients go unlimited until room frees up",
              buckets.size());
        }
        return null;
      }
    }
    return buckets.computeIfAbsent(clientKey, k -> new AtomicLong(now));
  }

  private void maybeSweep(long now) {
    long last = lastSweep.get();
    if (now - last >= sweepEveryNanos && lastSweep.compareAndSet(last, now)) {
      sweep(now, idleNanos);
    }
  }

  /**
   * Forgets buckets that have been full for at least {@code fullFor}. Without a lock, a request
   * racing with the sweep may take a token from a bucket in the instant it is forgotten; at worst
   * that client gets back the token or two it took in that instant.
   */
  private void sweep(long now, long fullFor) {
    if (!sweeping.compareAndSet(false, true)) return;
    try {
      Iterator<Map.Entry<String, AtomicLong>> it = buckets.entrySet().iterator();
      while (it.hasNext()) {
        if (now - it.next().getValue().get() >= fullFor) it.remove();
      }
    } finally {
      sweeping.set(false);
    }
  }
}
