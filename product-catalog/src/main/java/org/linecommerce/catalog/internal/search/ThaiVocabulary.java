package org.linecommerce.catalog.internal.search;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Thai words of the catalog's own texts as the index cut them, grown as products are indexed
 * (never shrunk: a word no product uses any more only costs a lookup). Queries are segmented
 * against it too ({@link ProductAnalysis#thaiVocabularyTerms}).
 */
final class ThaiVocabulary {

  private final Set<String> words = ConcurrentHashMap.newKeySet();
  private final AtomicInteger maxLength = new AtomicInteger();

  void addAll(Iterable<String> newWords) {
    for (String w : newWords) {
      if (words.add(w)) maxLength.accumulateAndGet(w.length(), Math::max);
    }
  }

  Set<String> words() {
    return words;
  }

  /** Whether {@code text} is a word or part of one (the index keeps มัทฉะ inside เขียวมัทฉะ). */
  boolean hasWordContaining(String text) {
    if (words.contains(text)) return true;
    for (String w : words) if (w.contains(text)) return true;
    return false;
  }

  int maxLength() {
    return maxLength.get();
  }
}
