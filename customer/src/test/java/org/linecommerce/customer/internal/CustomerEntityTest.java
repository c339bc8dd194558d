package org.linecommerce.customer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.customer.api.Activity;
import org.linecommerce.customer.api.CustomerCommand;
import org.linecommerce.customer.api.CustomerEvent;
import org.linecommerce.customer.api.CustomerSignals;
import org.linecommerce.customer.api.CustomerView;
import org.linecommerce.customer.api.ProfileUpdate;
import org.linecommerce.customer.api.UpdateResult;
import org.linecommerce.customer.api.UpdateResult.Outcome;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * The Customer entity on Pekko's EventSourcedBehaviorTestKit, with the project's serialization
 * settings and serialization checks on (every command, event and state goes through CBOR).
 */
class CustomerEntityTest {

  static final ActorTestKit testKit = ActorTestKit.create("CustomerEntityTest", config());
  private static final AtomicInteger ids = new AtomicInteger();

  static Config config() {
    return TestNodeConfig.eventSourcedTestKit();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final String id = "U" + ids.incrementAndGet();
  private final EventSourcedBehaviorTestKit<CustomerCommand, CustomerEvent, Customer.State> kit =
      EventSourcedBehaviorTestKit.create(testKit.system(), Customer.create(id),
          EventSourcedBehaviorTestKit.enabledSerializationSettings());

  private static ProfileUpdate profile(String name, String language, List<String> interests) {
    return new ProfileUpdate(name, language, List.of("no spicy food"), interests, null, null, null);
  }

  private CommandResultWithReply<CustomerCommand, CustomerEvent, Customer.State, StatusReply<UpdateResult>> update(ProfileUpdate u) {
    return kit.runCommand(r -> new CustomerCommand.UpdateProfile(u, MessageMeta.root("test", "corr-1"), r));
  }

  private CommandResultWithReply<CustomerCommand, CustomerEvent, Customer.State, StatusReply<UpdateResult>> activity(
      String type, String data) {
    return kit.runCommand(r -> new CustomerCommand.RecordActivity(type, data, null, "test", null, r));
  }

  private CustomerView get() {
    return kit.<CustomerView>runCommand(CustomerCommand.Get::new).reply();
  }

  private CustomerSignals signals() {
    return kit.<CustomerSignals>runCommand(CustomerCommand.GetSignals::new).reply();
  }

  @Test
  void registerFromLineProfileCreatesTheCustomerOnceWithANormalisedLanguage() {
    var created = kit.<StatusReply<UpdateResult>>runCommand(r ->
        new CustomerCommand.Register(" Somchai ", "th-TH", "https://profile.line-scdn.net/x", "hello", null, r));
    assertThat(created.reply().getValue().outcome()).isEqualTo(Outcome.CREATED);
    var registered = (CustomerEvent.CustomerRegistered) created.event();
    assertThat(registered.eventType()).isEqualTo("customer.created");
    assertThat(registered.profile().displayName()).isEqualTo("Somchai");
    assertThat(registered.profile().language()).isEqualTo("th");
    assertThat(registered.profile().pictureUrl()).isEqualTo("https://profile.line-scdn.net/x");
    assertThat(registered.profile().statusMessage()).isEqualTo("hello");
    assertThat(registered.meta().source()).isEqualTo("customer");

    var again = kit.<StatusReply<UpdateResult>>runCommand(r ->
        new CustomerCommand.Register("Other", "en", null, null, null, r));
    assertThat(again.reply().getValue().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(get().profile().displayName()).isEqualTo("Somchai");
  }

  @Test
  void updateCreatesThenUpdatesAndTheSameProfileAgainPersistsNothing() {
    var created = update(profile("Aiko", "ja-JP", List.of("matcha")));
    assertThat(created.reply().getValue().outcome()).isEqualTo(Outcome.CREATED);
    assertThat(created.event()).isInstanceOf(CustomerEvent.CustomerRegistered.class);
    assertThat(created.event().meta().correlationId()).isEqualTo("corr-1");
    assertThat(created.state().profile().language()).isEqualTo("ja");

    var updated = update(profile("Aiko", "ja", List.of("matcha", "sencha")));
    assertThat(updated.reply().getValue().outcome()).isEqualTo(Outcome.UPDATED);
    var event = (CustomerEvent.ProfileUpdated) updated.event();
    assertThat(event.eventType()).isEqualTo("customer.updated");
    assertThat(event.profile().interests()).containsExactly("matcha", "sencha");

    var same = update(profile(" Aiko ", "ja-JP", List.of("matcha", " sencha", "matcha")));
    assertThat(same.reply().getValue().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(same.hasNoEvents()).isTrue();

    // optional fields: null keeps them, a value changes them
    var consent = update(new ProfileUpdate("Aiko", "ja", List.of("no spicy food"), List.of("matcha", "sencha"),
        "https://example.com/a.png", null, true));
    assertThat(consent.state().profile().marketingConsent()).isTrue();
    var kept = update(profile("Aiko", "ja", List.of("matcha", "sencha")));
    assertThat(kept.hasNoEvents()).isTrue();
    assertThat(kept.state().profile().pictureUrl()).isEqualTo("https://example.com/a.png");
  }

  @Test
  void invalidValuesAreRefusedWithAClearMessageAndPersistNothing() {
    Map<ProfileUpdate, String> invalid = Map.of(
        profile(" ", "en", List.of()), "displayName is required",
        profile("x".repeat(201), "en", List.of()), "displayName is longer than 200",
        profile("A", "fr", List.of()), "language must be one of en, ja, th",
        profile("A", null, List.of()), "language is required",
        profile("A", "en", java.util.Collections.nCopies(51, "tea")), "interests has more than 50 items",
        profile("A", "en", List.of("t".repeat(101))), "longer than 100 characters",
        profile("A", "en", List.of(" ")), "must not contain empty items",
        new ProfileUpdate("A", "en", List.of(), List.of(), "ftp://x", null, null), "pictureUrl must be an http(s) URL",
        new ProfileUpdate("A", "en", List.of(), List.of(), null, "s".repeat(501), null), "statusMessage is longer");
    invalid.forEach((u, message) -> {
      var result = update(u);
      assertThat(result.reply().isError()).as(message).isTrue();
      assertThat(result.reply().getError().getMessage()).contains(message);
      assertThat(result.hasNoEvents()).isTrue();
    });
    var badActivity = activity("Product Viewed!", "{}");
    assertThat(badActivity.reply().getError().getMessage()).contains("type must be one of");
    assertThat(activity("searched", "[1,2]").reply().getError().getMessage()).contains("data must be a JSON object");
    assertThat(get().status()).isEqualTo(CustomerView.Status.UNKNOWN);
    assertThat(kit.persistenceTestKit().persistedInStorage("Customer|" + id)).isEmpty();
  }

  @Test
  void activityOfAnUnknownUserRegistersTheDefaultProfileAndTheStateKeepsOnlyTheLatestFifty() {
    var first = activity("message_sent", "{\"text\":\"hi\"}");
    assertThat(first.reply().getValue().outcome()).isEqualTo(Outcome.CREATED);
    assertThat(first.events()).hasSize(2);
    assertThat(first.events().get(0)).isInstanceOf(CustomerEvent.CustomerRegistered.class);
    var recorded = (CustomerEvent.ActivityRecorded) first.events().get(1);
    assertThat(recorded.eventType()).isEqualTo("customer.activity");
    assertThat(recorded.data()).isEqualTo("{\"text\":\"hi\"}");
    assertThat(get().profile().displayName()).isEqualTo("Customer");
    assertThat(get().profile().language()).isEqualTo("en");

    for (int i = 0; i < 60; i++) {
      assertThat(activity("product_viewed", "{\"productId\":\"p-" + i + "\"}").reply().getValue().outcome())
          .isEqualTo(Outcome.UPDATED);
    }
    activity("searched", "{\"query\":\"green tea\"}");
    activity("order_placed", "{\"orderId\":\"o-1\",\"items\":[{\"productId\":\"p-1\",\"quantity\":2},{\"productId\":\"p-2\"}]}");

    CustomerView view = get();
    assertThat(view.recentActivity()).hasSize(Customer.RECENT_ACTIVITY);
    assertThat(view.recentActivity().get(view.recentActivity().size() - 1).type()).isEqualTo(Activity.ORDER_PLACED);
    CustomerSignals s = signals();
    assertThat(s.recentProductViews()).hasSize(Customer.RECENT_SIGNALS).startsWith("p-59", "p-58");
    assertThat(s.recentSearches()).containsExactly("green tea");
    assertThat(s.orderedProductIds()).containsExactly("p-2", "p-1");
    // the journal keeps everything
    assertThat(kit.persistenceTestKit().persistedInStorage("Customer|" + id)).hasSize(2 + 60 + 2);
  }

  @Test
  void blockAndUnblockFollowTheLineAccountAndRepeatingThemPersistsNothing() {
    update(profile("Mali", "th", List.of()));
    var blocked = kit.<StatusReply<UpdateResult>>runCommand(r -> new CustomerCommand.Block(null, r));
    assertThat(blocked.event().eventType()).isEqualTo("customer.blocked");
    assertThat(blocked.reply().getValue().customer().blocked()).isTrue();
    assertThat(kit.<StatusReply<UpdateResult>>runCommand(r -> new CustomerCommand.Block(null, r)).hasNoEvents()).isTrue();
    var unblocked = kit.<StatusReply<UpdateResult>>runCommand(r -> new CustomerCommand.Unblock(null, r));
    assertThat(unblocked.event().eventType()).isEqualTo("customer.unblocked");
    assertThat(get().blocked()).isFalse();
  }

  @Test
  void blockEraseOfAnUnknownCustomerAreRefused() {
    assertThat(kit.<StatusReply<UpdateResult>>runCommand(r -> new CustomerCommand.Block(null, r)).reply().isError()).isTrue();
    assertThat(kit.<StatusReply<UpdateResult>>runCommand(r -> new CustomerCommand.Erase(null, r)).reply().isError()).isTrue();
    assertThat(kit.persistenceTestKit().persistedInStorage("Customer|" + id)).isEmpty();
  }

  @Test
  void erasureLeavesATombstoneWithoutPersonalDataInStateAndSnapshotAndSurvivesARestart() {
    update(new ProfileUpdate("Aiko Tanaka", "ja", List.of("vegan"), List.of("matcha"), "https://example.com/aiko.png",
        "busy", true));
    activity("product_viewed", "{\"productId\":\"matcha-powder-1\"}");
    activity("searched", "{\"query\":\"aiko's secret search\"}");

    var erased = kit.<StatusReply<UpdateResult>>runCommand(r -> new CustomerCommand.Erase(null, r));
    assertThat(erased.reply().getValue().outcome()).isEqualTo(Outcome.ERASED);
    var event = (CustomerEvent.CustomerErased) erased.event();
    assertThat(event.eventType()).isEqualTo("customer.erased");
    assertNothingPersonal(erased.state());

    // a snapshot of the tombstone was saved at once, and it holds nothing personal
    var snapshots = kit.snapshotTestKit().orElseThrow();
    var saved = snapshots.expectNextPersistedClass("Customer|" + id, Customer.State.class);
    assertNothingPersonal(saved);
    assertThat(kit.persistenceTestKit().persistedInStorage("Customer|" + id)).as("events stay in the journal").hasSize(4);

    var restarted = kit.restart();
    assertNothingPersonal(restarted.state());
    assertThat(get().status()).isEqualTo(CustomerView.Status.ERASED);
    assertThat(get().profile()).isNull();
    assertThat(signals()).isEqualTo(CustomerSignals.EMPTY);

    // erased: activity and a second erase are refused; a PUT registers a fresh profile
    assertThat(activity("message_sent", "{}").reply().isError()).isTrue();
    assertThat(kit.<StatusReply<UpdateResult>>runCommand(r -> new CustomerCommand.Erase(null, r)).reply().isError()).isTrue();
    var fresh = update(profile("New", "en", List.of()));
    assertThat(fresh.reply().getValue().outcome()).isEqualTo(Outcome.CREATED);
    assertThat(fresh.state().activities()).isEmpty();
    assertThat(fresh.state().recentProductViews()).isEmpty();
    assertThat(fresh.state().profile().marketingConsent()).isFalse();
  }

  private static void assertNothingPersonal(Customer.State s) {
    assertThat(s.status()).isEqualTo(CustomerView.Status.ERASED);
    assertThat(s.profile()).isNull();
    assertThat(s.activities()).isEmpty();
    assertThat(s.recentProductViews()).isEmpty();
    assertThat(s.recentSearches()).isEmpty();
    assertThat(s.orderedProductIds()).isEmpty();
    assertThat(s.createdAt()).isNull();
    assertThat(s.toString()).doesNotContain("Aiko", "vegan", "matcha", "busy", "secret", "example.com");
  }

  @Test
  void timestampsAreKeptAsGiven() {
    Instant at = Instant.parse("2026-11-01T10:15:30Z");
    var r = kit.<StatusReply<UpdateResult>>runCommand(x -> new CustomerCommand.RecordActivity("followed", null, at, null, null, x));
    var recorded = (CustomerEvent.ActivityRecorded) r.events().get(1);
    assertThat(recorded.timestamp()).isEqualTo(at);
    assertThat(recorded.data()).isEqualTo("{}");
    assertThat(recorded.source()).isEqualTo("api");
  }

  @Test
  void anActivityWithAnIdIsRecordedOnceHoweverOftenItIsSent() {
    var first = kit.<StatusReply<UpdateResult>>runCommand(r ->
        new CustomerCommand.RecordActivity("order_placed", "{\"orderId\":\"o-1\",\"productIds\":[\"tea-1\"]}", null,
            "orders", "event-m-1", null, r));
    assertThat(first.reply().isSuccess()).isTrue();
    assertThat(first.events()).hasSize(2); // registered with the default profile, then the activity
    var again = kit.<StatusReply<UpdateResult>>runCommand(r ->
        new CustomerCommand.RecordActivity("order_placed", "{\"orderId\":\"o-1\",\"productIds\":[\"tea-1\"]}", null,
            "orders", "event-m-1", null, r));
    assertThat(again.reply().getValue().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(again.hasNoEvents()).isTrue();
    var other = kit.<StatusReply<UpdateResult>>runCommand(r ->
        new CustomerCommand.RecordActivity("order_placed", "{\"orderId\":\"o-2\"}", null, "orders", "event-m-2", null, r));
    assertThat(other.events()).hasSize(1);
    kit.restart(); // the ids survive recovery
    var afterRestart = kit.<StatusReply<UpdateResult>>runCommand(r ->
        new CustomerCommand.RecordActivity("order_placed", "{\"orderId\":\"o-1\"}", null, "orders", "event-m-1", null, r));
    assertThat(afterRestart.hasNoEvents()).isTrue();
    assertThat(get().recentActivity()).hasSize(2);
    assertThat(signals().orderedProductIds()).containsExactly("tea-1");
  }
}
