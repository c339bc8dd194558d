package org.linecommerce.runtime.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * Saga events and snapshots in a journal outlive the code that wrote them.
 * {@code compat/saga-events-v1.properties} holds the CBOR payloads of every persisted saga event
 * type and of the snapshot state as version 1 (one {@code Saga.java} holding everything) wrote
 * them: serializer id, manifest (the class name) and base64 bytes. Whatever the classes become,
 * these must still deserialize to the same facts; a class that moves keeps its name or gets a
 * Jackson migration ({@code pekko.serialization.jackson.migrations}). The old file is never
 * edited; a new shape adds a new file.
 *
 * <p>To write the fixture of a new version: run with {@code -Dcompat.write=<path>}.
 */
class SagaEventCompatibilityTest {

  static final ActorTestKit testKit = ActorTestKit.create("SagaEventCompatibilityTest", TestNodeConfig.eventSourcedTestKit());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

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
    return new Saga.State("checkout", "{\"orderId\":\"o-1\"}", META, Saga.Status.COMPENSATING, 0, "reserve", "c-3", 2,
        AT, null, Map.of("reserve", "[\"r-1\",\"r-2\"]"), Map.of("reserve", "c-1", "confirm", "c-2"),
        Map.of("confirm", "{\"confirmed\":true}"), "step confirm failed: deadline passed",
        List.of(new Saga.TimelineEntry(META.timestamp(), "saga.started", null, "definition checkout"),
            new Saga.TimelineEntry(AT, "saga.step.started", "reserve", "command c-1")));
  }

  static Object emptyV1State() {
    return Saga.State.empty();
  }

  @Test
  void version1PayloadsOfEverySagaEventAndSnapshotStillDeserializeToTheSameFacts() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    String write = System.getProperty("compat.write");
    if (write != null) writeFixture(serialization, Path.of(write));

    Properties fixture = load();
    Map<String, Object> expected = v1Payloads();
    assertThat(fixture.stringPropertyNames()).as("a stored payload for every persisted saga type")
        .containsAll(expected.keySet().stream().map(k -> k + ".bytes").toList());
    assertThat(expected.values().stream().filter(v -> v instanceof Saga.Event).map(Object::getClass).distinct())
        .as("every event type of the saga has a fixture")
        .hasSize(Saga.Event.class.getPermittedSubclasses().length);
    for (var e : expected.entrySet()) {
      assertThat(read(serialization, fixture, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  static Properties load() throws IOException {
    Properties fixture = new Properties();
    try (InputStream in = SagaEventCompatibilityTest.class.getResourceAsStream("/compat/saga-events-v1.properties")) {
      assertThat(in).as("fixture on the classpath").isNotNull();
      fixture.load(in);
    }
    return fixture;
  }

  static Object read(Serialization serialization, Properties fixture, String key) {
    int serializerId = Integer.parseInt(fixture.getProperty(key + ".serializer"));
    String manifest = fixture.getProperty(key + ".manifest");
    byte[] bytes = Base64.getDecoder().decode(fixture.getProperty(key + ".bytes"));
    return serialization.deserialize(bytes, serializerId, manifest).get();
  }

  private static void writeFixture(Serialization serialization, Path path) throws IOException {
    StringBuilder out = new StringBuilder(
        "# Saga events and snapshot state as version 1 serialized them (CBOR, base64). Never edit; add a new file for a new version.\n");
    for (var e : v1Payloads().entrySet()) {
      var serializer = serialization.findSerializerFor(e.getValue());
      out.append(e.getKey()).append(".serializer=").append(serializer.identifier()).append('\n');
      out.append(e.getKey()).append(".manifest=").append(Serializers.manifestFor(serializer, e.getValue())).append('\n');
      out.append(e.getKey()).append(".bytes=")
          .append(Base64.getEncoder().encodeToString(serialization.serialize(e.getValue()).get())).append('\n');
    }
    Files.writeString(path, out.toString(), StandardCharsets.ISO_8859_1);
  }
}
