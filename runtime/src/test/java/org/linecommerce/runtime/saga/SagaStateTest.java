package org.linecommerce.runtime.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.saga.Saga.Status;

class SagaStateTest {

  static final MessageMeta META = MessageMeta.root("test", null);

  @Test
  void aStateLackingCollectionsOrStatusIsCompletedWithEmptyOnes() {
    SagaState state = new SagaState("checkout", "{}", META, null, 0, "reserve", "c-1", 1, null, null,
        null, null, null, null, null);
    assertThat(state.status()).isEqualTo(Status.NOT_STARTED);
    assertThat(state.results()).isEmpty();
    assertThat(state.commandIds()).isEmpty();
    assertThat(state.earlySignals()).isEmpty();
    assertThat(state.timeline()).isEmpty();
  }

  @Test
  void eachEventIsOnTheTimelineWithItsStepAndALongDetailIsCut() {
    SagaState state = SagaState.empty()
        .apply(new Saga.SagaStarted("s", META, "checkout", "{}"))
        .apply(new Saga.StepStarted("s", META, 0, "reserve", "c-1"))
        .apply(new Saga.StepAttemptFailed("s", META, 0, "reserve", 1, "x".repeat(1000), Instant.EPOCH));
    assertThat(state.timeline()).extracting(Saga.TimelineEntry::event)
        .containsExactly("saga.started", "saga.step.started", "saga.step.attempt.failed");
    assertThat(state.timeline().get(1).step()).isEqualTo("reserve");
    assertThat(state.timeline().get(2).detail()).hasSize(FailureReasons.MAX_DETAIL + 1).endsWith("…");
    assertThat(state.attempt()).isEqualTo(2);
    assertThat(state.retryAt()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void aNewStepInFlightStartsAtAttemptOneWithoutRetryOrDeadline() {
    SagaState state = SagaState.empty()
        .apply(new Saga.SagaStarted("s", META, "checkout", "{}"))
        .apply(new Saga.StepAwaitingSignal("s", META, 0, "confirm", "c-1", Instant.EPOCH))
        .apply(new Saga.SagaFailed("s", META, 0, "confirm", "deadline passed", false))
        .apply(new Saga.CompensationStarted("s", META, 0, "confirm", "c-2"));
    assertThat(state.status()).isEqualTo(Status.COMPENSATING);
    assertThat(state.attempt()).isEqualTo(1);
    assertThat(state.deadline()).isNull();
    assertThat(state.retryAt()).isNull();
    assertThat(state.commandIds()).containsEntry("confirm", "c-1");
    assertThat(state.commandId()).isEqualTo("c-2");
    assertThat(state.summary("s").deadline()).isNull();
  }
}
