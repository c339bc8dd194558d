package org.linecommerce.runtime.resilience;

import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limit.window.PercentileSampleWindowFactory;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A concurrency limit for work that must give way to a latency-critical path of the same node (for
 * example answering chat messages, which must not delay acknowledging new webhooks). The guarded
 * path reports its latencies ({@link #record}); per window, when their 99th percentile is above the
 * target the limit is multiplied by the backoff ratio, otherwise it grows by one while the work uses
 * at least half of it: AIMD ({@code AIMDLimit} over a {@code WindowedLimit} of Netflix's
 * concurrency-limits). Windows with fewer than 10 samples change nothing, so an idle guarded path
 * leaves the limit where it is.
 *
 * <p>Used as the limit of a {@link Bulkhead}, which tells it how much of the limit is in use.
 */
public final class AdaptiveLimit implements IntSupplier {

  /**
   * {@code initial} ≤ {@code max}, {@code min} ≥ 1; {@code target}: the guarded path's p99 above
   * which the limit shrinks; {@code window}: how often it is adjusted (≥ 100 ms); {@code backoff} in (0, 1).
   */
  public record Settings(int initial, int min, int max, Duration target, Duration window, double backoff) {
    public Settings {
      if (min < 1 || max < min || initial < min || initial > max) {
        throw new IllegalArgumentException("adaptive limit: need 1 <= min <= initial <= max, got min " + min
            + ", initial " + initial + ", max " + max);
      }
      if (target.isNegative() || target.isZero()) throw new IllegalArgumentException("adaptive limit: target must be positive");
      if (window.compareTo(Duration.ofMillis(100)) < 0) {
        throw new IllegalArgumentException("adaptive limit: window must be at least 100 ms, got " + window.toMillis() + " ms");
      }
      if (!(backoff > 0 && backoff < 1)) throw new IllegalArgumentException("adaptive limit: backoff must be in (0, 1), got " + backoff);
    }

    /**
     * From a block with {@code initial}, {@code min}, {@code max}, {@code latency-target}, {@code window},
     * {@code backoff}; {@code initial} is kept within {@code min..max} (setting only {@code max} or
     * {@code min} is enough).
     */
    public static Settings fromConfig(Config c) {
      int min = c.getInt("min");
      int max = c.getInt("max");
      int initial = Math.max(min, Math.min(max, c.getInt("initial")));
      return new Settings(initial, min, max, c.getDuration("latency-target"), c.getDuration("window"), c.getDouble("backoff"));
    }
  }

  private final Settings settings;
  private final WindowedLimit limit;
  private volatile IntSupplier inFlight = () -> 0;

  public AdaptiveLimit(Settings settings) {
    this.settings = settings;
    AIMDLimit aimd = AIMDLimit.newBuilder()
        .initialLimit(settings.initial())
        .minLimit(settings.min())
        .maxLimit(settings.max())
        .backoffRatio(settings.backoff())
        .timeout(settings.target().toNanos(), TimeUnit.NANOSECONDS)
        .build();
    long window = settings.window().toNanos();
    this.limit = WindowedLimit.newBuilder()
        .minWindowTime(window, TimeUnit.NANOSECONDS)
        .maxWindowTime(window, TimeUnit.NANOSECONDS)
        .windowSize(10)
        .minRttThreshold(1, TimeUnit.MICROSECONDS)
        .sampleWindowFactory(PercentileSampleWindowFactory.of(0.99, 10_000))
        .build(aimd);
  }

  public Settings settings() {
    return settings;
  }

  /** One latency of the guarded path, ended now. */
  public void record(Duration latency) {
    long nanos = latency.toNanos();
    limit.onSample(System.nanoTime() - nanos, nanos, inFlight.getAsInt(), false);
  }

  /** The current limit. */
  @Override
  public int getAsInt() {
    return limit.getLimit();
  }

  /** How much of the limit is in use (set by the bulkhead it limits). */
  void measureInFlightWith(IntSupplier inFlight) {
    this.inFlight = inFlight;
  }
}
