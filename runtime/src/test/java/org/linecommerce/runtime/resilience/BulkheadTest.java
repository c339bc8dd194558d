package org.linecommerce.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BulkheadTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void runsAtMostTheLimitAtOnceAndStartsTheWaitingInArrivalOrder() {
    Bulkhead bulkhead = new Bulkhead("test", 2, Runnable::run, registry);
    List<CompletableFuture<String>> works = new ArrayList<>();
    List<Integer> started = new ArrayList<>();
    List<CompletionStage<String>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      CompletableFuture<String> work = new CompletableFuture<>();
      works.add(work);
      results.add(bulkhead.run(() -> {
        started.add(n);
        return work;
      }));
    }
    assertThat(started).containsExactly(0, 1);
    assertThat(bulkhead.running()).isEqualTo(2);
    assertThat(bulkhead.waiting()).isEqualTo(3);
    assertThat(registry.get("bulkhead_waiting").tag("name", "test").gauge().value()).isEqualTo(3.0);

    works.get(1).complete("one");
    assertThat(started).containsExactly(0, 1, 2);
    assertThat(results.get(1).toCompletableFuture()).isCompletedWithValue("one");
    works.get(0).completeExceptionally(new IllegalStateException("boom")); // a failure frees its place too
    assertThat(started).containsExactly(0, 1, 2, 3);
    assertThat(results.get(0).toCompletableFuture()).isCompletedExceptionally();
    works.get(2).complete("two");
    works.get(3).complete("three");
    works.get(4).complete("four");
    assertThat(started).containsExactly(0, 1, 2, 3, 4);
    assertThat(results.get(4).toCompletableFuture()).isCompletedWithValue("four");
    assertThat(bulkhead.running()).isZero();
    assertThat(bulkhead.waiting()).isZero();
  }

  @Test
  void aSupplierThatThrowsOrReturnsNullFailsItsResultAndFreesItsPlace() {
    Bulkhead bulkhead = new Bulkhead("test", 1, Runnable::run, registry);
    CompletionStage<String> thrown = bulkhead.run(() -> {
      throw new IllegalArgumentException("bad");
    });
    CompletionStage<String> nothing = bulkhead.run(() -> null);
    CompletionStage<String> fine = bulkhead.run(() -> CompletableFuture.completedFuture("ok"));
    assertThat(thrown.toCompletableFuture()).isCompletedExceptionally();
    assertThat(nothing.toCompletableFuture()).isCompletedExceptionally();
    assertThat(fine.toCompletableFuture()).isCompletedWithValue("ok");
    assertThat(bulkhead.running()).isZero();
  }

  @Test
  void aLimitOfZeroBoundsNothing() {
    Bulkhead bulkhead = new Bulkhead("test", 0, Runnable::run, registry);
    AtomicInteger started = new AtomicInteger();
    for (int i = 0; i < 100; i++) {
      bulkhead.run(() -> {
        started.incrementAndGet();
        return new CompletableFuture<String>();
      });
    }
    assertThat(started).hasValue(100);
    assertThat(bulkhead.running()).isEqualTo(100);
    assertThat(bulkhead.waiting()).isZero();
  }

  @Test
  void underConcurrentCallersTheLimitHoldsAndEveryWorkRunsOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      Bulkhead bulkhead = new Bulkhead("test", 3, pool, registry);
      AtomicInteger now = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      AtomicInteger runs = new AtomicInteger();
      List<CompletableFuture<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        results.add(done);
        pool.execute(() -> bulkhead.<Integer>run(() -> CompletableFuture.supplyAsync(() -> {
          int running = now.incrementAndGet();
          most.accumulateAndGet(running, Math::max);
          runs.incrementAndGet();
          Thread.onSpinWait();
          now.decrementAndGet();
          return running;
        }, pool)).whenComplete((v, e) -> done.complete(v)));
      }
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      assertThat(runs).hasValue(400);
      assertThat(most.get()).isBetween(1, 3);
      assertThat(bulkhead.running()).isZero();
      assertThat(bulkhead.waiting()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  /** Samples of the guarded path until a window closes: one to open it, {@code n} inside, one after it. */
  private static void window(AdaptiveLimit limit, Duration latency, int n) throws InterruptedException {
    limit.record(latency);
    for (int i = 0; i < n; i++) limit.record(latency);
    Thread.sleep(limit.settings().window().toMillis() + 20);
    limit.record(latency);
  }

  private static AdaptiveLimit adaptive(int initial) {
    return new AdaptiveLimit(new AdaptiveLimit.Settings(initial, 1, 10, Duration.ofMillis(100), Duration.ofMillis(100), 0.5));
  }

  @Test
  void anAdaptiveLimitGrowsWhileTheGuardedPathIsFastAndItsPlacesAreUsedAndTheWaitingStartInOrder() throws Exception {
    AdaptiveLimit limit = adaptive(2);
    Bulkhead bulkhead = new Bulkhead("adaptive", limit, Runnable::run, registry);
    List<Integer> started = new ArrayList<>();
    List<CompletableFuture<String>> works = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int n = i;
      CompletableFuture<String> work = new CompletableFuture<>();
      works.add(work);
      bulkhead.run(() -> {
        started.add(n);
        return work;
      });
    }
    assertThat(started).containsExactly(0, 1);

    window(limit, Duration.ofMillis(5), 20); // acknowledgements fast, both places in use
    assertThat(limit.getAsInt()).isEqualTo(3);
    assertThat(registry.get("bulkhead_limit").tag("name", "adaptive").gauge().value()).isEqualTo(3.0);
    CompletableFuture<String> fifth = new CompletableFuture<>();
    bulkhead.run(() -> {
      started.add(4);
      return fifth;
    });
    assertThat(started).as("the grown limit starts the oldest waiting work, not the newcomer").containsExactly(0, 1, 2);
    assertThat(bulkhead.waiting()).isEqualTo(2);

    works.forEach(w -> w.complete("done"));
    fifth.complete("done");
    assertThat(started).containsExactly(0, 1, 2, 3, 4);
    assertThat(bulkhead.running()).isZero();
  }

  @Test
  void anAdaptiveLimitShrinksWhileTheGuardedPathIsSlowDownToItsMinimumAndStaysWhenItIsIdleOrItsPlacesUnused()
      throws Exception {
    AdaptiveLimit limit = adaptive(8);
    new Bulkhead("shrinking", limit, Runnable::run, registry);
    window(limit, Duration.ofMillis(300), 20);
    assertThat(limit.getAsInt()).isEqualTo(4);
    window(limit, Duration.ofMillis(300), 20);
    window(limit, Duration.ofMillis(300), 20);
    window(limit, Duration.ofMillis(300), 20);
    assertThat(limit.getAsInt()).isEqualTo(1);

    window(limit, Duration.ofMillis(5), 3); // too few samples to judge
    assertThat(limit.getAsInt()).isEqualTo(1);
    window(limit, Duration.ofMillis(5), 20); // fast, but nothing runs: no reason to grow
    assertThat(limit.getAsInt()).isEqualTo(1);
  }

  @Test
  void adaptiveSettingsRefuseImpossibleBounds() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            new AdaptiveLimit.Settings(20, 1, 10, Duration.ofMillis(100), Duration.ofMillis(50), 0.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial 20");
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            new AdaptiveLimit.Settings(2, 1, 10, Duration.ofMillis(100), Duration.ofMillis(100), 1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoff");
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            new AdaptiveLimit.Settings(2, 1, 10, Duration.ofMillis(100), Duration.ofMillis(50), 0.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 100 ms");
  }
}
