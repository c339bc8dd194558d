package org.linecommerce.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.testkit.NodeTestKit;

/**
 * An ask whose policy allows longer than the breaker's own call timeout (a conversation turn that
 * waits for a remote AI vendor) is bounded by its policy, not cut by the breaker, and still counts
 * for the breaker: failures open it, and an open breaker refuses it at once.
 */
class ResilientAskLongCallTest {

  @RegisterExtension
  static final NodeTestKit kit = NodeTestKit.h2().withConfig("""
      linecommerce.resilience.breaker.call-timeout = 300ms
      linecommerce.resilience.breaker.max-failures = 2
      linecommerce.resilience.breaker.reset-timeout = 1h
      """);

  /** Replies {@code text} after {@code delayMs}, or never when {@code delayMs} is negative. */
  record Slow(String text, long delayMs, ActorRef<String> replyTo) implements CborSerializable {}

  static EntityRef<Slow> target(String name) {
    EntityTypeKey<Slow> key = EntityTypeKey.create(Slow.class, name);
    ClusterSharding sharding = ClusterSharding.get(kit.system());
    sharding.init(Entity.of(key, ctx -> Behaviors.setup(c -> Behaviors.receive(Slow.class)
        .onMessage(Slow.class, m -> {
          if (m.delayMs() >= 0) c.scheduleOnce(Duration.ofMillis(m.delayMs()), m.replyTo(), m.text());
          return Behaviors.same();
        }).build())));
    return sharding.entityRefFor(key, "a");
  }

  private final ResilientAsk resilient = ResilientAsk.get(kit.system());
  private final AskPolicy longCall = new AskPolicy(Duration.ofSeconds(3), 0, Duration.ofMillis(20), Duration.ofMillis(100));

  @Test
  void aLongCallAnsweredAfterTheBreakersCallTimeoutIsOk() throws Exception {
    AskResult<String> r = resilient.<Slow, String>ask(target("LongCallTarget"), ref -> new Slow("late", 1000, ref), longCall)
        .toCompletableFuture().get();
    assertThat(r).isEqualTo(new AskResult.Ok<>("late"));
    assertThat(resilient.breakerStates()).containsEntry("LongCallTarget", ResilientAsk.BreakerState.CLOSED);
  }

  @Test
  void longCallsThatFailOpenTheBreakerWhichThenRefusesAtOnce() throws Exception {
    EntityRef<Slow> ref = target("LongSilentTarget");
    AskPolicy shortish = new AskPolicy(Duration.ofMillis(400), 0, Duration.ofMillis(20), Duration.ofMillis(100));
    for (int i = 0; i < 2; i++) {
      AskResult<String> r = resilient.<Slow, String>ask(ref, rt -> new Slow("never", -1, rt), shortish)
          .toCompletableFuture().get();
      assertThat(r).isInstanceOf(AskResult.Failed.class);
      assertThat(((AskResult.Failed<String>) r).failure()).isEqualTo(AskResult.Failure.TIMEOUT);
    }
    assertThat(resilient.breakerStates()).containsEntry("LongSilentTarget", ResilientAsk.BreakerState.OPEN);
    long start = System.nanoTime();
    AskResult<String> refused = resilient.<Slow, String>ask(ref, rt -> new Slow("x", 0, rt), longCall)
        .toCompletableFuture().get();
    assertThat(((AskResult.Failed<String>) refused).failure()).isEqualTo(AskResult.Failure.UNAVAILABLE);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(300));
  }
}
