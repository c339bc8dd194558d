package org.linecommerce.conversation.internal.nlu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Weighted terms of one language, matched on analysed words rather than on literal text: each term is cut by the
 * same chain as the messages, so a term matches every inflection its stem or base form covers. Matching is greedy
 * longest-first from the left and takes the words it matched (they are no product text). Also tolerates typos in
 * English words and finds Japanese terms written in kana by their Kuromoji reading.
 */
final class Lexicon {

  /** A term of class {@code cls} (an intent label, a cue, {@code stop}, or a variant's "kind value"). */
  record Entry(String cls, double weight, String term) {}

  private final Map<String, List<Entry>> byNorm = new HashMap<>();
  private final Map<String, List<Entry>> bySurface = new HashMap<>();
  private Map<String, List<Entry>> byReading = new HashMap<>();
  /** Every single word of every term (norm and surface): a known word is never "corrected". */
  private final Set<String> known = new HashSet<>();
  /** Single-word intent and cue terms of five letters or more, by norm: the targets of typo correction. */
  private final Map<String, String> typoTargets = new HashMap<>();
  private final String separator;
  private final boolean surfaceOnly;
  private int maxWords = 1;

  Lexicon(List<Entry> entries, Function<String, List<Word>> analyse, String separator, boolean surfaceOnly) {
    this.separator = separator;
    this.surfaceOnly = surfaceOnly;
    for (Entry e : entries) {
      List<Word> words = analyse.apply(e.term());
      if (words.isEmpty()) continue;
      maxWords = Math.max(maxWords, words.size());
      add(bySurface, join(words, 0, words.size(), false), e);
      // stop words match as written: "one" stems to "on", which is no reason to drop it
      if (!surfaceOnly && !e.cls().equals("stop")) add(byNorm, join(words, 0, words.size(), true), e);
      for (Word w : words) {
        known.add(w.surface);
        known.add(w.norm);
      }
      if (words.size() == 1 && !e.cls().equals("stop") && words.get(0).norm.length() >= 5) {
        typoTargets.put(words.get(0).norm, words.get(0).surface);
      }
      String reading = reading(words);
      if (reading != null && reading.length() >= 3) {
        byReading.computeIfAbsent(reading, k -> new ArrayList<>()).add(e);
      }
    }
    Map<String, List<Entry>> longestFirst = new java.util.LinkedHashMap<>();
    byReading.keySet().stream().sorted(java.util.Comparator.comparingInt(String::length).reversed())
        .forEach(k -> longestFirst.put(k, byReading.get(k)));
    byReading = longestFirst;
  }

  private static void add(Map<String, List<Entry>> byKey, String key, Entry e) {
    List<Entry> list = byKey.computeIfAbsent(key, k -> new ArrayList<>());
    if (!list.contains(e)) list.add(e);
  }

  /** The entries of a resource file: lines {@code <class> <weight>: term | term}, {@code #} comments. */
  static List<Entry> parse(String resource) {
    List<Entry> out = new ArrayList<>();
    for (String line : lines(resource)) {
      int colon = line.indexOf(':');
      if (colon < 0) throw new IllegalArgumentException(resource + ": no ':' in " + line);
      String[] head = line.substring(0, colon).trim().split("\\s+");
      String cls = head[0];
      double weight = head.length > 1 ? Double.parseDouble(head[1]) : 0;
      for (String term : line.substring(colon + 1).split("\\|")) {
        String t = term.trim();
        if (!t.isEmpty()) out.add(new Entry(cls, weight, t));
      }
    }
    return out;
  }

