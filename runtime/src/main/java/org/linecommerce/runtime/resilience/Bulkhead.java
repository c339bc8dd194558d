package org.linecommerce.runtime.resilience;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.runtime.health.Metrics;

/**
 * At most {@code limit} pieces of asynchronous work of one kind running at once on this node; the
 * rest wait, in arrival order, and start as places free up. Nothing is refused and nothing is
 * dropped: a bulkhead only decides <em>when</em> work starts, so that one kind of work cannot take
 * all of the node's CPU from another (for example answering webhook events against acknowledging
 * new ones). Time limits belong inside the work: the wait in the queue does not count.
 *
 * <p>The limit is fixed (0 or less: no limit, the gauges still count) or an {@link AdaptiveLimit}
 * that moves with the latency of the path the work yields to. Gauges {@code bulkhead_running},
 * {@code bulkhead_waiting} and {@code bulkhead_limit} (tag {@code name}). Thread-safe; work starts
 * on the caller's thread when a place is free and nothing waits, else on the given executor.
 */
public final class Bulkhead {

  private final IntSupplier limit;
  private final Executor executor;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  /** A bulkhead named {@code name} (metric tag) with a fixed limit, on {@code system}'s executor and metrics. */
  public static Bulkhead create(ActorSystem<?> system, String name, int limit) {
    return new Bulkhead(name, limit, system.executionContext(), Metrics.get(system).registry());
  }

  /** A bulkhead whose limit adapts ({@link AdaptiveLimit}), on {@code system}'s executor and metrics. */
  public static Bulkhead create(ActorSystem<?> system, String name, AdaptiveLimit limit) {
    return new Bulkhead(name, limit, system.executionContext(), Metrics.get(system).registry());
  }

  public Bulkhead(String name, int limit, Executor executor, MeterRegistry registry) {
    this(name, () -> limit <= 0 ? Integer.MAX_VALUE : limit, executor, registry);
  }

  public Bulkhead(String name, AdaptiveLimit limit, Executor executor, MeterRegistry registry) {
    this(name, (IntSupplier) limit, executor, registry);
    limit.measureInFlightWith(this::running);
  }

  private Bulkhead(String name, IntSupplier limit, Executor executor, MeterRegistry registry) {
    this.limit = limit;
    this.executor = executor;
    Gauge.builder("bulkhead_running", this, Bulkhead::running)
        .description("work of a kind running now, at most the bulkhead's limit").tag("name", name).register(registry);
    Gauge.builder("bulkhead_waiting", this, Bulkhead::waiting)
        .description("work of a kind waiting for a place in its bulkhead").tag("name", name).register(registry);
    Gauge.builder("bulkhead_limit", this, b -> b.limit.getAsInt())
        .description("places in the bulkhead now (2147483647: no limit)").tag("name", name).register(registry);
  }

  /**
   * Runs {@code work} now if fewer than the limit run and nothing waits, else once a place is free;
   * the result completes with the work's outcome (a supplier that throws or returns null fails it).
   */
  public <T> CompletionStage<T> run(Supplier<? extends CompletionStage<T>> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start = () -> start(work, result);
    boolean now;
    List<Runnable> also;
    synchronized (this) {
      now = waiting.isEmpty() && running < limit.getAsInt();
      if (now) running++;
      else waiting.add(start);
      also = startable(); // a limit that grew lets waiting work start too
    }
    if (now) start.run();
    also.forEach(executor::execute);
    return result;
  }

  public synchronized int running() {
    return running;
  }

  public synchronized int waiting() {
    return waiting.size();
  }

  /** The current limit ({@link Integer#MAX_VALUE}: none). */
  public int limit() {
    return limit.getAsInt();
  }

  private <T> void start(Supplier<? extends CompletionStage<T>> work, CompletableFuture<T> result) {
    CompletionStage<T> stage;
    try {
      stage = work.get();
      if (stage == null) stage = CompletableFuture.failedFuture(new IllegalStateException("the work returned null"));
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    Stages.onCompletingThread(stage, (value, error) -> {
      release();
      if (error != null) result.completeExceptionally(error);
      else result.complete(value);
    });
  }

  /** Freed places go to the oldest waiting work, started on the executor (never deep in a completion chain). */
  private void release() {
    List<Runnable> next;
    synchronized (this) {
      running--;
      next = startable();
    }
    next.forEach(executor::execute);
  }

  /** Takes waiting work while places are free (under the lock). */
  private List<Runnable> startable() {
    if (waiting.isEmpty()) return List.of();
    int free = limit.getAsInt() - running;
    if (free <= 0) return List.of();
    List<Runnable> out = new ArrayList<>(Math.min(free, waiting.size()));
    while (free-- > 0 && !waiting.isEmpty()) {
      out.add(waiting.poll());
      running++;
    }
    return out;
  }
}
