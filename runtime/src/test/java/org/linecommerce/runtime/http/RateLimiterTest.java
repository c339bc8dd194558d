package org.linecommerce.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);

  private RateLimiter limiter(double perSecond, int burst) {
    return limiter(perSecond, burst, Duration.ofMinutes(10), 1_000);
  }

  private RateLimiter limiter(double perSecond, int burst, Duration idle, int maxClients) {
    return new RateLimiter(new RateLimiter.Settings(true, perSecond, burst, idle, maxClients), clock::get);
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void aFullBucketAllowsTheBurstThenRefusesWithTheWaitForTheNextToken() {
    RateLimiter limiter = limiter(2, 3);
    for (int i = 0; i < 3; i++) assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    RateLimiter.Decision refused = limiter.tryAcquire("a");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(500));
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
  }

  @Test
  void tokensRefillOverTimeAtTheConfiguredRate() {
    RateLimiter limiter = limiter(2, 3);
    for (int i = 0; i < 3; i++) limiter.tryAcquire("a");

    advance(Duration.ofMillis(499));
    assertThat(limiter.tryAcquire("a").allowed()).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    assertThat(limiter.tryAcquire("a").allowed()).isFalse();

    advance(Duration.ofSeconds(1));
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    assertThat(limiter.tryAcquire("a").allowed()).isFalse();
  }

  @Test
  void aQuietClientRefillsOnlyUpToTheBurst() {
    RateLimiter limiter = limiter(2, 3);
    limiter.tryAcquire("a");
    advance(Duration.ofHours(1));
    for (int i = 0; i < 3; i++) assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    assertThat(limiter.tryAcquire("a").allowed()).isFalse();
  }

  @Test
  void clientsHaveIndependentBuckets() {
    RateLimiter limiter = limiter(1, 1);
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    assertThat(limiter.tryAcquire("a").allowed()).isFalse();
    assertThat(limiter.tryAcquire("b").allowed()).isTrue();
  }

  @Test
  void bucketsOfIdleClientsAreForgotten() {
    RateLimiter limiter = limiter(10, 5, Duration.ofMinutes(1), 1_000);
    limiter.tryAcquire("a");
    limiter.tryAcquire("b");
    assertThat(limiter.trackedClients()).isEqualTo(2);
    advance(Duration.ofMinutes(2));
    limiter.tryAcquire("c");
    assertThat(limiter.trackedClients()).isEqualTo(1);
  }

  @Test
  void theTableOfClientsStaysWithinMaxClients() {
    RateLimiter limiter = limiter(1, 1, Duration.ofMinutes(10), 2);
    limiter.tryAcquire("a");
    limiter.tryAcquire("b");
    // both buckets are in use: a newcomer is let through untracked rather than locked out
    assertThat(limiter.tryAcquire("c").allowed()).isTrue();
    assertThat(limiter.trackedClients()).isEqualTo(2);
    // once a and b are full again, forgetting them loses nothing and makes room
    advance(Duration.ofSeconds(1));
    assertThat(limiter.tryAcquire("c").allowed()).isTrue();
    assertThat(limiter.trackedClients()).isEqualTo(1);
    assertThat(limiter.tryAcquire("c").allowed()).isFalse();
  }

  @Test
  void aDisabledLimiterAllowsEverything() {
    RateLimiter limiter =
        new RateLimiter(new RateLimiter.Settings(false, 1, 1, Duration.ofMinutes(1), 10), clock::get);
    for (int i = 0; i < 100; i++) assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    assertThat(limiter.trackedClients()).isZero();
  }

  @Test
  void concurrentRequestsOfOneClientNeverGetMoreThanTheBurst() throws Exception {
    int burst = 1_000;
    RateLimiter limiter = limiter(0.001, burst);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(pool.submit(() -> {
          go.await();
          int allowed = 0;
          for (int i = 0; i < 500; i++) if (limiter.tryAcquire("hot").allowed()) allowed++;
          return allowed;
        }));
      }
      go.countDown();
      int total = 0;
      for (Future<Integer> r : results) total += r.get(30, TimeUnit.SECONDS);
      assertThat(total).isEqualTo(burst);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void settingsRejectNonsense() {
    assertThatThrownBy(() -> new RateLimiter.Settings(true, 0, 1, Duration.ofMinutes(1), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter.Settings(true, 1, 0, Duration.ofMinutes(1), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
