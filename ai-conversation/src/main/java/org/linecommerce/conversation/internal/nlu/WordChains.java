package org.linecommerce.conversation.internal.nlu;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.ja.JapaneseTokenizer;
import org.apache.lucene.analysis.ja.tokenattributes.BaseFormAttribute;
import org.apache.lucene.analysis.ja.tokenattributes.PartOfSpeechAttribute;
import org.apache.lucene.analysis.ja.tokenattributes.ReadingAttribute;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.th.ThaiTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/**
 * The word chains of the three languages, built once and shared: Lucene analyzers are thread-safe (each thread
 * reuses its own token stream components), so one chain serves every conversation.
 *
 * <ul>
 *   <li>English: standard tokenizer, lower case; each word is matched on its Porter stem ("boxes" → "box",
 *       "ordered" → "order").
 *   <li>Japanese: Kuromoji (normal mode) with base forms ("注文しました" → 注文 / する / ます / た) and parts of
 *       speech, which decide what can name a product (nouns) and what cannot (particles 助詞, auxiliaries 助動詞).
 *   <li>Thai: the dictionary segmentation of {@link ThaiTokenizer} (the JDK's Thai break iterator), re-cut where
 *       the shop vocabulary (lexicon, particles, numbers, variant words) fits the text better: the JDK dictionary
 *       does not know chat words and sometimes glues a particle to the next syllable ("เท่า|ไห|ร่ครับ").
 * </ul>
 */
final class WordChains {

  private static final Analyzer ENGLISH = new Analyzer() {
    @Override
    protected TokenStreamComponents createComponents(String field) {
      Tokenizer source = new StandardTokenizer();
      return new TokenStreamComponents(source, new LowerCaseFilter(source));
    }
  };

  private static final Analyzer STEMMER = new Analyzer() {
    @Override
    protected TokenStreamComponents createComponents(String field) {
      Tokenizer source = new KeywordTokenizer();
      return new TokenStreamComponents(source, new PorterStemFilter(source));
    }
  };

  private static final Analyzer JAPANESE = new Analyzer() {
    @Override
    protected TokenStreamComponents createComponents(String field) {
      Tokenizer source = new JapaneseTokenizer(null, true, JapaneseTokenizer.Mode.NORMAL);
      return new TokenStreamComponents(source);
    }
  };

  private static final Analyzer THAI = new Analyzer() {
    @Override
    protected TokenStreamComponents createComponents(String field) {
      Tokenizer source = new ThaiTokenizer();
      return new TokenStreamComponents(source, new LowerCaseFilter(source));
    }
  };

  private static final int STEM_CACHE_LIMIT = 50_000;
  private static final Map<String, String> STEMS = new ConcurrentHashMap<>();

  private WordChains() {}

  static List<Word> words(String language, String text, Set<String> thaiVocabulary) {
    return switch (language) {
      case LanguageDetector.JAPANESE -> japanese(text);
      case LanguageDetector.THAI -> thai(text, thaiVocabulary);
      default -> english(text);
    };
  }

