package org.linecommerce.runtime.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.runtime.DomainEvent;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.NodeTestKit;

/** Saga commands, events, state and replies survive the project's Jackson CBOR serialization. */
class SagaSerializationTest {

  @RegisterExtension static final NodeTestKit kit = NodeTestKit.h2();

  private static final MessageMeta META = MessageMeta.root("test", "corr-1");
  private static final Instant AT = Instant.parse("2026-11-23T10:15:30.123456789Z");

  @Test
  void everyEventStateAndMessageRoundTripsThroughCbor() {
    SerializationTestKit serialization = new SerializationTestKit(kit.system());
    List<Saga.Event> events = List.of(
        new Saga.SagaStarted("s", META, "checkout", "{\"orderId\":\"o-1\"}"),
        new Saga.StepStarted("s", META, 0, "reserve", "c-1"),
        new Saga.StepAwaitingSignal("s", META, 1, "confirm", "c-2", AT),
        new Saga.StepAttemptFailed("s", META, 0, "reserve", 1, "timed out", AT),
        new Saga.SignalReceived("s", META, 1, "confirm", "{\"ok\":true}", true),
        new Saga.DeadlinePassed("s", META, 1, "confirm", AT),
        new Saga.StepSucceeded("s", META, 0, "reserve", 2, "\"r-9\""),
        new Saga.SagaCompleted("s", META),
        new Saga.SagaFailed("s", META, 1, "confirm", "expired", false),
        new Saga.CompensationStarted("s", META, 0, "reserve", "c-3"),
        new Saga.CompensationAttemptFailed("s", META, 0, "reserve", 1, "down", AT),
        new Saga.StepCompensated("s", META, 0, "reserve", 1, "null"),
        new Saga.SagaCompensated("s", META),
        new Saga.CompensationFailed("s", META, 0, "reserve", 3, "down"));
    for (Saga.Event event : events) {
      assertThat(serialization.verifySerialization(event, true)).isEqualTo(event);
      assertThat(((DomainEvent) event).eventType()).startsWith("saga.");
      assertThat(event.eventVersion()).isEqualTo(1);
    }
    assertThat(events.stream().map(Saga.Event::eventType).distinct()).hasSize(events.size());

    Saga.TimelineEntry entry = new Saga.TimelineEntry(AT, "saga.started", null, "definition checkout");
    SagaState state = new SagaState("checkout", "{}", META, Saga.Status.REQUIRES_MANUAL_INTERVENTION, 1, "confirm",
        "c-2", 2, AT, AT, Map.of("reserve", "\"r-9\""), Map.of("reserve", "c-1"), Map.of("confirm", "{}"),
        "step confirm failed: expired", List.of(entry));
    assertThat(serialization.verifySerialization(state, true)).isEqualTo(state);
    assertThat(serialization.verifySerialization(SagaState.empty(), true)).isEqualTo(SagaState.empty());

    Saga.Summary summary = new Saga.Summary("s", "checkout", Saga.Status.WAITING, "confirm", 1, AT, null, List.of(entry));
    assertThat(serialization.verifySerialization(summary, true)).isEqualTo(summary);

    ActorRef<StatusReply<Saga.Summary>> replyTo = kit.testKit().<StatusReply<Saga.Summary>>createTestProbe().ref();
    serialization.verifySerialization(new Saga.Start("checkout", "{}", META, replyTo), true);
    serialization.verifySerialization(new Saga.Signal("confirm", "{}", null, replyTo), true);
    serialization.verifySerialization(
        new Saga.GetStatus(kit.testKit().<Saga.Summary>createTestProbe().ref()), true);
    // asked across nodes by the order client (a saga lives on any customer node)
    Saga.AwaitStep await = new Saga.AwaitStep("confirm", java.time.Duration.ofMillis(2500),
        kit.testKit().<Saga.Summary>createTestProbe().ref());
    assertThat(serialization.verifySerialization(await, true)).isEqualTo(await);
    serialization.verifySerialization(
        new Saga.AwaitStep(null, java.time.Duration.ofSeconds(3), kit.testKit().<Saga.Summary>createTestProbe().ref()), true);
  }
}
