package org.linecommerce.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.testkit.NodeTestKit;

class ResilientAskTest {

  @RegisterExtension
  static final NodeTestKit kit = NodeTestKit.h2().withConfig("""
      linecommerce.resilience.breaker.max-failures = 3
      linecommerce.resilience.breaker.reset-timeout = 1s
      linecommerce.resilience.retry.min-backoff = 20ms
      linecommerce.resilience.retry.max-backoff = 100ms
      """);

  /** Counts the commands each target's entities received. */
  static final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();

  sealed interface Command extends CborSerializable {}

  /** Replies {@code text} unless it is one of the first {@code silentFirst} commands of this entity. */
  record Echo(String text, int silentFirst, ActorRef<String> replyTo) implements Command {}

  /** Always refuses. */
  record Refuse(ActorRef<StatusReply<String>> replyTo) implements Command {}

  /** Starts the entity without counting (see {@link #target}). */
  record Ping(ActorRef<String> replyTo) implements Command {}

  static Behavior<Command> moody(String target) {
    AtomicInteger seen = new AtomicInteger();
    return Behaviors.receive(Command.class)
        .onMessage(Echo.class, m -> {
          received.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
          if (seen.incrementAndGet() > m.silentFirst()) m.replyTo().tell(m.text());
          return Behaviors.same();
        })
        .onMessage(Ping.class, m -> {
          m.replyTo().tell("pong");
          return Behaviors.same();
        })
        .onMessage(Refuse.class, m -> {
          received.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
          m.replyTo().tell(StatusReply.error("out of stock"));
          return Behaviors.same();
        })
        .build();
  }

  static EntityRef<Command> target(String name, String entityId) {
    EntityTypeKey<Command> key = EntityTypeKey.create(Command.class, name);
    ClusterSharding sharding = ClusterSharding.get(kit.system());
    sharding.init(Entity.of(key, ctx -> moody(name)));
    EntityRef<Command> ref = sharding.entityRefFor(key, entityId);
    // the shard and the entity start before a test measures 300 ms asks (a loaded CI machine may
    // need longer than that to allocate a new shard)
    try {
      ref.<String>ask(Ping::new, Duration.ofSeconds(20)).toCompletableFuture().get();
    } catch (Exception e) {
      throw new AssertionError("entity " + name + "/" + entityId + " did not start", e);
    }
    return ref;
  }

  static int receivedBy(String target) {
    return received.getOrDefault(target, new AtomicInteger()).get();
  }

  private final ResilientAsk resilient = ResilientAsk.get(kit.system());
  private final AskPolicy fast = new AskPolicy(Duration.ofMillis(300), 0, Duration.ofMillis(20), Duration.ofMillis(100));

  @Test
  void replyComesBackAsOk() throws Exception {
    AskResult<String> r = resilient.<Command, String>ask(
        target("OkTarget", "a"), ref -> new Echo("hi", 0, ref), fast).toCompletableFuture().get();
    assertThat(r).isEqualTo(new AskResult.Ok<>("hi"));
  }

  @Test
  void refusalIsRejectedNotRetriedAndDoesNotTripTheBreaker() throws Exception {
    EntityRef<Command> ref = target("RefusingTarget", "a");
    for (int i = 0; i < 5; i++) {
      AskResult<String> r = resilient.<Command, String>askWithStatus(ref, Refuse::new, fast.retried(3))
          .toCompletableFuture().get();
      assertThat(r).isEqualTo(new AskResult.Failed<>(AskResult.Failure.REJECTED, "out of stock"));
    }
    assertThat(receivedBy("RefusingTarget")).isEqualTo(5);
    assertThat(resilient.breakerStates()).containsEntry("RefusingTarget", ResilientAsk.BreakerState.CLOSED);
  }

  @Test
  void idempotentQueryIsRetriedAfterTimeoutsUntilItIsAnswered() throws Exception {
    AskResult<String> r = resilient.<Command, String>ask(
        target("FlakyTarget", "a"), ref -> new Echo("late", 2, ref), fast.retried(2)).toCompletableFuture().get();
    assertThat(r).isEqualTo(new AskResult.Ok<>("late"));
    assertThat(receivedBy("FlakyTarget")).isEqualTo(3);
  }

