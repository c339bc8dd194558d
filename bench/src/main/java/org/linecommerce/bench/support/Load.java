package org.linecommerce.bench.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.linecommerce.runtime.resilience.Stages;

/**
 * Load generators for end-to-end benchmarks; the measured call is asynchronous
 * ({@code LongFunction<CompletionStage<?>>}, given the call's sequence number, e.g. to pick a user).
 *
 * <ul>
 *   <li>{@link #fixedRate}: open loop — calls start on a fixed schedule whatever the answers do;
 *       latency is measured from the <em>scheduled</em> start, so a stalled system is charged for
 *       the calls it held up (no coordinated omission).
 *   <li>{@link #saturate}: closed loop — {@code callers} callers each start the next call when the
 *       previous one answered; gives the throughput at saturation.
 * </ul>
 *
 * A call whose stage completes exceptionally counts as failed (its latency is not recorded); the
 * first few failure messages are kept for the report.
 */
public final class Load {

  private Load() {}

  /** What one load phase did. Latency histogram in nanoseconds. */
  public record Result(long started, long succeeded, long failed, double seconds, Histogram latency,
      List<String> firstFailures) {
    public double succeededPerSecond() {
      return succeeded / seconds;
    }
  }

  private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(5);

  /**
   * Starts {@code ratePerSecond} calls a second for {@code duration} (open loop), then waits up to
   * {@code drain} for the calls still running.
   */
  public static Result fixedRate(double ratePerSecond, Duration duration, Duration drain,
      LongFunction<? extends CompletionStage<?>> call) throws InterruptedException {
    Histogram latency = new ConcurrentHistogram(HIGHEST_NANOS, 3);
    Counters counters = new Counters();
    long periodNanos = (long) (1e9 / ratePerSecond);
    long total = (long) (ratePerSecond * duration.toNanos() / 1e9);
    long start = System.nanoTime();
    for (long i = 0; i < total; i++) {
      long scheduled = start + i * periodNanos;
      long wait;
      while ((wait = scheduled - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
      launch(i, scheduled, call, latency, counters);
    }
    counters.awaitQuiet(drain);
    double seconds = (System.nanoTime() - start) / 1e9;
    return counters.result(seconds, latency);
  }

  /** {@code callers} closed-loop callers for {@code duration}; calls still running at the end are waited for. */
  public static Result saturate(int callers, Duration duration, LongFunction<? extends CompletionStage<?>> call)
      throws InterruptedException {
    Histogram latency = new ConcurrentHistogram(HIGHEST_NANOS, 3);
    Counters counters = new Counters();
    AtomicLong sequence = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    for (int c = 0; c < callers; c++) loop(sequence, end, call, latency, counters);
    long wait;
    while ((wait = end - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
    counters.awaitQuiet(Duration.ofSeconds(30));
    double seconds = (System.nanoTime() - start) / 1e9;
    return counters.result(seconds, latency);
  }

  private static void loop(AtomicLong sequence, long end, LongFunction<? extends CompletionStage<?>> call,
      Histogram latency, Counters counters) {
    if (System.nanoTime() >= end) return;
    launch(sequence.getAndIncrement(), System.nanoTime(), call, latency, counters)
        .whenComplete((ok, error) -> loop(sequence, end, call, latency, counters));
  }

  private static CompletableFuture<Void> launch(long i, long scheduled, LongFunction<? extends CompletionStage<?>> call,
      Histogram latency, Counters counters) {
    counters.started.incrementAndGet();
    counters.inFlight.incrementAndGet();
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletionStage<?> stage;
    try {
      stage = call.apply(i);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    // never on the JDK's default executor (a thread per task on 2 cores), whatever kind of stage call returns
    Stages.onCompletingThread(stage, (ok, error) -> {
      if (error == null) {
        latency.recordValue(Math.min(HIGHEST_NANOS, System.nanoTime() - scheduled));
        counters.succeeded.incrementAndGet();
      } else {
        counters.failed.incrementAndGet();
        if (counters.firstFailures.size() < 5) counters.firstFailures.add(String.valueOf(error));
      }
      counters.inFlight.decrementAndGet();
      done.complete(null);
    });
    return done;
  }

  private static final class Counters {
    final AtomicLong started = new AtomicLong();
    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    final List<String> firstFailures = new CopyOnWriteArrayList<>();

    void awaitQuiet(Duration within) throws InterruptedException {
      long deadline = System.nanoTime() + within.toNanos();
      while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
    }

    Result result(double seconds, Histogram latency) {
      return new Result(started.get(), succeeded.get(), failed.get(), seconds, latency.copy(), List.copyOf(firstFailures));
    }
  }
}
