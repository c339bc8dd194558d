package org.linecommerce.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.StoredPayloads;

/**
 * Events and snapshots in a journal outlive the code that wrote them. The files in
 * {@code compat/} hold CBOR payloads (serializer id, manifest, base64 bytes) exactly as the code
 * of their time wrote them: {@code product-events-v1} every event of the first version,
 * {@code product-events-v2} the events added since ({@code ReservationReverted}),
 * {@code product-snapshot-v1} a snapshot of {@link Product.State} with data, discontinuation,
 * active and every kind of closed reservation. Whatever the classes become, these must still
 * deserialize to the same facts. A change that needs a new shape adds a Jackson migration
 * ({@code pekko.serialization.jackson.migrations}) and a new fixture file; old files stay (format
 * and rule: {@link StoredPayloads}).
 *
 * <p>To write the fixture of a new event or snapshot version: add it to {@link #fixtures()} and run
 * with {@code -Dcompat.write=<directory>}; only files that do not exist there yet are written.
 */
class ProductEventCompatibilityTest {

  static final ActorTestKit testKit = ActorTestKit.create("ProductEventCompatibilityTest", ProductEntityTest.config());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static final MessageMeta META = new MessageMeta("m-1", "c-1", null, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      Instant.parse("2026-11-23T00:00:00Z"), "product-catalog");

  static final ProductData DATA = new ProductData("matcha-powder-1", "SKU-1", "tea", Map.of("en", "Tea", "ja", "お茶"),
      Map.of("en", "Matcha Powder", "th", "ผงมัทฉะ"), Map.of("en", "Fine matcha."), List.of("matcha", "green tea"),
      new BigDecimal("234"), "THB", 120);

  /** One fixture file: its resource name and the facts its payloads must read back as, by key. */
  record Fixture(String name, String header, Map<String, Object> facts) {}

  static List<Fixture> fixtures() {
    return List.of(
        new Fixture("product-events-v1", "Product events as version 1 serialized them", v1Events()),
        new Fixture("product-events-v2", "Product events added after version 1, as they were first serialized", v2Events()),
        new Fixture("product-snapshot-v1", "A Product snapshot (Product$State) as version 1 serialized it", v1Snapshot()));
  }

