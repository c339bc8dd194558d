package org.linecommerce.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

  @Test
  void oneLinePerIntervalAndTheCountOfThoseLeftOut() throws Exception {
    LogThrottle throttle = new LogThrottle(Duration.ofMillis(200));
    assertThat(throttle.permit()).as("the first line").isTrue();
    assertThat(throttle.suppressed()).isZero();
    for (int i = 0; i < 5; i++) assertThat(throttle.permit()).isFalse();
    Thread.sleep(250);
    assertThat(throttle.permit()).as("an interval later").isTrue();
    assertThat(throttle.suppressed()).isEqualTo(5);
    assertThat(throttle.permit()).isFalse();
  }
}
