package org.linecommerce.conversation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.conversation.api.ConversationClient;
import org.linecommerce.conversation.internal.ConversationProfileProjectionHandler.Reaction;
import org.linecommerce.customer.api.CustomerEvent;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.subscription.EventDelivery;
import org.linecommerce.testkit.NodeTestKit;

/**
 * Which customer events change a conversation and how ({@code conversation-profile}), and that a
 * delivery the conversation did not apply fails, so the subscription retries and dead-letters it.
 * The node here runs no Conversation entity: an event the handler ignores must complete without
 * asking, and one it must apply fails.
 */
class ConversationProfileProjectionHandlerTest {

  @RegisterExtension static final NodeTestKit kit = NodeTestKit.h2();

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final MessageMeta META = MessageMeta.root("test", "corr");
  private static final CustomerProfile AIKO =
      new CustomerProfile("Aiko", "ja", null, null, List.of("no spicy food"), List.of("matcha"), true);

  private static Optional<Reaction> reaction(CustomerEvent e) {
    return ConversationProfileProjectionHandler.reactionTo(e, MAPPER);
  }

  private static CustomerEvent.ActivityRecorded activity(String type, String data) {
    return new CustomerEvent.ActivityRecorded("U1", type, data, Instant.now(), "api", META, null);
  }

  @Test
  void createdAndUpdatedProfilesRefreshTheConversationsProfile() {
    assertThat(reaction(new CustomerEvent.CustomerRegistered("U1", AIKO, META)))
        .contains(new Reaction.RefreshProfile("U1", AIKO));
    assertThat(reaction(new CustomerEvent.ProfileUpdated("U1", AIKO, META)))
        .contains(new Reaction.RefreshProfile("U1", AIKO));
  }

  @Test
  void anErasedCustomerIsForgottenByANullProfile() {
    assertThat(reaction(new CustomerEvent.CustomerErased("U1", Instant.now(), META)))
        .contains(new Reaction.RefreshProfile("U1", null));
  }

  @Test
  void aProductViewedActivityNotesItsProductIdsInOrderWithoutDuplicates() {
    assertThat(reaction(activity("product_viewed", "{\"productId\":\"tea-1\"}")))
        .contains(new Reaction.NoteViewedProducts("U1", List.of("tea-1")));
    assertThat(reaction(activity("product_viewed", "{\"productId\":\"tea-1\",\"productIds\":[\"tea-2\",\"tea-1\",\" tea-3 \"]}")))
        .contains(new Reaction.NoteViewedProducts("U1", List.of("tea-1", "tea-2", "tea-3")));
  }

  @Test
  void productIdsThatAreNotStringsOrBlankAreSkippedAndAtMost20AreKept() {
    assertThat(reaction(activity("product_viewed", "{\"productIds\":[1,null,\"\",\"  \",{\"id\":\"x\"},\"ok\"]}")))
        .contains(new Reaction.NoteViewedProducts("U1", List.of("ok")));
    String many = "{\"productIds\":[" + String.join(",",
        java.util.stream.IntStream.range(0, 30).mapToObj(i -> "\"p" + i + "\"").toList()) + "]}";
    assertThat(((Reaction.NoteViewedProducts) reaction(activity("product_viewed", many)).orElseThrow()).productIds())
        .hasSize(20).startsWith("p0").endsWith("p19");
  }

  @Test
  void otherEventsAndProductViewsWithoutIdsAreIgnored() {
    assertThat(reaction(activity("searched", "{\"query\":\"matcha\"}"))).isEmpty();
    assertThat(reaction(activity("order_placed", "{\"productIds\":[\"tea-1\"]}"))).isEmpty();
    assertThat(reaction(activity("product_viewed", "{}"))).isEmpty();
    assertThat(reaction(activity("product_viewed", "not json"))).isEmpty();
    assertThat(reaction(activity("product_viewed", "[\"tea-1\"]"))).isEmpty();
    assertThat(reaction(activity("product_viewed", null))).isEmpty();
    assertThat(reaction(new CustomerEvent.CustomerBlocked("U1", META))).isEmpty();
    assertThat(reaction(new CustomerEvent.CustomerUnblocked("U1", META))).isEmpty();
  }

  @Test
  void anIgnoredEventCompletesWithoutAskingAnyConversation() throws Exception {
    ConversationProfileProjectionHandler handler = handler();
    for (CustomerEvent e : List.of(new CustomerEvent.CustomerBlocked("U1", META), activity("searched", "{}"),
        activity("product_viewed", "{}"))) {
      assertThat(await(handler.handle(delivery(e)))).isEqualTo(Done.getInstance());
    }
  }

  @Test
  void aDeliveryTheConversationDidNotApplyFailsSoTheSubscriptionRetriesIt() {
    ConversationProfileProjectionHandler handler = handler();
    // no Conversation entity runs on this node: the ask fails
    assertThatThrownBy(() -> await(handler.handle(delivery(new CustomerEvent.ProfileUpdated("U1", AIKO, META)))))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("not applied to the conversation of U1");
    assertThatThrownBy(() -> await(handler.handle(delivery(activity("product_viewed", "{\"productId\":\"tea-1\"}")))))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("viewed products");
    // a refusal fails it too (here the client's own: an event without a user id)
    assertThatThrownBy(() -> await(handler.handle(delivery(new CustomerEvent.CustomerErased(" ", Instant.now(), META)))))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("REJECTED");
  }

  private static ConversationProfileProjectionHandler handler() {
    return new ConversationProfileProjectionHandler(new ConversationClient(kit.system()), Json.mapper(kit.system()));
  }

  static EventDelivery<CustomerEvent> delivery(CustomerEvent e) {
    return new EventDelivery<>(ConversationProfileProjection.NAME, "Customer|" + e.userId(), 7, e, Instant.now(), 1, false);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
  }
}