  /** The version-1 facts, one event of each type. */
  static Map<String, Object> v1Events() {
    Map<String, Object> events = new LinkedHashMap<>();
    events.put("created", new ProductEvent.ProductCreated("matcha-powder-1", DATA, META));
    events.put("updated", new ProductEvent.ProductUpdated("matcha-powder-1", DATA, META));
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

  /** Events added after version 1. */
  static Map<String, Object> v2Events() {
    Map<String, Object> events = new LinkedHashMap<>();
    events.put("reverted", new ProductEvent.ReservationReverted("matcha-powder-1", "r-2", 1, 100, 90, META));
    return events;
  }

  static final Reservation ACTIVE_1 = new Reservation("matcha-powder-1", "order-7:1", Reservation.Status.ACTIVE, 3,
      Instant.parse("2026-11-23T00:15:00Z"), null);
  static final Reservation ACTIVE_2 = new Reservation("matcha-powder-1", "order-8:2", Reservation.Status.ACTIVE, 2,
      Instant.parse("2026-11-23T00:20:00Z"), null);
  /** Closed reservations of every kind, oldest first. */
  static final List<Reservation> CLOSED = List.of(
      new Reservation("matcha-powder-1", "order-1:1", Reservation.Status.REFUSED, 500, null,
          "insufficient stock for product matcha-powder-1: 500 requested, 120 available"),
      new Reservation("matcha-powder-1", "order-2:1", Reservation.Status.EXPIRED, 1,
          Instant.parse("2026-11-22T23:00:00Z"), "expired"),
      new Reservation("matcha-powder-1", "order-3:1", Reservation.Status.RELEASED, 2,
          Instant.parse("2026-11-22T23:10:00Z"), "released"),
      new Reservation("matcha-powder-1", "order-4:1", Reservation.Status.RELEASED, 0, null, "released"),
      new Reservation("matcha-powder-1", "order-5:1", Reservation.Status.COMMITTED, 4,
          Instant.parse("2026-11-22T23:30:00Z"), null),
      new Reservation("matcha-powder-1", "order-6:1", Reservation.Status.REVERTED, 1, null, "reverted"));

  /** A discontinued product with two active reservations (5 units) and six closed ones. */
  static Map<String, Object> v1Snapshot() {
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("state", snapshotState());
    return snapshot;
  }

  static Product.State snapshotState() {
    return Product.State.stored(DATA, true,
        Map.of(ACTIVE_1.reservationId(), ACTIVE_1, ACTIVE_2.reservationId(), ACTIVE_2), CLOSED);
  }

  @Test
  void storedEventPayloadsOfEveryVersionStillDeserializeToTheSameEvents() throws Exception {
    for (Fixture f : fixtures()) {
      Map<String, Object> read = read(f);
      assertThat(read).as(f.name()).containsExactlyInAnyOrderEntriesOf(f.facts());
    }
  }

  @Test
  void everyProductEventTypeHasAStoredPayload() throws Exception {
    Set<Class<?>> stored = fixtures().stream().flatMap(f -> f.facts().values().stream())
        .map(Object::getClass).collect(Collectors.toSet());
    assertThat(stored).as("a committed fixture for every ProductEvent type and for the snapshot")
        .containsAll(Arrays.asList(ProductEvent.class.getPermittedSubclasses()))
        .contains(Product.State.class);
  }

  @Test
  void aStoredSnapshotRecoversItsReservations() throws Exception {
    Product.State state = (Product.State) read(fixture("product-snapshot-v1")).get("state");
    assertThat(state.data()).isEqualTo(DATA);
    assertThat(state.discontinued()).isTrue();
    assertThat(state.reserved()).isEqualTo(5);
    assertThat(state.available()).isEqualTo(115);
    assertThat(state.lookup("order-7:1")).contains(ACTIVE_1);
    assertThat(state.lookup("order-8:2")).contains(ACTIVE_2);
    for (Reservation closed : CLOSED) {
      assertThat(state.lookup(closed.reservationId())).as(closed.reservationId()).contains(closed);
    }
    assertThat(state.lookup("order-9:1")).isEmpty();
    assertThat(state.nextExpiry()).contains(ACTIVE_1.expiresAt());
  }

  @Test
  void theCurrentCodeWritesTheSnapshotInTheStoredShape() throws Exception {
    // nodes of the previous version read snapshots of the new one during a rolling update
    Serialization serialization = SerializationExtension.get(testKit.system());
    Properties stored = StoredPayloads.load(resource(fixture("product-snapshot-v1")));
    Product.State state = snapshotState();
    var serializer = serialization.findSerializerFor(state);
    assertThat(Serializers.manifestFor(serializer, state)).isEqualTo(stored.getProperty("state.manifest"));
    CBORMapper cbor = new CBORMapper();
    JsonNode written = cbor.readTree(serialization.serialize(state).get());
    JsonNode read = cbor.readTree(StoredPayloads.payload(stored, "state").bytes());
    assertThat(written).isEqualTo(read);
  }

  @Test
  void aSnapshotWithoutSomeFieldsReadsThemAsEmpty() throws Exception {
    // a field added later is absent from older snapshots: the state must accept null for it
    Serialization serialization = SerializationExtension.get(testKit.system());
    var serializer = serialization.findSerializerFor(Product.State.empty());
    byte[] onlyData = new CBORMapper().writeValueAsBytes(Map.of("discontinued", false));
    Product.State state = (Product.State) serialization
        .deserialize(onlyData, serializer.identifier(), Serializers.manifestFor(serializer, Product.State.empty())).get();
    assertThat(state).isEqualTo(Product.State.empty());
    assertThat(state.reserved()).isZero();
    assertThat(state.lookup("r-1")).isEmpty();
    assertThat(new Product.State(DATA, false, null).reservations()).isEqualTo(ReservationBook.empty());
  }

  private static Fixture fixture(String name) {
    return fixtures().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  private static String resource(Fixture f) {
    return "/compat/" + f.name() + ".properties";
  }

  private Map<String, Object> read(Fixture f) throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    StoredPayloads.writeIfAsked(serialization, f.name() + ".properties", f.header(), f.facts());
    return StoredPayloads.readAll(serialization, resource(f), f.facts().keySet());
  }
}
