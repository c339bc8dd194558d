package org.linecommerce.runtime.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.StoredPayloads;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * Saga events and snapshots in a journal outlive the code that wrote them.
 * {@code compat/saga-events-v1.properties} holds the CBOR payloads of every persisted saga event
 * type and of the snapshot state as version 1 (one {@code Saga.java} holding everything) wrote
 * them: serializer id, manifest (the class name) and base64 bytes. Whatever the classes become,
 * these must still deserialize to the same facts; a class that moves keeps its name or gets a
 * Jackson migration ({@code pekko.serialization.jackson.migrations}). The old file is never
 * edited; a new shape adds a new file (format and rule: {@link StoredPayloads}).
 *
 * <p>To write the fixture of a new version: run with {@code -Dcompat.write=<directory>}; only a
 * file that does not exist there yet is written.
 */
class SagaEventCompatibilityTest {

  static final ActorTestKit testKit = ActorTestKit.create("SagaEventCompatibilityTest", TestNodeConfig.eventSourcedTestKit());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static final String FIXTURE = "/compat/saga-events-v1.properties";

  static final MessageMeta META = new MessageMeta("m-1", "c-1", "m-0", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      Instant.parse("2026-11-23T00:00:00Z"), "saga");
  static final Instant AT = Instant.parse("2026-11-23T00:15:00.123456789Z");

  /** The version-1 facts: one of each persisted saga event type, and two snapshot states. */
  static Map<String, Object> v1Payloads() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("started", new Saga.SagaStarted("s-1", META, "checkout", "{\"orderId\":\"o-1\",\"lines\":[{\"sku\":\"A\",\"qty\":2}]}"));
    p.put("step-started", new Saga.StepStarted("s-1", META, 0, "reserve", "c-1"));
    p.put("awaiting-signal", new Saga.StepAwaitingSignal("s-1", META, 1, "confirm", "c-2", AT));
    p.put("attempt-failed", new Saga.StepAttemptFailed("s-1", META, 0, "reserve", 1, "timed out after 5000 ms", AT));
    p.put("signal-received", new Saga.SignalReceived("s-1", META, 1, "confirm", "{\"confirmed\":true}", true));
    p.put("deadline-passed", new Saga.DeadlinePassed("s-1", META, 1, "confirm", AT));
    p.put("step-succeeded", new Saga.StepSucceeded("s-1", META, 0, "reserve", 2, "[\"r-1\",\"r-2\"]"));
    p.put("completed", new Saga.SagaCompleted("s-1", META));
    p.put("failed", new Saga.SagaFailed("s-1", META, 1, "confirm", "deadline passed", true));
    p.put("compensation-started", new Saga.CompensationStarted("s-1", META, 0, "reserve", "c-3"));
    p.put("compensation-attempt-failed", new Saga.CompensationAttemptFailed("s-1", META, 0, "reserve", 1, "catalog down", AT));
    p.put("compensated", new Saga.StepCompensated("s-1", META, 0, "reserve", 2, "null"));
    p.put("saga-compensated", new Saga.SagaCompensated("s-1", META));
    p.put("compensation-failed", new Saga.CompensationFailed("s-1", META, 0, "reserve", 3, "catalog down"));
    p.put("state", v1State());
    p.put("state-empty", emptyV1State());
    return p;
  }

  static Object v1State() {
    return new SagaState("checkout", "{\"orderId\":\"o-1\"}", META, Saga.Status.COMPENSATING, 0, "reserve", "c-3", 2,
        AT, null, Map.of("reserve", "[\"r-1\",\"r-2\"]"), Map.of("reserve", "c-1", "confirm", "c-2"),
        Map.of("confirm", "{\"confirmed\":true}"), "step confirm failed: deadline passed",
        List.of(new Saga.TimelineEntry(META.timestamp(), "saga.started", null, "definition checkout"),
            new Saga.TimelineEntry(AT, "saga.step.started", "reserve", "command c-1")));
  }

  static Object emptyV1State() {
    return SagaState.empty();
  }

  @Test
  void version1PayloadsOfEverySagaEventAndSnapshotStillDeserializeToTheSameFacts() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    Map<String, Object> expected = v1Payloads();
    StoredPayloads.writeIfAsked(serialization, "saga-events-v1.properties",
        "Saga events and snapshot state as version 1 serialized them", expected);

    assertThat(expected.values().stream().filter(v -> v instanceof Saga.Event).map(Object::getClass).distinct())
        .as("every event type of the saga has a fixture")
        .hasSize(Saga.Event.class.getPermittedSubclasses().length);
    StoredPayloads.assertReadsAs(serialization, FIXTURE, expected);
  }

  @Test
  void aSnapshotWrittenBeforeAFieldExistedStillLoadsWithAnEmptyValue() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    Properties fixture = StoredPayloads.load(FIXTURE);
    // the version-1 snapshot as an older version would have written it: without its collections and status
    StoredPayloads.Payload stored = StoredPayloads.payload(fixture, "state");
    ObjectMapper cbor = new ObjectMapper(new CBORFactory());
    ObjectNode tree = (ObjectNode) cbor.readTree(stored.bytes());
    tree.remove(List.of("status", "results", "commandIds", "earlySignals", "timeline"));
    Object read = serialization.deserialize(cbor.writeValueAsBytes(tree), stored.serializerId(), stored.manifest()).get();

    assertThat(read).isInstanceOf(SagaState.class);
    SagaState state = (SagaState) read;
    assertThat(state.definition()).isEqualTo("checkout");
    assertThat(state.status()).isEqualTo(Saga.Status.NOT_STARTED);
    assertThat(state.results()).isEmpty();
    assertThat(state.commandIds()).isEmpty();
    assertThat(state.earlySignals()).isEmpty();
    assertThat(state.timeline()).isEmpty();
    assertThat(state.summary("s-1").timeline()).isEmpty();
  }
}
