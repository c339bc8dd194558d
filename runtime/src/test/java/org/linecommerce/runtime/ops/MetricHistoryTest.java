package org.linecommerce.runtime.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricHistoryTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Instant t0 = Instant.parse("2026-12-01T04:00:00Z");

  private MetricHistory history(Duration window) {
    return new MetricHistory(registry, List.of("events_total", "accept_seconds", "never_registered"),
        Duration.ofSeconds(10), window);
  }

  @Test
  void aCounterIsSampledAsItsIncreasePerIntervalSummedOverItsTagsAfterABaseline() {
    MetricHistory history = history(Duration.ofMinutes(15));
    Counter accepted = Counter.builder("events_total").tag("result", "accepted").register(registry);
    Counter duplicate = Counter.builder("events_total").tag("result", "duplicate").register(registry);
    accepted.increment(7); // before the first sample: not in any interval
    history.sample(t0);
    accepted.increment(15);
    duplicate.increment(5);
    history.sample(t0.plusSeconds(10));
    history.sample(t0.plusSeconds(20));

    MetricHistory.Series series = history.series("events_total").orElseThrow();
    assertThat(series.kind()).isEqualTo("counter");
    assertThat(series.intervalSeconds()).isEqualTo(10);
    assertThat(series.samples()).extracting(MetricHistory.Sample::count).containsExactly(20L, 0L);
    assertThat(series.samples()).extracting(MetricHistory.Sample::ratePerSecond).containsExactly(2.0, 0.0);
    assertThat(series.samples().get(0).at()).isEqualTo(t0.plusSeconds(10));
    assertThat(series.samples().get(0).meanMs()).isNull();
  }

  @Test
  void aTimerSampleHoldsTheMeanOfTheCallsInItsIntervalOnly() {
    MetricHistory history = history(Duration.ofMinutes(15));
    Timer timer = Timer.builder("accept_seconds").register(registry);
    timer.record(Duration.ofMillis(1000)); // before the baseline
    history.sample(t0);
    timer.record(Duration.ofMillis(10));
    timer.record(Duration.ofMillis(30));
    history.sample(t0.plusSeconds(10));
    history.sample(t0.plusSeconds(20));

    MetricHistory.Series series = history.series("accept_seconds").orElseThrow();
    assertThat(series.kind()).isEqualTo("timer");
    MetricHistory.Sample first = series.samples().get(0);
    assertThat(first.count()).isEqualTo(2);
    assertThat(first.meanMs()).isCloseTo(20.0, org.assertj.core.data.Offset.offset(0.001));
    assertThat(first.maxMs()).isNotNull();
    MetricHistory.Sample quiet = series.samples().get(1);
    assertThat(quiet.count()).isZero();
    assertThat(quiet.meanMs()).isNull();
  }

  @Test
  void theBufferKeepsOnlyTheWindowAndAnUnregisteredMeterCountsAsZero() {
    MetricHistory history = history(Duration.ofSeconds(30)); // three samples
    Counter counter = Counter.builder("events_total").register(registry);
    for (int i = 0; i <= 5; i++) {
      counter.increment(i);
      history.sample(t0.plusSeconds(10L * i));
    }
    assertThat(history.series("events_total").orElseThrow().samples())
        .extracting(MetricHistory.Sample::count).containsExactly(3L, 4L, 5L);
    MetricHistory.Series absent = history.series("never_registered").orElseThrow();
    assertThat(absent.kind()).isEqualTo("absent");
    assertThat(absent.samples()).hasSize(3).allSatisfy(s -> assertThat(s.count()).isZero());
    assertThat(history.series("not_configured")).isEmpty();
    assertThat(history.names()).containsExactly("events_total", "accept_seconds", "never_registered");
  }
}
