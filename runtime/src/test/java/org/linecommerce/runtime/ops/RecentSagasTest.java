package org.linecommerce.runtime.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.saga.Saga;

class RecentSagasTest {

  private final MessageMeta meta = MessageMeta.root("test", "c-1");

  @Test
  void theListedStatusFollowsTheSagaThroughACompensation() {
    String status = RecentSagas.statusAfter(new Saga.SagaStarted("s", meta, "checkout", "{}"), null);
    assertThat(status).isEqualTo("running");
    status = RecentSagas.statusAfter(new Saga.StepAwaitingSignal("s", meta, 1, "confirm", "cmd", null), status);
    assertThat(status).isEqualTo("waiting");
    status = RecentSagas.statusAfter(new Saga.DeadlinePassed("s", meta, 1, "confirm", null), status);
    assertThat(status).as("a passed deadline alone decides nothing").isEqualTo("waiting");
    status = RecentSagas.statusAfter(new Saga.SagaFailed("s", meta, 1, "confirm", "expired", false), status);
    assertThat(status).isEqualTo("compensating");
    status = RecentSagas.statusAfter(new Saga.StepCompensated("s", meta, 0, "reserve", 1, "{}"), status);
    assertThat(status).isEqualTo("compensating");
    assertThat(RecentSagas.statusAfter(new Saga.SagaCompensated("s", meta), status)).isEqualTo("failed");
    assertThat(RecentSagas.statusAfter(new Saga.CompensationFailed("s", meta, 0, "reserve", 3, "down"), status))
        .isEqualTo("requires_manual_intervention");
  }

  @Test
  void theStepShownIsTheOneTheLastStepEventNamed() {
    assertThat(RecentSagas.stepOf(new Saga.StepStarted("s", meta, 0, "reserve", "cmd"))).isEqualTo("reserve");
    assertThat(RecentSagas.stepOf(new Saga.SignalReceived("s", meta, 1, "confirm", "{}", true))).isNull();
    assertThat(RecentSagas.stepOf(new Saga.SagaCompleted("s", meta))).isNull();
  }
}
