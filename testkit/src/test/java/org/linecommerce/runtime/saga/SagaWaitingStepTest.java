package org.linecommerce.runtime.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.runtime.saga.TestSagas.awaitStatus;
import static org.linecommerce.runtime.saga.TestSagas.events;
import static org.linecommerce.runtime.saga.TestSagas.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.runtime.saga.TestSagas.LedgerInput;
import org.linecommerce.testkit.NodeTestKit;

/** Steps that wait for an external signal or a deadline (the shape of the checkout saga). */
class SagaWaitingStepTest {

  @RegisterExtension static final NodeTestKit kit = NodeTestKit.h2();

  static final SagaDefinition<LedgerInput> APPROVAL =
      TestSagas.withApproval("approval", Duration.ofSeconds(30), StepOutcome.failure("approval expired"));
  static final SagaDefinition<LedgerInput> AUTO_APPROVAL =
      TestSagas.withApproval("auto-approval", Duration.ofMillis(300), StepOutcome.success("approved by default"));
  static final SagaDefinition<LedgerInput> SHORT_APPROVAL =
      TestSagas.withApproval("short-approval", Duration.ofSeconds(5), StepOutcome.failure("approval expired"));

  private ActorSystem<Void> system;
  private Sagas sagas;

  @BeforeEach
  void setUp() {
    system = kit.system();
    sagas = init(system);
    Saga.init(system);
  }

  private static Sagas init(ActorSystem<?> system) {
    Ledger.init(system);
    Sagas sagas = Sagas.get(system);
    sagas.register(APPROVAL);
    sagas.register(AUTO_APPROVAL);
    sagas.register(SHORT_APPROVAL);
    return sagas;
  }