  @Test
  void commandIsAskedOnceAndTimesOutAsTypedFailure() throws Exception {
    AskResult<String> r = resilient.<Command, String>ask(
        target("CommandTarget", "a"), ref -> new Echo("x", 5, ref), fast).toCompletableFuture().get();
    assertThat(r).isInstanceOf(AskResult.Failed.class);
    assertThat(((AskResult.Failed<String>) r).failure()).isEqualTo(AskResult.Failure.TIMEOUT);
    assertThat(receivedBy("CommandTarget")).isEqualTo(1);
  }

  @Test
  void breakerOpensAfterRepeatedTimeoutsFailsFastThenClosesWhenTargetRecovers() throws Exception {
    EntityRef<Command> silent = target("SickTarget", "silent");
    EntityRef<Command> healthy = target("SickTarget", "healthy");
    for (int i = 0; i < 3; i++) {
      resilient.<Command, String>ask(silent, ref -> new Echo("x", 1000, ref), fast).toCompletableFuture().get();
    }
    // the breaker counts a failure in its own callback, which may run just after the caller's
    Awaitility.await().atMost(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(5))
        .until(() -> resilient.breakerStates().get("SickTarget") == ResilientAsk.BreakerState.OPEN);

    int before = receivedBy("SickTarget");
    AskResult<String> fastFail = resilient.<Command, String>ask(
        healthy, ref -> new Echo("x", 0, ref), fast.retried(3)).toCompletableFuture().get();
    assertThat(fastFail).isInstanceOf(AskResult.Failed.class);
    assertThat(((AskResult.Failed<String>) fastFail).failure()).isEqualTo(AskResult.Failure.UNAVAILABLE);
    assertThat(receivedBy("SickTarget")).as("an open breaker does not ask").isEqualTo(before);

    // after reset-timeout the breaker lets a trial call through; a healthy answer closes it
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
        resilient.<Command, String>ask(healthy, ref -> new Echo("ok", 0, ref), fast)
            .toCompletableFuture().get().isOk());
    // as when opening, the breaker records the trial's success in its own callback, possibly just after the reply
    Awaitility.await().atMost(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(5))
        .until(() -> resilient.breakerStates().get("SickTarget") == ResilientAsk.BreakerState.CLOSED);
  }

  @Test
  void anUnguardedPolicyNeverOpensTheBreakerAndRefusesOnlyBeyondItsAsksInFlight() throws Exception {
    EntityRef<Command> slow = target("BurstTarget", "slow");
    EntityRef<Command> quick = target("BurstTarget", "quick");
    AskPolicy burst = fast.unguarded(2);
    // timeouts that would open a guarded policy's breaker (max-failures = 3 here)
    for (int i = 0; i < 4; i++) {
      AskResult<String> r = resilient.<Command, String>ask(slow, ref -> new Echo("x", 1000, ref), burst)
          .toCompletableFuture().get();
      assertThat(((AskResult.Failed<String>) r).failure()).isEqualTo(AskResult.Failure.TIMEOUT);
    }
    assertThat(resilient.breakerStates().get("BurstTarget")).isNotEqualTo(ResilientAsk.BreakerState.OPEN);
    assertThat(resilient.<Command, String>ask(quick, ref -> new Echo("ok", 0, ref), burst).toCompletableFuture().get())
        .isEqualTo(new AskResult.Ok<>("ok"));

    // two asks in flight: a third is refused without asking; once they end, asks go through again
    int before = receivedBy("BurstTarget");
    var first = resilient.<Command, String>ask(slow, ref -> new Echo("x", 1000, ref), burst).toCompletableFuture();
    var second = resilient.<Command, String>ask(slow, ref -> new Echo("x", 1000, ref), burst).toCompletableFuture();
    AskResult<String> third = resilient.<Command, String>ask(quick, ref -> new Echo("ok", 0, ref), burst)
        .toCompletableFuture().get();
    assertThat(((AskResult.Failed<String>) third).failure()).isEqualTo(AskResult.Failure.UNAVAILABLE);
    assertThat(((AskResult.Failed<String>) third).detail()).contains("2 asks in flight");
    first.get();
    second.get();
    assertThat(receivedBy("BurstTarget")).as("the refused ask never reached the entity").isEqualTo(before + 2);
    Awaitility.await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10)).until(() ->
        resilient.<Command, String>ask(quick, ref -> new Echo("ok", 0, ref), burst).toCompletableFuture().get().isOk());
  }
}
