package org.linecommerce.runtime.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.runtime.saga.TestSagas.awaitStatus;
import static org.linecommerce.runtime.saga.TestSagas.configure;
import static org.linecommerce.runtime.saga.TestSagas.events;
import static org.linecommerce.runtime.saga.TestSagas.ledger;
import static org.linecommerce.runtime.saga.TestSagas.status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.runtime.saga.TestSagas.LedgerInput;
import org.linecommerce.testkit.NodeTestKit;

/** Running, retrying, timing out and compensating sagas on one node (H2). */
class SagaExecutionTest {

  @RegisterExtension static final NodeTestKit kit = NodeTestKit.h2();

  private static final RetryPolicy TWO_QUICK_ATTEMPTS =
      RetryPolicy.exponential(2, Duration.ofMillis(50), Duration.ofMillis(200));
  static final SagaDefinition<LedgerInput> THREE_STEPS =
      TestSagas.threeSteps("three-steps", Duration.ofSeconds(3), TWO_QUICK_ATTEMPTS);
  static final SagaDefinition<LedgerInput> IMPATIENT =
      TestSagas.threeSteps("three-impatient-steps", Duration.ofMillis(300),
          RetryPolicy.exponential(2, Duration.ofMillis(100), Duration.ofMillis(100)), Duration.ofSeconds(3));

  private ActorSystem<Void> system;
  private Sagas sagas;

  @BeforeEach
  void setUp() {
    system = kit.system();
    Ledger.init(system);
    sagas = Sagas.get(system);
    sagas.register(THREE_STEPS);
    sagas.register(IMPATIENT);
    Saga.init(system);
  }

