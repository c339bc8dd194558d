package org.linecommerce.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class StagesTest {

  private static final ActorTestKit kit =
      ActorTestKit.create("stages", ConfigFactory.parseString("pekko.actor.provider = local"));
  private static final ActorSystem<?> system = kit.system();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private record Echo(String text, ActorRef<String> replyTo) {}

  private static final ActorRef<Echo> echo = kit.spawn(Behaviors.receive(Echo.class)
      .onMessage(Echo.class, m -> {
        m.replyTo().tell(m.text());
        return Behaviors.same();
      })
      .build());

  /** An ask through Pekko's Java API: a Scala future behind Scala's CompletableFuture wrapper. */
  private static CompletionStage<String> fromPekko(String value) {
    return AskPattern.ask(echo, replyTo -> new Echo(value, replyTo), Duration.ofSeconds(5), system.scheduler());
  }

  @Test
  void aPlainThenApplyOnAPekkoStageLeavesTheActorSystemButOnSystemStaysOnIt() throws Exception {
    String naive = fromPekko("x").thenApply(v -> Thread.currentThread().getName()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(naive).as("Scala's wrapper runs thenApply on the JDK's default executor").doesNotContain("dispatcher");

    String onSystem = Stages.onSystem(fromPekko("x"), system).thenApply(v -> Thread.currentThread().getName())
        .get(5, TimeUnit.SECONDS);
    String caller = Thread.currentThread().getName();
    assertThat(onSystem).as("the system's dispatcher, or the caller when already complete")
        .matches(name -> name.contains("stages-pekko.actor.default-dispatcher") || name.equals(caller));
  }

  @Test
  void withinAnswersTheStagesOutcomeOrTheFallbackAfterTheTimeout() throws Exception {
    assertThat(Stages.within(fromPekko("fast"), Duration.ofSeconds(5), () -> "fallback", system).get(5, TimeUnit.SECONDS))
        .isEqualTo("fast");
    assertThat(Stages.within(new CompletableFuture<String>(), Duration.ofMillis(100), () -> "fallback", system)
        .get(5, TimeUnit.SECONDS)).isEqualTo("fallback");
  }

  @Test
  void orTimeoutFailsWithATimeoutExceptionAndPassesFailuresOn() {
    assertThatThrownBy(() -> Stages.orTimeout(new CompletableFuture<String>(), Duration.ofMillis(100), system)
        .get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
    assertThatThrownBy(() -> Stages.orTimeout(CompletableFuture.<String>failedFuture(new IllegalStateException("boom")),
        Duration.ofSeconds(5), system).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
  }
}