  /** The non-empty, non-comment lines of a UTF-8 class-path resource. */
  static List<String> lines(String resource) {
    InputStream in = Lexicon.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) throw new IllegalStateException("missing resource " + resource);
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) out.add(t);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  boolean knows(String word) {
    return known.contains(word);
  }

  /** Every single word the terms are made of (for the Thai segmentation vocabulary). */
  Set<String> words() {
    return known;
  }

  /**
   * Rewrites the norm of each unmatched Latin word of four letters or more that this lexicon does not know to the
   * nearest single-word term (same first letter, edit distance ≤ 1, or ≤ 2 from eight letters): "stok" → stock,
   * "dissapointed" → disappoint.
   */
  void correctTypos(List<Word> words, Predicate<String> alsoKnown) {
    for (Word w : words) {
      if (w.consumed || !w.isLatin()) continue;
      if (known.contains(w.norm) || known.contains(w.surface) || alsoKnown.test(w.surface)) continue;
      String collapsed = collapse(w.surface);
      if (collapsed != null) {
        w.norm = WordChains.stem(collapsed);
        continue;
      }
      if (w.surface.length() < 4) continue;
      int allowed = w.surface.length() >= 8 ? 2 : 1;
      String best = null;
      int bestDistance = allowed + 1;
      for (Map.Entry<String, String> t : typoTargets.entrySet()) {
        String norm = t.getKey();
        if (norm.charAt(0) != w.surface.charAt(0) || Math.abs(norm.length() - w.norm.length()) > allowed + 1) continue;
        int d = Math.min(EditDistance.of(w.norm, norm, allowed), EditDistance.of(w.surface, t.getValue(), allowed));
        if (d < bestDistance) {
          bestDistance = d;
          best = norm;
        }
      }
      if (best != null) w.norm = best;
    }
  }

  private static final Pattern REPEATS = Pattern.compile("(\\p{L})\\1+");

  /** A chat elongation of a known word ("heyy", "thanksss", "pleaseee"): the known word, else null. */
  private String collapse(String word) {
    if (!REPEATS.matcher(word).find()) return null;
    String once = REPEATS.matcher(word).replaceAll("$1");
    if (known.contains(once) || known.contains(WordChains.stem(once))) return once;
    String twice = REPEATS.matcher(word).replaceAll("$1$1");
    if (!twice.equals(word) && (known.contains(twice) || known.contains(WordChains.stem(twice)))) return twice;
    return null;
  }

  /** Matches terms on the words not yet taken, longest first, and takes the words of every match. */
  List<Entry> match(List<Word> words) {
    List<Entry> hits = new ArrayList<>();
    int n = words.size();
    for (int i = 0; i < n; i++) {
      if (words.get(i).consumed) continue;
      for (int len = Math.min(maxWords, n - i); len >= 1; len--) {
        if (anyConsumed(words, i, i + len)) continue;
        List<Entry> found = surfaceOnly ? null : byNorm.get(join(words, i, i + len, true));
        if (found == null) found = bySurface.get(join(words, i, i + len, false));
        if (found == null) continue;
        // one word counts once per class: terms sharing a stem ("arrive", "arrived") must not add up
        Map<String, Entry> perClass = new java.util.LinkedHashMap<>();
        for (Entry e : found) perClass.merge(e.cls(), e, (a, b) -> a.weight() >= b.weight() ? a : b);
        hits.addAll(perClass.values());
        for (int k = i; k < i + len; k++) words.get(k).consumed = true;
        i += len - 1;
        break;
      }
    }
    if (!byReading.isEmpty()) matchReadings(words, hits);
    return hits;
  }

  /** Terms written in kana (ちゅうもん for 注文): found by reading in the untaken kana words. */
  private void matchReadings(List<Word> words, List<Entry> hits) {
    StringBuilder kana = new StringBuilder();
    List<Integer> owner = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      Word w = words.get(i);
      if (w.consumed || !isKana(w.surface)) continue;
      String k = toKatakana(w.surface);
      kana.append(k);
      for (int c = 0; c < k.length(); c++) owner.add(i);
      kana.append('\u0000');
      owner.add(-1);
    }
    if (kana.length() < 3) return;
    // a reading may run over words Kuromoji cut wrongly (ち / ゅうもんしたい), so the separators are dropped
    String joined = kana.toString().replace("\u0000", "");
    List<Integer> joinedOwner = owner.stream().filter(o -> o >= 0).toList();
    for (Map.Entry<String, List<Entry>> r : byReading.entrySet()) {
      int at = joined.indexOf(r.getKey());
      if (at < 0) continue;
      boolean free = true;
      for (int c = at; c < at + r.getKey().length(); c++) free &= !words.get(joinedOwner.get(c)).consumed;
      if (!free) continue;
      hits.addAll(r.getValue());
      for (int c = at; c < at + r.getKey().length(); c++) words.get(joinedOwner.get(c)).consumed = true;
    }
  }

  private static boolean anyConsumed(List<Word> words, int from, int to) {
    for (int k = from; k < to; k++) if (words.get(k).consumed) return true;
    return false;
  }

  private String join(List<Word> words, int from, int to, boolean norms) {
    StringBuilder b = new StringBuilder();
    for (int k = from; k < to; k++) {
      if (k > from) b.append(separator);
      b.append(norms ? words.get(k).norm : words.get(k).surface);
    }
    return b.toString();
  }

  private static String reading(List<Word> words) {
    StringBuilder b = new StringBuilder();
    for (Word w : words) {
      String r = w.reading != null ? w.reading : isKana(w.surface) ? toKatakana(w.surface) : null;
      if (r == null) return null;
      b.append(r);
    }
    return b.toString();
  }

  static boolean isKana(String s) {
    return !s.isEmpty() && s.codePoints().allMatch(c -> (c >= 0x3041 && c <= 0x309F) || (c >= 0x30A0 && c <= 0x30FF));
  }

  static String toKatakana(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) b.append(c >= 0x3041 && c <= 0x3096 ? (char) (c + 0x60) : c);
    return b.toString();
  }
}
