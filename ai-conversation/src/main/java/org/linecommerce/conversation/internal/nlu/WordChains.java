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
 *   <li>Thai: the dictionary segmentation of {@link ThaiTokenizer}; a word it leaves whole is cut further when the
 *       shop vocabulary (lexicon and variant words) covers it completely, so "เอาสามอัน" meets the words the lexicon
 *       knows even where the JDK dictionary joins them.
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
    try (TokenStream ts = THAI.tokenStream("th", new StringReader(text))) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        String surface = term.toString();
        int start = offset.startOffset();
        List<String> pieces = vocabulary.contains(surface) ? null : cover(surface, vocabulary);
        if (pieces == null) {
          Word w = new Word(surface, surface, null, start, offset.endOffset());
          if (w.isLatin()) w.norm = stem(surface);
          if (w.hasLetterOrDigit()) out.add(w);
        } else {
          int at = start;
          for (String piece : pieces) {
            out.add(new Word(piece, piece, null, at, at + piece.length()));
            at += piece.length();
          }
        }
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The fewest vocabulary words that make up {@code word} exactly, or null when they do not cover it. */
  static List<String> cover(String word, Set<String> vocabulary) {
    int n = word.length();
    if (n < 2 || n > 40) return null;
    int[] best = new int[n + 1];
    int[] from = new int[n + 1];
    java.util.Arrays.fill(best, Integer.MAX_VALUE);
    best[0] = 0;
    for (int i = 0; i < n; i++) {
      if (best[i] == Integer.MAX_VALUE) continue;
      for (int j = i + 1; j <= n; j++) {
        if (best[i] + 1 < best[j] && vocabulary.contains(word.substring(i, j))) {
          best[j] = best[i] + 1;
          from[j] = i;
        }
      }
    }
    if (best[n] == Integer.MAX_VALUE || best[n] < 2) return null;
    List<String> pieces = new ArrayList<>();
    for (int j = n; j > 0; j = from[j]) pieces.add(0, word.substring(from[j], j));
    return pieces;
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
