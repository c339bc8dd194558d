package org.linecommerce.runtime.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The tag scheme entities and subscriptions share, and the retry backoff. */
class EventTagsTest {

  private final EventTags tags = EventTags.of("customer", 4);

  @Test
  void allListsPrefixZeroToCountMinusOne() {
    assertThat(tags.all()).containsExactly("customer-0", "customer-1", "customer-2", "customer-3");
  }

  @Test
  void anEntitysTagIsAbsOfHashCodeModuloCountAndAlwaysOneOfAll() {
    IntStream.range(0, 500).mapToObj(i -> UUID.randomUUID().toString()).forEach(id -> {
      assertThat(tags.tagFor(id)).isEqualTo("customer-" + Math.abs(id.hashCode() % 4));
      assertThat(tags.all()).contains(tags.tagFor(id));
      assertThat(tags.tagsFor(id)).containsExactly(tags.tagFor(id));
    });
    // "polygenelubricants".hashCode() == Integer.MIN_VALUE: abs of the remainder, not of the hash
    assertThat("polygenelubricants".hashCode()).isEqualTo(Integer.MIN_VALUE);
    assertThat(EventTags.of("x", 3).tagFor("polygenelubricants")).isIn(EventTags.of("x", 3).all());
  }

  @Test
  void aTagSchemeNeedsAPrefixAndAtLeastOneTag() {
    assertThatThrownBy(() -> EventTags.of("customer", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventTags.of(" ", 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tags.tag(4)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void retryBackoffDoublesPerAttemptUpToTheMaximum() {
    SubscriptionSettings settings = new SubscriptionSettings(
        5, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(30), Optional.empty());
    assertThat(settings.backoffAfter(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(settings.backoffAfter(2)).isEqualTo(Duration.ofMillis(400));
    assertThat(settings.backoffAfter(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(settings.backoffAfter(4)).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.backoffAfter(60)).isEqualTo(Duration.ofSeconds(1));
  }
}
