package org.linecommerce.catalog.api;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.runtime.CborSerializable;

/**
 * The messages of {@code CatalogSearch}, the search read model every catalog node runs (its own
 * Lucene index, fed from the product events in the journal) and registers with the Receptionist
 * under {@link #SERVICE_KEY}. Any node, with or without the catalog role, reaches one through
 * {@link CatalogSearchClient}; the messages are public so that other code may ask it directly.
 *
 * <p>Replies are {@link StatusReply}: success with the record, or an error when the index failed.
 */
public final class CatalogSearchProtocol {

  public static final ServiceKey<Command> SERVICE_KEY = ServiceKey.create(Command.class, "catalog-search");

  private CatalogSearchProtocol() {}

  public sealed interface Command extends CborSerializable {}

  /** Searches (or browses); replies one page of hits. */
  public record Search(SearchQuery query, ActorRef<StatusReply<SearchPage>> replyTo) implements Command {}

  /** Looks one product up, texts in {@code language} (null = en); replies a lookup, empty when unknown. */
  public record GetProduct(String productId, String language, ActorRef<StatusReply<ProductLookup>> replyTo)
      implements Command {}

  /** Recommends products; replies them best first. */
  public record Recommend(RecommendQuery query, ActorRef<StatusReply<Recommendations>> replyTo)
      implements Command {}

  /** The answer to {@link GetProduct}: the product, or null when the catalog has no such product. */
  public record ProductLookup(ProductView product) implements CborSerializable {
    public Optional<ProductView> toOptional() {
      return Optional.ofNullable(product);
    }
  }

  /** The answer to {@link Recommend}. */
  public record Recommendations(List<SearchHit> items) implements CborSerializable {
    public Recommendations {
      items = items == null ? List.of() : List.copyOf(items);
    }
  }
}