  @Test
  void happyPathRunsEveryStepInOrderAndEachParticipantAppliesItsEffectOnce() throws Exception {
    Saga.Summary started = start("happy", THREE_STEPS, "ledger-happy");
    assertThat(started.exists()).isTrue();
    assertThat(started.status()).isIn(Saga.Status.RUNNING, Saga.Status.COMPLETED);

    Saga.Summary done = awaitStatus(system, "happy", Saga.Status.COMPLETED);

    assertThat(done.definition()).isEqualTo("three-steps");
    assertThat(done.failureReason()).isNull();
    assertThat(events(done)).containsExactly(
        "saga.started",
        "saga.step.started step-1", "saga.step.succeeded step-1",
        "saga.step.started step-2", "saga.step.succeeded step-2",
        "saga.step.started step-3", "saga.step.succeeded step-3",
        "saga.completed");
    assertThat(done.timeline()).allSatisfy(e -> assertThat(e.at()).isNotNull());
    assertThat(done.timeline()).isSortedAccordingTo((a, b) -> a.at().compareTo(b.at()));
    assertThat(done.timeline().get(2).detail()).contains("applied step-1");

    Ledger.Snapshot ledger = ledger(system, "ledger-happy");
    assertThat(ledger.log()).containsExactly("apply:step-1", "apply:step-2", "apply:step-3");
    assertThat(ledger.applications()).containsOnly(
        entry("step-1", 1),
        entry("step-2", 1),
        entry("step-3", 1));
    assertThat(ledger.duplicatesSeen()).isZero();

    // saga events are tagged (one tag per saga id) so subscriptions can follow them
    String tag = Saga.tags(system).tagFor("happy");
    try (Connection c = kit.database().connect();
        PreparedStatement q = c.prepareStatement("SELECT t.tag FROM event_tag t JOIN event_journal j"
            + " ON j.ordering = t.event_id WHERE j.persistence_id = ?")) {
      q.setString(1, "Saga|happy");
      List<String> tags = new ArrayList<>();
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) tags.add(rs.getString(1));
      }
      assertThat(tags).hasSize(done.timeline().size()).containsOnly(tag);
    }
  }

  @Test
  void startingAnExistingSagaIdAgainAnswersItsStatusAndDoesNotRunItTwice() throws Exception {
    start("twice", THREE_STEPS, "ledger-twice");
    awaitStatus(system, "twice", Saga.Status.COMPLETED);

    Saga.Summary again = start("twice", THREE_STEPS, "ledger-other");

    assertThat(again.status()).isEqualTo(Saga.Status.COMPLETED);
    assertThat(events(again, e -> e.event().equals("saga.started"))).hasSize(1);
    assertThat(ledger(system, "ledger-twice").log()).containsExactly("apply:step-1", "apply:step-2", "apply:step-3");
    assertThat(ledger(system, "ledger-other").log()).isEmpty();
  }

  @Test
  void failureInStepThreeCompensatesStepTwoThenStepOne() throws Exception {
    configure(system, "ledger-fail", "step-3", Ledger.Mode.FAIL, Duration.ZERO);

    start("fails-at-3", THREE_STEPS, "ledger-fail");
    Saga.Summary failed = awaitStatus(system, "fails-at-3", Saga.Status.FAILED);

    assertThat(ledger(system, "ledger-fail").log())
        .containsExactly("apply:step-1", "apply:step-2", "undo:step-2", "undo:step-1");
    // the failed step is compensated first (it may have taken effect in part; here it had none)
    assertThat(events(failed, e -> e.event().equals("saga.step.compensated")))
        .containsExactly("saga.step.compensated step-3", "saga.step.compensated step-2", "saga.step.compensated step-1");
    assertThat(events(failed)).containsSubsequence(
        "saga.step.succeeded step-2",
        "saga.step.started step-3", "saga.step.attempt.failed step-3", "saga.failed step-3",
        "saga.compensation.started step-3", "saga.step.compensated step-3",
        "saga.compensation.started step-2", "saga.step.compensated step-2",
        "saga.compensation.started step-1", "saga.step.compensated step-1",
        "saga.compensated");
    assertThat(events(failed)).doesNotContain("saga.step.succeeded step-3");
    assertThat(failed.failureReason()).contains("step-3").contains("refused step-3");
  }

  @Test
  void stepTimeoutLeadsToCompensationAndLateRepliesAreIgnored() throws Exception {
    // step-2 applies at once but answers after 600 ms; each attempt may take 300 ms
    configure(system, "ledger-slow", "step-2", Ledger.Mode.SLOW, Duration.ofMillis(600));

    start("times-out", IMPATIENT, "ledger-slow");
    Saga.Summary failed = awaitStatus(system, "times-out", Saga.Status.FAILED);

    assertThat(events(failed, e -> e.event().equals("saga.step.attempt.failed") && "step-2".equals(e.step())))
        .containsExactly("saga.step.attempt.failed step-2");
    assertThat(events(failed)).doesNotContain("saga.step.succeeded step-2");
    assertThat(failed.timeline()).filteredOn(e -> "step-2".equals(e.step())).anySatisfy(e -> {
      assertThat(e.event()).isEqualTo("saga.step.attempt.failed");
      assertThat(e.detail()).contains("timed out after 300 ms");
    });
    // the timed-out step may have taken effect (it did), so it is compensated too, then step-1
    assertThat(events(failed, e -> e.event().equals("saga.step.compensated")))
        .containsExactly("saga.step.compensated step-2", "saga.step.compensated step-1");
    Ledger.Snapshot ledger = ledger(system, "ledger-slow");
    assertThat(ledger.log()).containsExactly("apply:step-1", "apply:step-2", "undo:step-2", "undo:step-1");
    assertThat(ledger.applied("step-2")).isEqualTo(1);
    assertThat(ledger.delivered("step-2")).isEqualTo(2);

    // the asks outlive the attempts, so both late successes (at ~600 ms and ~1000 ms) reach the saga: ignored
    int entries = failed.timeline().size();
    await("late replies are ignored")
        .during(Duration.ofMillis(1200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> status(system, "times-out"),
            s -> s.status() == Saga.Status.FAILED && s.timeline().size() == entries);
  }

  @Test
  void failingCompensationEndsInRequiresManualIntervention() throws Exception {
    configure(system, "ledger-stuck", "step-3", Ledger.Mode.FAIL, Duration.ZERO);
    configure(system, "ledger-stuck", "step-2", Ledger.Mode.FAIL_UNDO, Duration.ZERO);

    start("stuck", THREE_STEPS, "ledger-stuck");
    Saga.Summary stuck = awaitStatus(system, "stuck", Saga.Status.REQUIRES_MANUAL_INTERVENTION);

    assertThat(events(stuck)).containsSubsequence(
        "saga.failed step-3",
        "saga.compensation.started step-2",
        "saga.compensation.attempt.failed step-2",
        "saga.compensation.failed step-2");
    assertThat(events(stuck)).doesNotContain("saga.compensation.started step-1", "saga.compensated");
    assertThat(stuck.currentStep()).isEqualTo("step-2");
    assertThat(stuck.failureReason()).contains("step-3").contains("compensation of step-2 failed");
    // step-1 is left as it was: undoing it before step-2 would break the reverse order
    assertThat(ledger(system, "ledger-stuck").log()).containsExactly("apply:step-1", "apply:step-2");
  }

  @Test
  void unknownDefinitionOrIdIsReportedNotRun() throws Exception {
    Saga.Summary unknown = status(system, "never-started");
    assertThat(unknown.exists()).isFalse();
    assertThat(unknown.status()).isEqualTo(Saga.Status.NOT_STARTED);
    assertThat(unknown.timeline()).isEmpty();

    SagaDefinition<LedgerInput> unregistered =
        TestSagas.threeSteps("unregistered", Duration.ofSeconds(1), RetryPolicy.none());
    assertThat(sagas.start("x", unregistered, new LedgerInput("l")).toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat().withMessageContaining("not registered");
  }

  private Saga.Summary start(String sagaId, SagaDefinition<LedgerInput> definition, String ledgerId) throws Exception {
    return sagas.start(sagaId, definition, new LedgerInput(ledgerId)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
