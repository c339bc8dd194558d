package org.linecommerce.catalog.search;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.subscription.EventTags;

/**
 * Test-only writer of product events, standing in for the real Product entity: persists whatever
 * {@link ProductEvent}s a test gives it under the Product entity's persistence id
 * ({@code Product|<id>}) and tags ({@code product-0..N-1} by {@link EventTags}), so the search read
 * model is tested against the journal exactly as it will be fed in production. Each write spawns a
 * short-lived local writer (recovers the product's sequence number, persists, replies, stops), so
 * events never cross the wire; tests write one product's events one call at a time.
 */
final class ProductJournal extends EventSourcedBehavior<ProductJournal.Persist, ProductEvent, Long> {

  /** Persists {@code events} (all of this entity's product) in one write; replies once stored. */
  record Persist(List<ProductEvent> events, ActorRef<Done> replyTo) implements CborSerializable {}

  private final EventTags tags;
  private final String productId;

  private ProductJournal(String productId, EventTags tags) {
    super(PersistenceId.of("Product", productId));
    this.productId = productId;
    this.tags = tags;
  }

  /** Persists {@code events} of one product; completes when they are stored. */
  static CompletionStage<Done> persist(ActorSystem<?> system, List<ProductEvent> events) {
    return persist(system, events, Duration.ofSeconds(15));
  }

  static CompletionStage<Done> persist(ActorSystem<?> system, List<ProductEvent> events, Duration timeout) {
    String id = events.get(0).productId();
    EventTags tags = EventTags.fromConfig(system, ProductEvent.TAG_PREFIX);
    ActorRef<Persist> writer = system.systemActorOf(
        new ProductJournal(id, tags), "test-product-writer-" + UUID.randomUUID(), Props.empty());
    return AskPattern.ask(writer, replyTo -> new Persist(events, replyTo), timeout, system.scheduler());
  }

  static CompletionStage<Done> persist(ActorSystem<?> system, ProductEvent... events) {
    return persist(system, List.of(events));
  }

  @Override
  public Long emptyState() {
    return 0L;
  }

  @Override
  public CommandHandler<Persist, ProductEvent, Long> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Persist.class, (state, cmd) -> Effect().persist(cmd.events()).thenRun(s -> cmd.replyTo().tell(Done.getInstance())).thenStop())
        .build();
  }

  @Override
  public EventHandler<Long, ProductEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state + 1);
  }

  @Override
  public Set<String> tagsFor(ProductEvent event) {
    return tags.tagsFor(productId);
  }
}
