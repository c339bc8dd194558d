package org.linecommerce.runtime.subscription;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The tag scheme every domain uses: an entity type's events are spread over {@code count} tags
 * {@code prefix-0 … prefix-(count-1)}, an entity's events all carrying the tag chosen by
 * {@code Math.abs(entityId.hashCode() % count)}. Each tag is read by one projection instance of
 * every subscription, so {@code count} is also how far a subscription can be spread over the
 * cluster. The entity ({@code tagsFor}) and its subscribers build the same {@code EventTags}, so
 * they agree on the list:
 *
 * <pre>{@code
 * static final EventTags TAGS = EventTags.of("customer", 4);
 * public Set<String> tagsFor(Event e) { return TAGS.tagsFor(customerId); }
 * EventSubscription.start(system, "gateway-customer-events", Customer.TAGS, Customer.Event.class, handler);
 * }</pre>
 *
 * <p>Changing {@code count} (or the prefix) once events are stored splits old and new events over
 * different tags: existing subscriptions would miss events. Treat both as part of the schema.
 *
 * @param prefix tag prefix, usually the entity type name in lower case
 * @param count number of tags, at least 1
 */
public record EventTags(String prefix, int count) {

  public EventTags {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isBlank()) throw new IllegalArgumentException("tag prefix must not be blank");
    if (count < 1) throw new IllegalArgumentException("tag count must be at least 1, got " + count);
  }

  public static EventTags of(String prefix, int count) {
    return new EventTags(prefix, count);
  }

  /** {@code prefix} with {@code linecommerce.subscriptions.tag-count} tags. */
  public static EventTags fromConfig(ActorSystem<?> system, String prefix) {
    return new EventTags(prefix, system.settings().config().getInt("linecommerce.subscriptions.tag-count"));
  }

  /** Every tag, in index order: {@code prefix-0 … prefix-(count-1)}. */
  public List<String> all() {
    return IntStream.range(0, count).mapToObj(this::tag).toList();
  }

  /** The tag with index {@code index} (0-based). */
  public String tag(int index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException("tag index " + index + " outside 0.." + (count - 1));
    }
    return prefix + "-" + index;
  }

  /** The tag of every event of entity {@code entityId}. */
  public String tagFor(String entityId) {
    return tag(Math.abs(entityId.hashCode() % count));
  }

  /** {@link #tagFor} as the set an entity's {@code tagsFor} returns. */
  public Set<String> tagsFor(String entityId) {
    return Set.of(tagFor(entityId));
  }
}