  static List<Word> english(String text) {
    List<Word> out = new ArrayList<>();
    try (TokenStream ts = ENGLISH.tokenStream("en", new StringReader(text))) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        String surface = term.toString();
        Word w = new Word(surface, stem(surface), null, offset.startOffset(), offset.endOffset());
        if (w.hasLetterOrDigit()) out.add(w);
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static List<Word> japanese(String text) {
    List<Word> out = new ArrayList<>();
    try (TokenStream ts = JAPANESE.tokenStream("ja", new StringReader(text))) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      BaseFormAttribute base = ts.addAttribute(BaseFormAttribute.class);
      PartOfSpeechAttribute pos = ts.addAttribute(PartOfSpeechAttribute.class);
      ReadingAttribute reading = ts.addAttribute(ReadingAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        String surface = term.toString();
        String norm = base.getBaseForm() == null ? surface : base.getBaseForm();
        Word w = new Word(surface, norm, pos.getPartOfSpeech(), offset.startOffset(), offset.endOffset());
        w.reading = reading.getReading();
        if (w.isLatin()) w.norm = stem(surface);
        if (w.hasLetterOrDigit()) out.add(w);
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static List<Word> thai(String text, Set<String> vocabulary) {
    List<Word> out = new ArrayList<>();
    List<int[]> run = new ArrayList<>();
    try (TokenStream ts = THAI.tokenStream("th", new StringReader(text))) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        String surface = term.toString();
        int start = offset.startOffset();
        int end = offset.endOffset();
        boolean thai = surface.codePoints().allMatch(LanguageDetector::isThai);
        if (thai && (run.isEmpty() || run.get(run.size() - 1)[1] == start)) {
          run.add(new int[] {start, end});
          continue;
        }
        segment(text, run, vocabulary, out);
        run.clear();
        if (thai) {
          run.add(new int[] {start, end});
          continue;
        }
        Word w = new Word(surface, surface, null, start, end);
        if (w.isLatin()) w.norm = stem(surface);
        if (w.hasLetterOrDigit()) out.add(w);
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    segment(text, run, vocabulary, out);
    return out;
  }

  private static final int LONGEST_SHOP_WORD = 24;

  /**
   * Re-cuts a stretch of Thai that the JDK dictionary cut into {@code tokens}: the pieces may be the JDK's words,
   * the shop vocabulary's words found anywhere in the stretch, or the halves of a JDK word next to a shop word it
   * swallowed ("ร่ครับ" → ร่ / ครับ). A shop word costs 1, any other piece 2, the cheapest cut wins, and among
   * equals the one whose shop words cover most characters: "เท่า|ไห|ร่ครับ" becomes เท่าไหร่ / ครับ, "แต๊งกิ้วค่า"
   * becomes แต๊งกิ้ว / ค่า, while the JDK's ไฟฟ้า is not broken into ไฟ / ฟ้า.
   */
  private static void segment(String text, List<int[]> tokens, Set<String> vocabulary, List<Word> out) {
    if (tokens.isEmpty()) return;
    int base = tokens.get(0)[0];
    int n = tokens.get(tokens.size() - 1)[1] - base;
    String s = text.substring(base, base + n);
    List<List<int[]>> edges = new ArrayList<>(); // from i: {end, characters covered by a shop word}
    for (int i = 0; i <= n; i++) edges.add(new ArrayList<>());
    for (int[] t : tokens) {
      int from = t[0] - base;
      int to = t[1] - base;
      edges.get(from).add(new int[] {to, vocabulary.contains(s.substring(from, to)) ? to - from : 0});
      for (int k = from + 1; k < to; k++) {
        boolean left = vocabulary.contains(s.substring(from, k));
        boolean right = vocabulary.contains(s.substring(k, to));
        if (left || right) {
          edges.get(from).add(new int[] {k, left ? k - from : 0});
          edges.get(k).add(new int[] {to, right ? to - k : 0});
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j <= Math.min(n, i + LONGEST_SHOP_WORD); j++) {
        if (vocabulary.contains(s.substring(i, j))) edges.get(i).add(new int[] {j, j - i});
      }
    }
    double[] cost = new double[n + 1];
    int[] from = new int[n + 1];
    java.util.Arrays.fill(cost, Double.MAX_VALUE);
    cost[0] = 0;
    for (int i = 0; i < n; i++) {
      if (cost[i] == Double.MAX_VALUE) continue;
      for (int[] e : edges.get(i)) {
        // a piece the shop vocabulary knows costs 1, any other 2; among equal costs, more shop characters win
        double c = cost[i] + (e[1] > 0 ? 1 : 2) - 0.01 * e[1];
        if (c < cost[e[0]]) {
          cost[e[0]] = c;
          from[e[0]] = i;
        }
      }
    }
    List<Word> pieces = new ArrayList<>();
    for (int j = n; j > 0; j = from[j]) {
      String piece = s.substring(from[j], j);
      pieces.add(0, new Word(piece, piece, null, base + from[j], base + j));
    }
    out.addAll(pieces);
  }

  /** The Porter stem of a lower-case English word. */
  static String stem(String word) {
    String cached = STEMS.get(word);
    if (cached != null) return cached;
    String stem = word;
    try (TokenStream ts = STEMMER.tokenStream("stem", new StringReader(word))) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      if (ts.incrementToken()) stem = term.toString();
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (STEMS.size() < STEM_CACHE_LIMIT) STEMS.put(word, stem);
    return stem;
  }
}
