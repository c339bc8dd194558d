package org.linecommerce.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
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
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.runtime.MessageMeta;

/**
 * Events in a journal outlive the code that wrote them. {@code compat/product-events-v1.properties}
 * holds CBOR payloads of every product event as version 1 wrote them (serializer manifest and
 * base64 bytes); whatever the classes become, these must still deserialize to the same facts.
 * A change that needs a new shape adds a Jackson migration ({@code pekko.serialization.jackson.migrations})
 * and a new fixture file; the old file stays.
 *
 * <p>To write the fixture of a new event version: run with {@code -Dcompat.write=<path>}.
 */
class ProductEventCompatibilityTest {

  static final ActorTestKit testKit = ActorTestKit.create("ProductEventCompatibilityTest", ProductEntityTest.config());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static final MessageMeta META = new MessageMeta("m-1", "c-1", null, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      Instant.parse("2026-11-23T00:00:00Z"), "product-catalog");

  /** The version-1 facts, one event of each type. */
  static Map<String, ProductEvent> v1Events() {
    ProductData data = new ProductData("matcha-powder-1", "SKU-1", "tea", Map.of("en", "Tea", "ja", "お茶"),
        Map.of("en", "Matcha Powder", "th", "ผงมัทฉะ"), Map.of("en", "Fine matcha."), List.of("matcha", "green tea"),
        new BigDecimal("234"), "THB", 120);
    Map<String, ProductEvent> events = new LinkedHashMap<>();
    events.put("created", new ProductEvent.ProductCreated("matcha-powder-1", data, META));
    events.put("updated", new ProductEvent.ProductUpdated("matcha-powder-1", data, META));
    events.put("price", new ProductEvent.PriceChanged("matcha-powder-1", new BigDecimal("199.50"), "THB", META));
    events.put("stock", new ProductEvent.StockAdjusted("matcha-powder-1", 100, 90, "recount", META));
    events.put("discontinued", new ProductEvent.ProductDiscontinued("matcha-powder-1", META));
    events.put("reserved", new ProductEvent.StockReserved("matcha-powder-1", "r-1", 2,
        Instant.parse("2026-11-23T00:15:00Z"), 88, META));
    events.put("released", new ProductEvent.ReservationReleased("matcha-powder-1", "r-1", 2, "expired", 90, META));
    events.put("committed", new ProductEvent.ReservationCommitted("matcha-powder-1", "r-2", 1, 99, 89, META));
    events.put("refused", new ProductEvent.ReservationRefused("matcha-powder-1", "r-3", 500, "not enough stock", 89, META));
    return events;
  }

  @Test
  void version1PayloadsStillDeserializeToTheSameEvents() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    String write = System.getProperty("compat.write");
    if (write != null) writeFixture(serialization, Path.of(write));

    Properties fixture = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/compat/product-events-v1.properties")) {
      assertThat(in).as("fixture on the classpath").isNotNull();
      fixture.load(in);
    }
    Map<String, ProductEvent> expected = v1Events();
    assertThat(fixture.stringPropertyNames()).as("a stored payload for every event type")
        .containsAll(expected.keySet().stream().map(k -> k + ".bytes").toList());
    for (var e : expected.entrySet()) {
      int serializerId = Integer.parseInt(fixture.getProperty(e.getKey() + ".serializer"));
      String manifest = fixture.getProperty(e.getKey() + ".manifest");
      byte[] bytes = Base64.getDecoder().decode(fixture.getProperty(e.getKey() + ".bytes"));
      Object read = serialization.deserialize(bytes, serializerId, manifest).get();
      assertThat(read).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  private static void writeFixture(Serialization serialization, Path path) throws IOException {
    StringBuilder out = new StringBuilder("# Product events as version 1 serialized them (CBOR, base64). Never edit; add a new file for a new version.\n");
    for (var e : v1Events().entrySet()) {
      var serializer = serialization.findSerializerFor(e.getValue());
      out.append(e.getKey()).append(".serializer=").append(serializer.identifier()).append('\n');
      out.append(e.getKey()).append(".manifest=").append(Serializers.manifestFor(serializer, e.getValue())).append('\n');
      out.append(e.getKey()).append(".bytes=")
          .append(Base64.getEncoder().encodeToString(serialization.serialize(e.getValue()).get())).append('\n');
    }
    Files.writeString(path, out.toString(), StandardCharsets.ISO_8859_1);
  }
}