  @Test
  void waitingStepCompletesOnSignal() throws Exception {
    start("approve", APPROVAL, "ledger-approve");
    Saga.Summary waiting = awaitStatus(system, "approve", Saga.Status.WAITING);
    assertThat(waiting.currentStep()).isEqualTo("approval");
    assertThat(waiting.deadline()).isAfter(Instant.now().plusSeconds(20));

    Saga.Summary signalled = sagas.signal("approve", "approval", Map.of("approved", true, "by", "alice"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(signalled.status()).isIn(Saga.Status.RUNNING, Saga.Status.COMPLETED);

    Saga.Summary done = awaitStatus(system, "approve", Saga.Status.COMPLETED);
    assertThat(events(done)).containsSubsequence(
        "saga.step.succeeded step-1", "saga.step.waiting approval", "saga.step.signalled approval",
        "saga.step.succeeded approval", "saga.step.started step-3", "saga.completed");
    assertThat(done.timeline()).anySatisfy(e -> {
      assertThat(e.event()).isEqualTo("saga.step.succeeded");
      assertThat(e.detail()).contains("approved by alice");
    });
    assertThat(ledger(system, "ledger-approve").log()).containsExactly("apply:step-1", "apply:step-3");
  }

  @Test
  void rejectingSignalCompensatesTheStepsBefore() throws Exception {
    start("reject", APPROVAL, "ledger-reject");
    awaitStatus(system, "reject", Saga.Status.WAITING);

    sagas.signal("reject", "approval", Map.of("approved", false, "by", "bob")).toCompletableFuture().get(10, TimeUnit.SECONDS);

    Saga.Summary failed = awaitStatus(system, "reject", Saga.Status.FAILED);
    assertThat(failed.failureReason()).contains("rejected by bob");
    assertThat(ledger(system, "ledger-reject").log()).containsExactly("apply:step-1", "undo:step-1");
    // a second signal finds nothing waiting
    assertThat(sagas.signal("reject", "approval", Map.of("approved", true)).toCompletableFuture())
        .failsWithin(Duration.ofSeconds(10)).withThrowableThat().withMessageContaining("is failed");
  }

  @Test
  void signalThatArrivesBeforeItsStepStartsIsKeptAndDecidesTheStepWhenItStarts() throws Exception {
    // step-1 answers after 500 ms, so the saga is still running step-1 when the signal comes
    TestSagas.configure(system, "ledger-early", "step-1", Ledger.Mode.SLOW, Duration.ofMillis(500));
    start("early", APPROVAL, "ledger-early");

    Saga.Summary accepted = sagas.signal("early", "approval", Map.of("approved", true, "by", "carol"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(accepted.status()).isEqualTo(Saga.Status.RUNNING);
    assertThat(accepted.currentStep()).isEqualTo("step-1");

    Saga.Summary done = awaitStatus(system, "early", Saga.Status.COMPLETED);
    assertThat(events(done)).containsSubsequence(
        "saga.step.signalled approval", "saga.step.succeeded step-1", "saga.step.waiting approval",
        "saga.step.succeeded approval", "saga.completed");
    assertThat(ledger(system, "ledger-early").log()).containsExactly("apply:step-1", "apply:step-3");
  }

  @Test
  void deadlineOutcomeIsConfigurableAndMayLetTheSagaContinue() throws Exception {
    start("auto", AUTO_APPROVAL, "ledger-auto");

    Saga.Summary done = awaitStatus(system, "auto", Saga.Status.COMPLETED);
    assertThat(events(done)).containsSubsequence(
        "saga.step.waiting approval", "saga.step.deadline.passed approval", "saga.step.succeeded approval",
        "saga.completed");
    assertThat(ledger(system, "ledger-auto").log()).containsExactly("apply:step-1", "apply:step-3");
  }

  @Test
  void waitingStepWhoseDeadlinePassedWhileTheSystemWasDownFiresRightAfterRestart() throws Exception {
    start("expires", SHORT_APPROVAL, "ledger-expires");
    Instant deadline = awaitStatus(system, "expires", Saga.Status.WAITING).deadline();

    ActorSystem<Void> restarted = kit.restart().system();
    init(restarted);
    // the saga's node stays "down" (no saga sharding here) until its deadline is past
    await("deadline passed").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> Instant.now().isAfter(deadline.plusMillis(200)));
    Instant resumedAt = Instant.now();
    Saga.init(restarted);

    // nobody talks to the saga: it restarts by itself and compensates step-1 at once
    await("step-1 undone").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> ledger(restarted, "ledger-expires").log().contains("undo:step-1"));
    Saga.Summary failed = awaitStatus(restarted, "expires", Saga.Status.FAILED);
    assertThat(failed.failureReason()).contains("approval expired");
    assertThat(failed.timeline()).filteredOn(e -> e.event().equals("saga.step.deadline.passed"))
        .singleElement()
        .satisfies(e -> {
          assertThat(e.at()).isAfterOrEqualTo(resumedAt).isBefore(resumedAt.plusSeconds(5));
          assertThat(e.detail()).contains(deadline.toString());
        });
  }

  @Test
  void aCallerAwaitingAStepIsAnsweredWhenTheSagaGetsThereOrWhenItsWaitEnds() throws Exception {
    // asked before the saga exists: answered once it has started and reached the waiting step
    var reached = sagas.awaitStep("await-step", "approval", Duration.ofSeconds(20)).toCompletableFuture();
    Thread.sleep(200);
    assertThat(reached).as("not started yet: still waiting").isNotDone();
    start("await-step", APPROVAL, "ledger-await-step");
    Saga.Summary atApproval = reached.get(15, TimeUnit.SECONDS);
    assertThat(atApproval.status()).isEqualTo(Saga.Status.WAITING);
    assertThat(atApproval.currentStep()).isEqualTo("approval");

    // a step already passed: at once; a step the definition lacks: at once
    assertThat(sagas.awaitStep("await-step", "step-1", Duration.ofSeconds(20)).toCompletableFuture()
        .get(2, TimeUnit.SECONDS).currentStep()).isEqualTo("approval");
    assertThat(sagas.awaitStep("await-step", "no-such-step", Duration.ofSeconds(20)).toCompletableFuture()
        .get(2, TimeUnit.SECONDS).status()).isEqualTo(Saga.Status.WAITING);

    // a step not reached within the wait: the summary as it is then
    long t0 = System.nanoTime();
    Saga.Summary stillWaiting = sagas.awaitStep("await-step", "step-3", Duration.ofMillis(500)).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
    assertThat(stillWaiting.currentStep()).isEqualTo("approval");

    // the signal moves it on: a caller waiting for step-3 is answered then, one waiting for the end once it completed
    var third = sagas.awaitStep("await-step", "step-3", Duration.ofSeconds(20)).toCompletableFuture();
    var end = sagas.awaitStep("await-step", null, Duration.ofSeconds(20)).toCompletableFuture();
    Thread.sleep(200);
    assertThat(end).as("not finished yet").isNotDone();
    sagas.signal("await-step", "approval", Map.of("approved", true, "by", "carol")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(third.get(15, TimeUnit.SECONDS).status()).isIn(Saga.Status.RUNNING, Saga.Status.COMPLETED);
    assertThat(end.get(15, TimeUnit.SECONDS).status()).isEqualTo(Saga.Status.COMPLETED);
  }

  private void start(String sagaId, SagaDefinition<LedgerInput> definition, String ledgerId) throws Exception {
    sagas.start(sagaId, definition, new LedgerInput(ledgerId)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
