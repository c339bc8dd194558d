package org.linecommerce.customer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.customer.api.Activity;
import org.linecommerce.customer.api.CustomerEvent;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.customer.api.CustomerView;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.StoredPayloads;

/**
 * Customer events and the Customer snapshot (its {@code State}) as version 1 stored them
 * ({@code compat/customer-events-v1.properties}) must still read as the same facts. To write the
 * fixture of a new version: run with {@code -Dcompat.write=<dir>} and add the file next to the old one
 * (format and rule: {@link StoredPayloads}).
 */
class CustomerEventCompatibilityTest {

  static final ActorTestKit testKit = ActorTestKit.create("CustomerEventCompatibilityTest", CustomerEntityTest.config());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static final MessageMeta META = new MessageMeta("m-1", "c-1", "m-0", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      Instant.parse("2026-11-23T00:00:00Z"), "customer");
  static final CustomerProfile PROFILE = new CustomerProfile("Somchai", "th", "https://profile.line-scdn.net/x",
      "hello", List.of("no spicy food"), List.of("tea", "matcha"), true);
  static final Activity ACTIVITY = new Activity(Activity.ORDER_PLACED, "{\"orderId\":\"o-1\",\"productIds\":[\"matcha-powder-1\"]}",
      Instant.parse("2026-11-23T00:00:01Z"), "checkout");

  /** Version 1: one event of each type and a snapshot with every field set. */
  static Map<String, Object> v1() {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("registered", new CustomerEvent.CustomerRegistered("U1", PROFILE, META));
    facts.put("updated", new CustomerEvent.ProfileUpdated("U1", PROFILE, META));
    facts.put("activity", new CustomerEvent.ActivityRecorded("U1", ACTIVITY.type(), ACTIVITY.data(),
        ACTIVITY.timestamp(), ACTIVITY.source(), META));
    facts.put("blocked", new CustomerEvent.CustomerBlocked("U1", META));
    facts.put("unblocked", new CustomerEvent.CustomerUnblocked("U1", META));
    facts.put("erased", new CustomerEvent.CustomerErased("U1", Instant.parse("2026-11-23T01:00:00Z"), META));
    facts.put("state", new Customer.State(CustomerView.Status.ACTIVE, PROFILE, true, List.of(ACTIVITY),
        List.of("matcha-powder-1"), List.of("green tea"), List.of("matcha-powder-1", "sencha-1"),
        Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-23T00:00:01Z"), List.of()));
    facts.put("state-erased", new Customer.State(CustomerView.Status.ERASED, null, false, List.of(), List.of(),
        List.of(), List.of(), null, Instant.parse("2026-11-23T01:00:00Z"), List.of()));
    return facts;
  }

  @Test
  void version1CustomerEventsAndSnapshotsStillDeserializeToTheSameFacts() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    StoredPayloads.writeIfAsked(serialization, "customer-events-v1.properties",
        "Customer events and state snapshots as version 1 serialized them", v1());
    StoredPayloads.assertReadsAs(serialization, "/compat/customer-events-v1.properties", v1());
  }

  /** A snapshot written before a field existed (here: only the status and the profile) reads with empty collections. */
  @Test
  void aSnapshotWithoutLaterFieldsReadsWithEmptyCollections() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    var cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
    byte[] old = cbor.writeValueAsBytes(Map.of("profile", Map.of("displayName", "Somchai", "language", "th")));
    int id = serialization.findSerializerFor(v1().get("state")).identifier();
    Customer.State read = (Customer.State) serialization.deserialize(old, id, Customer.State.class.getName()).get();
    assertThat(read.status()).isEqualTo(CustomerView.Status.UNKNOWN);
    assertThat(read.activities()).isEmpty();
    assertThat(read.recentProductViews()).isEmpty();
    assertThat(read.recentSearches()).isEmpty();
    assertThat(read.orderedProductIds()).isEmpty();
    assertThat(read.recentActivityIds()).isEmpty();
    assertThat(read.profile().preferences()).isEmpty();
    assertThat(read.profile().interests()).isEmpty();
  }
}
