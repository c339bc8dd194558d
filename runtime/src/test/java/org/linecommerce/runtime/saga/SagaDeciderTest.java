package org.linecommerce.runtime.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.saga.InternalCommand.AttemptFailed;
import org.linecommerce.runtime.saga.InternalCommand.AttemptSucceeded;
import org.linecommerce.runtime.saga.Saga.Status;

/** The saga's decisions, without actors: (state, definition, input) → events. */
class SagaDeciderTest {

  record Order(String orderId) {}

  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final MessageMeta META = MessageMeta.root("test", "corr-1");
  static final String INPUT = "{\"orderId\":\"o-1\"}";

  static final SagaDefinition<Order> CHECKOUT = SagaDefinition.builder("checkout", Order.class)
      .step(SagaStep.<Order>action("reserve", ctx -> CompletableFuture.completedFuture("r-1"))
          .compensatedBy(ctx -> CompletableFuture.completedFuture("released"))
          .withRetry(RetryPolicy.exponential(3, Duration.ofMillis(200), Duration.ofSeconds(5))))
      .step(SagaStep.<Order>action("notify", ctx -> CompletableFuture.completedFuture("sent")))
      .step(SagaStep.<Order>awaitSignal("confirm", Duration.ofMinutes(10))
          .onSignal((ctx, payload) -> payload.path("confirmed").asBoolean()
              ? StepOutcome.success("confirmed") : StepOutcome.failure("cancelled by the customer")))
      .step(SagaStep.<Order>action("commit", ctx -> CompletableFuture.completedFuture("committed"))
          .compensatedBy(ctx -> CompletableFuture.completedFuture("reverted"))
          .withCompensationRetry(RetryPolicy.exponential(2, Duration.ofMillis(100), Duration.ofSeconds(1))))
      .build();

  private final AtomicInteger ids = new AtomicInteger();
  private final SagaDecider decider = new SagaDecider("s-1",
      new SagaContexts(null, new ObjectMapper().findAndRegisterModules(), "s-1"),
      Clock.fixed(NOW, ZoneOffset.UTC), () -> "c-" + ids.incrementAndGet());

  @Test
  void aStartedSagaStartsItsFirstActionStepWithANewCommandId() {
    SagaDecider.Decision d = decider.start(SagaState.empty(), CHECKOUT, INPUT, META);

    assertThat(types(d)).containsExactly("saga.started", "saga.step.started");
    Saga.StepStarted started = (Saga.StepStarted) d.events().get(1);
    assertThat(started.stepName()).isEqualTo("reserve");
    assertThat(started.commandId()).isEqualTo("c-1");
    assertThat(started.meta().correlationId()).isEqualTo("corr-1");
    assertThat(started.meta().causationId()).isEqualTo(META.messageId());
    assertThat(d.state().status()).isEqualTo(Status.RUNNING);
    assertThat(d.state().commandIds()).containsEntry("reserve", "c-1");
    assertThat(d.movedOn()).isTrue();
  }

  @Test
  void anInputThatDoesNotDecodeIsRejected() {
    SagaDecider.Decision d = decider.start(SagaState.empty(), CHECKOUT, "[1,2]", META);
    assertThat(d.isRejected()).isTrue();
    assertThat(d.rejection()).contains("not a valid Order");
    assertThat(d.events()).isEmpty();
  }

