package org.linecommerce.reliability;

import java.util.Collection;
import java.util.List;
import org.linecommerce.testkit.FakeLinePlatform;

/** What the scenarios check at the fake LINE platform: each chat (one event each) answered exactly once. */
final class LineChecks {

  private LineChecks() {}

  /** The chats of {@code chats} with no delivery. */
  static List<String> notAnswered(FakeLinePlatform line, Collection<String> chats) {
    return chats.stream().filter(chat -> line.deliveriesTo(chat).isEmpty()).toList();
  }

  /** The chats of {@code chats} with more than one delivery. */
  static List<String> answeredMoreThanOnce(FakeLinePlatform line, Collection<String> chats) {
    return chats.stream().filter(chat -> line.deliveriesTo(chat).size() > 1).toList();
  }
}
