package org.linecommerce.runtime.resilience;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.runtime.health.Metrics;

/**
 * At most {@code limit} pieces of asynchronous work of one kind running at once on this node; the
 * rest wait, in arrival order, and each starts when one running ends. Nothing is refused and
 * nothing is dropped: a bulkhead only decides <em>when</em> work starts, so that one kind of work
 * cannot take all of the node's CPU from another (for example answering webhook events against
 * acknowledging new ones). Time limits belong inside the work: the wait in the queue does not count.
 *
 * <p>Gauges {@code bulkhead_running{name}} and {@code bulkhead_waiting{name}}. A limit of 0 or less
 * means no limit (the gauges still count). Thread-safe; work is started on the caller's thread when
 * a place is free, else on the given executor when one frees up.
 */
public final class Bulkhead {

  private final int limit;
  private final Executor executor;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  /** A bulkhead named {@code name} (metric tag) on {@code system}'s executor and metrics registry. */
  public static Bulkhead create(ActorSystem<?> system, String name, int limit) {
    return new Bulkhead(name, limit, system.executionContext(), Metrics.get(system).registry());
  }

  public Bulkhead(String name, int limit, Executor executor, MeterRegistry registry) {
    this.limit = limit;
    this.executor = executor;
    Gauge.builder("bulkhead_running", this, Bulkhead::running)
        .description("work of a kind running now, at most the bulkhead's limit").tag("name", name).register(registry);
    Gauge.builder("bulkhead_waiting", this, Bulkhead::waiting)
        .description("work of a kind waiting for a place in its bulkhead").tag("name", name).register(registry);
  }

  /**
   * Runs {@code work} now if fewer than the limit run, else once a place is free; the result
   * completes with the work's outcome (a supplier that throws or returns null fails it).
   */
  public <T> CompletionStage<T> run(Supplier<? extends CompletionStage<T>> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start = () -> start(work, result);
    boolean now;
    synchronized (this) {
      now = limit <= 0 || running < limit;
      if (now) running++;
      else waiting.add(start);
    }
    if (now) start.run();
    return result;
  }

  public synchronized int running() {
    return running;
  }

  public synchronized int waiting() {
    return waiting.size();
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

  /** The ended work's place goes to the oldest waiting work, started on the executor (never deep in a completion chain). */
  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) running--;
    }
    if (next != null) executor.execute(next);
  }
}