  @Test
  void aStepThatSucceedsEntersTheNextAndAWaitingStepGetsItsDeadline() {
    SagaState state = started();
    SagaDecider.Decision d = decider.attemptSucceeded(state, CHECKOUT, new AttemptSucceeded(false, 0, 1, "\"r-1\""));
    assertThat(types(d)).containsExactly("saga.step.succeeded", "saga.step.started");
    assertThat(d.state().stepName()).isEqualTo("notify");
    assertThat(d.state().results()).containsEntry("reserve", "\"r-1\"");

    d = decider.attemptSucceeded(d.state(), CHECKOUT, new AttemptSucceeded(false, 1, 1, "\"sent\""));
    assertThat(types(d)).containsExactly("saga.step.succeeded", "saga.step.waiting");
    assertThat(d.state().status()).isEqualTo(Status.WAITING);
    assertThat(d.state().deadline()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
  }

  @Test
  void aSignalForAWaitingStepIsDecidedByItsHandlerAndTheLastStepCompletesTheSaga() {
    SagaState waiting = waitingForConfirmation();
    SagaDecider.Decision d = decider.signal(waiting, CHECKOUT, "confirm", "{\"confirmed\":true}", null);
    assertThat(types(d)).containsExactly("saga.step.signalled", "saga.step.succeeded", "saga.step.started");
    assertThat(d.state().results()).containsEntry("confirm", "\"confirmed\"");
    assertThat(d.state().stepName()).isEqualTo("commit");

    d = decider.attemptSucceeded(d.state(), CHECKOUT, new AttemptSucceeded(false, 3, 1, "\"committed\""));
    assertThat(types(d)).containsExactly("saga.step.succeeded", "saga.completed");
    assertThat(d.state().status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void aSignalBeforeItsStepStartedIsKeptAndDecidedWhenTheStepStarts() {
    SagaState state = started();
    SagaDecider.Decision early = decider.signal(state, CHECKOUT, "confirm", "{\"confirmed\":true}", META);
    assertThat(types(early)).containsExactly("saga.step.signalled");
    assertThat(((Saga.SignalReceived) early.events().get(0)).early()).isTrue();
    assertThat(early.movedOn()).as("nothing in flight changed").isFalse();
    assertThat(decider.signal(early.state(), CHECKOUT, "confirm", "{}", META).isRejected())
        .as("a second early signal for the same step").isTrue();

    SagaDecider.Decision d = decider.attemptSucceeded(early.state(), CHECKOUT, new AttemptSucceeded(false, 0, 1, "\"r-1\""));
    d = decider.attemptSucceeded(d.state(), CHECKOUT, new AttemptSucceeded(false, 1, 1, "\"sent\""));
    assertThat(types(d)).containsExactly("saga.step.succeeded", "saga.step.waiting", "saga.step.succeeded", "saga.step.started");
    assertThat(d.state().stepName()).isEqualTo("commit");
  }

  @Test
  void aSignalForAStepThatDoesNotWaitOrIsNotWaitingIsRejected() {
    SagaState state = started();
    assertThat(decider.signal(state, CHECKOUT, "notify", "{}", META).rejection()).contains("has no step 'notify' that waits");
    assertThat(decider.signal(state, CHECKOUT, "nope", "{}", META).isRejected()).isTrue();
    assertThat(decider.signal(state, CHECKOUT, "confirm", "{not json", META).rejection()).startsWith("signal payload is not JSON");
    SagaState compensating = decider.attemptFailed(state, CHECKOUT, new AttemptFailed(false, 0, 3, "down", false, false)).state();
    assertThat(decider.signal(compensating, CHECKOUT, "confirm", "{}", META).rejection()).contains("is not waiting for a signal");
  }

  @Test
  void aFailedAttemptIsRetriedAfterItsBackoffWhileAttemptsRemain() {
    SagaDecider.Decision d = decider.attemptFailed(started(), CHECKOUT, new AttemptFailed(false, 0, 1, "down", false, true));
    assertThat(types(d)).containsExactly("saga.step.attempt.failed");
    assertThat(d.state().attempt()).isEqualTo(2);
    assertThat(d.state().retryAt()).isEqualTo(NOW.plusMillis(200));
    assertThat(d.state().commandId()).as("the same command id for every attempt").isEqualTo("c-1");

    d = decider.attemptFailed(d.state(), CHECKOUT, new AttemptFailed(false, 0, 2, "down", false, false));
    assertThat(d.state().retryAt()).isEqualTo(NOW.plusMillis(400));
  }

  @Test
  void anActionStepThatFailsForGoodIsCompensatedItselfWhetherOrNotItTimedOut() {
    for (boolean timedOut : new boolean[] {true, false}) {
      SagaDecider.Decision d = decider.attemptFailed(started(), CHECKOUT, new AttemptFailed(false, 0, 3, "down", false, timedOut));
      assertThat(types(d)).containsExactly("saga.failed", "saga.compensation.started");
      assertThat(((Saga.SagaFailed) d.events().get(0)).outcomeUnknown()).isTrue();
      assertThat(d.state().status()).isEqualTo(Status.COMPENSATING);
      assertThat(d.state().stepName()).isEqualTo("reserve");
      assertThat(d.state().failureReason()).isEqualTo("step reserve failed: down");
    }
  }

  @Test
  void aPermanentFailureIsNotRetried() {
    SagaDecider.Decision d = decider.attemptFailed(started(), CHECKOUT, new AttemptFailed(false, 0, 1, "out of stock", true, false));
    assertThat(types(d)).containsExactly("saga.failed", "saga.compensation.started");
  }

  @Test
  void aWaitingStepThatFailsCompensatesOnlyTheStepsBeforeItSkippingThoseWithoutACompensation() {
    SagaDecider.Decision d = decider.deadlinePassed(waitingForConfirmation(), CHECKOUT);
    assertThat(types(d)).containsExactly("saga.step.deadline.passed", "saga.failed", "saga.compensation.started");
    assertThat(((Saga.SagaFailed) d.events().get(1)).outcomeUnknown()).isFalse();
    Saga.CompensationStarted compensation = (Saga.CompensationStarted) d.events().get(2);
    assertThat(compensation.stepName()).as("notify has no compensation").isEqualTo("reserve");
    assertThat(d.state().commandId()).isEqualTo(compensation.commandId()).isNotEqualTo("c-1");

    d = decider.attemptSucceeded(d.state(), CHECKOUT, new AttemptSucceeded(true, 0, 1, "\"released\""));
    assertThat(types(d)).containsExactly("saga.step.compensated", "saga.compensated");
    assertThat(d.state().status()).isEqualTo(Status.FAILED);
    assertThat(d.state().failureReason()).isEqualTo("step confirm failed: deadline passed");
  }

  @Test
  void aCompensationThatFailsForGoodLeavesTheSagaForManualIntervention() {
    SagaState compensating = decider.attemptFailed(started(), CHECKOUT, new AttemptFailed(false, 0, 3, "down", false, false)).state();
    SagaDecider.Decision d = decider.attemptFailed(compensating, CHECKOUT, new AttemptFailed(true, 0, 1, "catalog down", false, false));
    assertThat(types(d)).containsExactly("saga.compensation.attempt.failed");
    d = decider.attemptFailed(d.state(), CHECKOUT, new AttemptFailed(true, 0, 3, "catalog down", false, false));
    assertThat(types(d)).containsExactly("saga.compensation.failed");
    assertThat(d.state().status()).isEqualTo(Status.REQUIRES_MANUAL_INTERVENTION);
    assertThat(d.state().failureReason()).isEqualTo("step reserve failed: down; compensation of reserve failed: catalog down");
  }

  @Test
  void aWaitThatCannotBeComputedFailsTheStep() {
    SagaDefinition<Order> broken = SagaDefinition.builder("broken", Order.class)
        .step(SagaStep.<Order>awaitSignal("confirm", ctx -> { throw new IllegalStateException("no config"); }))
        .build();
    SagaDecider.Decision d = decider.start(SagaState.empty(), broken, INPUT, META);
    assertThat(types(d)).containsExactly("saga.started", "saga.failed", "saga.compensated");
    assertThat(d.state().failureReason()).contains("could not compute the deadline: IllegalStateException: no config");
  }

  @Test
  void aSignalHandlerThatThrowsRejectsTheSignal() {
    SagaDefinition<Order> broken = SagaDefinition.builder("broken", Order.class)
        .step(SagaStep.<Order>awaitSignal("confirm", Duration.ofMinutes(1))
            .onSignal((ctx, payload) -> { throw new IllegalArgumentException("bad"); }))
        .build();
    SagaState waiting = decider.start(SagaState.empty(), broken, INPUT, META).state();
    assertThat(decider.signal(waiting, broken, "confirm", "{}", META).rejection())
        .isEqualTo("signal handler of step confirm failed: IllegalArgumentException: bad");
  }

  @Test
  void replayingTheDecidedEventsRebuildsTheSameState() {
    SagaDecider.Decision start = decider.start(SagaState.empty(), CHECKOUT, INPUT, META);
    SagaDecider.Decision next = decider.attemptSucceeded(start.state(), CHECKOUT, new AttemptSucceeded(false, 0, 1, "\"r-1\""));
    SagaState replayed = SagaState.empty();
    for (Saga.Event e : start.events()) replayed = replayed.apply(e);
    for (Saga.Event e : next.events()) replayed = replayed.apply(e);
    assertThat(replayed).isEqualTo(next.state());
  }

  private SagaState started() {
    return decider.start(SagaState.empty(), CHECKOUT, INPUT, META).state();
  }

  private SagaState waitingForConfirmation() {
    SagaState s = decider.attemptSucceeded(started(), CHECKOUT, new AttemptSucceeded(false, 0, 1, "\"r-1\"")).state();
    return decider.attemptSucceeded(s, CHECKOUT, new AttemptSucceeded(false, 1, 1, "\"sent\"")).state();
  }

  private static List<String> types(SagaDecider.Decision d) {
    return d.events().stream().map(Saga.Event::eventType).toList();
  }
}
