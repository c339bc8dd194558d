package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.linecommerce.customer.internal.order.CheckoutSaga;
import org.linecommerce.customer.internal.order.CheckoutSaga.Decided;
import org.linecommerce.customer.internal.order.CheckoutSaga.Outcome;

/**
 * How the checkout's wait for the customer ends ({@link CheckoutSaga#decide}): the order's
 * deadline is authoritative, also for a decision that reaches the saga before its deadline timer
 * fired (a busy node, or one that just took the saga over and handles the waiting signal first).
 */
class CheckoutDecisionTest {

  private static final Instant DEADLINE = Instant.parse("2026-01-01T10:00:00Z");

  private static JsonNode payload(String json) {
    try {
      return OrderTesting.JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aConfirmationBeforeTheDeadlineConfirms() {
    assertThat(CheckoutSaga.decide(payload("{\"decision\":\"confirm\"}"), DEADLINE, DEADLINE.minusMillis(1)))
        .isEqualTo(new Decided(Outcome.CONFIRMED, null));
  }

  @Test
  void aConfirmationAtOrAfterTheDeadlineExpiresTheOrderEvenBeforeTheDeadlineTimerFired() {
    assertThat(CheckoutSaga.decide(payload("{\"decision\":\"confirm\"}"), DEADLINE, DEADLINE).outcome())
        .isEqualTo(Outcome.EXPIRED);
    assertThat(CheckoutSaga.decide(payload("{\"decision\":\"confirm\"}"), DEADLINE, DEADLINE.plusMillis(1)).outcome())
        .isEqualTo(Outcome.EXPIRED);
  }

  @Test
  void aCancelBeforeTheDeadlineCancelsAndAfterItTheOrderExpires() {
    assertThat(CheckoutSaga.decide(payload("{\"decision\":\"cancel\",\"reason\":\"changed my mind\"}"), DEADLINE,
        DEADLINE.minusSeconds(5))).isEqualTo(new Decided(Outcome.CANCELLED, "changed my mind"));
    assertThat(CheckoutSaga.decide(payload("{\"decision\":\"cancel\"}"), DEADLINE, DEADLINE.plusSeconds(1)).outcome())
        .isEqualTo(Outcome.EXPIRED);
  }

  @Test
  void anUnknownDecisionIsRefused() {
    assertThatThrownBy(() -> CheckoutSaga.decide(payload("{\"decision\":\"maybe\"}"), DEADLINE, DEADLINE.minusSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
