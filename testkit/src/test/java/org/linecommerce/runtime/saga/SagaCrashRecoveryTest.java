package org.linecommerce.runtime.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.runtime.saga.TestSagas.awaitStatus;
import static org.linecommerce.runtime.saga.TestSagas.configure;
import static org.linecommerce.runtime.saga.TestSagas.events;
import static org.linecommerce.runtime.saga.TestSagas.ledger;
import static org.linecommerce.runtime.saga.TestSagas.status;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.linecommerce.runtime.saga.TestSagas.LedgerInput;
import org.linecommerce.testkit.NodeTestKit;
import org.linecommerce.testkit.TestDatabase;

/**
 * A saga whose node dies while a step is in flight resumes on the next node start, on H2 and on
 * PostgreSQL, and the participant applies that step's effect once although it receives the step's
 * command twice.
 */
class SagaCrashRecoveryTest {

  // attempts long enough that only the crash interrupts step-2
  static final SagaDefinition<LedgerInput> PATIENT =
      TestSagas.threeSteps("three-patient-steps", Duration.ofSeconds(20), RetryPolicy.DEFAULT);

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void sagaInterruptedMidStepResumesAfterRestartAndEachEffectIsAppliedOnce(TestDatabase.Kind kind) throws Exception {
    try (NodeTestKit kit = NodeTestKit.on(kind).start("SagaCrashRecovery" + kind)) {
      ActorSystem<Void> system = kit.system();
      init(system);
      // step-2's command reaches the ledger and takes effect, but its reply is lost
      configure(system, "ledger-crash", "step-2", Ledger.Mode.NO_REPLY, Duration.ZERO);

      Sagas.get(system).start("crash", PATIENT, new LedgerInput("ledger-crash"))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      await("step-2 took effect").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
          .until(() -> ledger(system, "ledger-crash").log().contains("apply:step-2"));
      Saga.Summary inFlight = status(system, "crash");
      assertThat(inFlight.status()).isEqualTo(Saga.Status.RUNNING);
      assertThat(inFlight.currentStep()).isEqualTo("step-2");

      ActorSystem<Void> restarted = kit.restart().system();
      init(restarted);

      // nobody talks to the saga: remember-entities restarts it, and it re-sends step-2
      await("saga finished step-3 on its own").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> ledger(restarted, "ledger-crash").log().contains("apply:step-3"));
      Saga.Summary done = awaitStatus(restarted, "crash", Saga.Status.COMPLETED);

      Ledger.Snapshot ledger = ledger(restarted, "ledger-crash");
      assertThat(ledger.log()).containsExactly("apply:step-1", "apply:step-2", "apply:step-3");
      assertThat(ledger.applied("step-2")).isEqualTo(1);
      assertThat(ledger.delivered("step-2")).isGreaterThanOrEqualTo(2);
      assertThat(ledger.duplicatesSeen()).isGreaterThanOrEqualTo(1);
      assertThat(ledger.applied("step-1")).isEqualTo(1);
      assertThat(ledger.applied("step-3")).isEqualTo(1);
      // one start of step-2 (one command id), whose re-run after recovery succeeded
      assertThat(events(done, e -> e.event().startsWith("saga.step.") && "step-2".equals(e.step())))
          .containsExactly("saga.step.started step-2", "saga.step.succeeded step-2");
    }
  }

  /** What the node's modules do at start-up: participants, definitions, then the saga sharding. */
  private static void init(ActorSystem<?> system) {
    Ledger.init(system);
    Sagas.get(system).register(PATIENT);
    Saga.init(system);
  }
}
