package org.linecommerce.catalog.internal.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.DelegatingAnalyzerWrapper;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.core.DecimalDigitFilter;
import org.apache.lucene.analysis.core.TypeTokenFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.ja.JapaneseAnalyzer;
import org.apache.lucene.analysis.ja.JapaneseTokenizer;
import org.apache.lucene.analysis.ja.tokenattributes.ReadingAttribute;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.shingle.ShingleFilter;
import org.apache.lucene.analysis.th.ThaiTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.linecommerce.catalog.api.CatalogLanguages;

/**
 * How product texts and queries are cut into terms, per language, and the index's field names.
 *
 * <ul>
 *   <li>English ({@code *_en}, tags): standard tokenizer, possessives, lower case, ASCII folding,
 *       stop words, Porter stemming ("Bento Boxes" finds "bento box").
 *   <li>Japanese ({@code *_ja}): Kuromoji in search mode (compounds split: お弁当箱 → 弁当 / 箱), base
 *       forms, a part-of-speech filter that drops particles and auxiliary verbs (は, か, ます), stop
 *       words, katakana stemming. Recall field {@code *_ja_bi}: CJK character bigrams, for words the
 *       dictionary segments differently.
 *   <li>Thai ({@code *_th}): dictionary word segmentation ({@link ThaiTokenizer}, the JDK's Thai
 *       BreakIterator), Thai digits folded. Recall field {@code *_th_ng}: character 2- and 3-grams of
 *       Thai runs, for compounds the dictionary does not know or mis-segments in spaceless input.
 *   <li>Shopper language: {@code name_ja_rd} / {@code cat_ja_rd}, bigrams of the Japanese texts'
 *       Kuromoji readings folded by {@link #kanaKey} (kana finds kanji and the reverse);
 *       {@code en_raw}, English names and tags unstemmed with adjacent words also joined (typos are
 *       matched against real words, "ricecooker" against "rice cooker"); {@code attr}, the variant
 *       attributes a name carries ({@link ShopperLexicon}).
 * </ul>
 *
 * <p>Queries use the same chains plus stop words for the way shoppers ask in chat: question words,
 * politeness particles and "do you have / ありますか / มี…ไหม" phrasing, so whole sentences reduce to
 * the product words they contain. For the n-gram fields, a query is first reduced to its content
 * words (by the word-level chain) and the grams are taken from those contiguous stretches only, so
 * particles around a product name add no noise grams.
 */
public final class ProductAnalysis {

  // field names
  public static final String ID = "id";
  public static final String ID_SORT = "id_sort";
  public static final String CATEGORY = "category";
  public static final String CATEGORY_SORT = "category_sort";
  public static final String STATUS = "status";
  public static final String IN_STOCK = "in_stock";
  public static final String IN_STOCK_SORT = "in_stock_sort";
  public static final String STOCK_BOOST = "stock_boost";
  public static final String POPULARITY = "popularity";
  public static final String AVAILABLE = "available";
  public static final String TAG = "tag";
  public static final String TAGS_TEXT = "tags_en";

  public static final String ACTIVE = "active";
  public static final String DISCONTINUED = "discontinued";

  static final String NAME = "name_";
  static final String DESCRIPTION = "desc_";
  static final String CATEGORY_NAME = "cat_";
  static final String JA_BIGRAMS = "_bi";
  static final String TH_NGRAMS = "_ng";
  /** Suffix of the Japanese reading fields: character bigrams of the normalised katakana reading. */
  static final String JA_READING = "_rd";
  /** English names and tags unstemmed, plus each two adjacent words joined ("ricecooker"): typos and compounds. */
  static final String EN_RAW = "en_raw";
  /** Variant attribute keys a product's name carries ({@link ShopperLexicon}). */
  static final String ATTRIBUTE = "attr";

  /** Question and shopping words of English chat queries, on top of the usual English stop words. */
  static final List<String> ENGLISH_QUERY_STOP_WORDS = List.of(
      "i", "i'm", "im", "i'd", "id", "me", "my", "we", "our", "us", "you", "your", "u", "ur",
      "do", "does", "did", "have", "has", "had", "got", "get", "getting", "am", "are", "is", "was", "were", "be",
      "any", "some", "anything", "something", "stuff", "thing", "things",
      "want", "wanna", "would", "like", "need", "needs", "looking", "look", "find", "search", "searching",
      "show", "see", "give", "tell", "buy", "purchase", "order", "sell", "sells", "selling", "carry",
      "stock", "available", "availability", "please", "pls", "plz", "thanks", "thank", "hi", "hello", "hey",
      "can", "could", "will", "should", "may", "might", "what", "which", "where", "how", "much", "many",
      "who", "when", "why", "price", "prices", "cost", "costs", "much", "there", "here", "one", "ones",
      "item", "items", "product", "products", "recommend", "recommendation", "suggest", "kind", "sort",
      "type", "good", "best", "nice", "too", "also", "just", "still", "now", "today", "'s");

  /** Japanese chat phrasing (base forms, after Kuromoji): price and stock questions, wants, requests. */
  static final List<String> JAPANESE_QUERY_STOP_WORDS = List.of(
      "いくら", "値段", "価格", "在庫", "商品", "何", "なに", "どこ", "どれ", "どんな", "どの", "ある", "有る", "いる",
      "ください", "下さい", "くださる", "欲しい", "ほしい", "探す", "さがす", "買う", "購入", "売る", "注文", "頼む",
      "見せる", "見る", "教える", "おすすめ", "お勧め", "オススメ", "すすめる", "勧める", "ありがとう", "こんにちは",
      "お願い", "願う", "いい", "良い", "よい", "すみません", "ちょっと", "まだ", "もう", "今", "なる", "できる", "思う");

  /** Thai chat phrasing: "มี…ไหม", politeness particles, wants, price and stock questions. */
  static final List<String> THAI_QUERY_STOP_WORDS = List.of(
      "มี", "ไหม", "มั้ย", "มั๊ย", "หรือเปล่า", "เปล่า", "หรือไม่", "ไม่", "ครับ", "คับ", "ค่ะ", "คะ", "ค่า", "จ้ะ", "จ้า",
      "จ๊ะ", "นะ", "น่ะ", "ขอ", "หน่อย", "อยาก", "อยากได้", "ได้", "ไหน", "ที่ไหน", "อะไร", "บ้าง", "ซื้อ", "หา", "ต้องการ",
      "ราคา", "เท่าไหร่", "เท่าไร", "กี่", "บาท", "ยัง", "ของ", "ร้าน", "คุณ", "ผม", "ฉัน", "ดิฉัน", "หนู", "เรา",
      "ช่วย", "แนะนำ", "ดู", "สั่ง", "สินค้า", "ที่", "และ", "หรือ", "กับ", "ใน", "จะ", "เป็น", "คือ", "อยู่",
      "สำหรับ", "แบบ", "ชิ้น", "อัน", "นี้", "นั้น", "โน้น", "เอา", "สวัสดี", "ขอบคุณ", "เหลือ", "สต็อก", "ขาย");

  private static final CharArraySet THAI_QUERY_STOP_SET = union(CharArraySet.EMPTY_SET, THAI_QUERY_STOP_WORDS);

  private final Analyzer englishIndex = english(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
  private final Analyzer englishQuery = english(union(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, ENGLISH_QUERY_STOP_WORDS));
  private final Analyzer japaneseIndex = new JapaneseAnalyzer(
      null, JapaneseTokenizer.Mode.SEARCH, JapaneseAnalyzer.getDefaultStopSet(), JapaneseAnalyzer.getDefaultStopTags());
  private final Analyzer japaneseQuery = new JapaneseAnalyzer(
      null, JapaneseTokenizer.Mode.SEARCH,
      union(JapaneseAnalyzer.getDefaultStopSet(), JAPANESE_QUERY_STOP_WORDS),
      JapaneseAnalyzer.getDefaultStopTags());
  private final Analyzer cjkBigrams = cjkBigrams();
  private final Analyzer thaiIndex = thai(CharArraySet.EMPTY_SET);
  private final Analyzer thaiQuery = thai(THAI_QUERY_STOP_SET);
  private final Analyzer thaiNgrams = thaiNgrams();
  private final Analyzer englishRawIndex = englishRaw(null);
  private final Analyzer englishRawQuery = englishRaw(union(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, ENGLISH_QUERY_STOP_WORDS));
  private final Analyzer englishTerms = english(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
  private final Analyzer fallback = new StandardAnalyzer();

  private final Analyzer indexAnalyzer = new DelegatingAnalyzerWrapper(Analyzer.PER_FIELD_REUSE_STRATEGY) {
    @Override
    protected Analyzer getWrappedAnalyzer(String field) {
      return forField(field);
    }
  };

  /** The analyzer that writes every field of the index. */
  public Analyzer indexAnalyzer() {
    return indexAnalyzer;
  }

  Analyzer forField(String field) {
    if (field.endsWith(JA_BIGRAMS) || field.endsWith(JA_READING)) return cjkBigrams;
    if (field.equals(EN_RAW)) return englishRawIndex;
    if (field.endsWith(TH_NGRAMS)) return thaiNgrams;
    if (field.endsWith("_en")) return englishIndex;
    if (field.endsWith("_ja")) return japaneseIndex;
    if (field.endsWith("_th")) return thaiIndex;
    return fallback;
  }

  static String name(String language) {
    return NAME + language;
  }

  static String description(String language) {
    return DESCRIPTION + language;
  }

  static String categoryName(String language) {
    return CATEGORY_NAME + language;
  }

  /** Distinct English query terms of {@code text}. */
  List<String> englishQueryTerms(String text) {
    return terms(englishQuery, text);
  }

  /** Every English term of {@code text} in order, repeats kept (usual stop words dropped, stemmed). */
  List<String> englishTermSequence(String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = englishTerms.tokenStream("q", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) out.add(term.toString());
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** English query words of {@code text} unstemmed (lower case, ASCII folded, chat stop words dropped), in order. */
  List<String> englishRawQueryTerms(String text) {
    return terms(englishRawQuery, text);
  }

  /**
   * The Japanese reading of {@code text}: Kuromoji's katakana reading of each Japanese word (the
   * word itself, in katakana, when the dictionary does not know it), as {@link #kanaKey} folds
   * it; words not in Japanese script end a stretch (a space).
   */
  String japaneseReading(String text) {
    StringBuilder out = new StringBuilder();
    try (TokenStream ts = readingAnalyzer.tokenStream("q", Normalizer.normalize(text, Normalizer.Form.NFKC))) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ReadingAttribute reading = ts.addAttribute(ReadingAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      int lastEnd = -1;
      while (ts.incrementToken()) {
        String surface = term.toString();
        if (surface.codePoints().noneMatch(CatalogLanguages::isJapanese)) {
          lastEnd = -1;
          continue;
        }
        if (lastEnd >= 0 && offset.startOffset() > lastEnd && out.length() > 0) out.append(' ');
        if (lastEnd < 0 && out.length() > 0) out.append(' ');
        String r = reading.getReading();
        out.append(kanaKey(r != null ? r : surface));
        lastEnd = offset.endOffset();
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().trim();
  }

  /**
   * Kana folded so that spellings of one reading meet: hiragana as katakana, voicing marks dropped
   * (rendaku: 日焼け止め is ヒヤケトメ, 「ひやけどめ」 too), small kana as large, long-vowel marks
   * dropped (マンゴー = マンゴ), ウ after an o-sound dropped (ベントウ = ベントー = ベント).
   */
  static String kanaKey(String kana) {
    String decomposed = Normalizer.normalize(kana, Normalizer.Form.NFKD);
    StringBuilder sb = new StringBuilder(decomposed.length());
    for (int i = 0; i < decomposed.length(); i++) {
      char c = decomposed.charAt(i);
      if (c == '\u3099' || c == '\u309A' || c == 'ー' || c == '\uFF70') continue;
      if (c >= '\u3041' && c <= '\u3096') c = (char) (c + 0x60);
      int small = SMALL_KANA.indexOf(c);
      if (small >= 0) c = LARGE_KANA.charAt(small);
      if (c == 'ウ' && sb.length() > 0 && O_ROW.indexOf(sb.charAt(sb.length() - 1)) >= 0) continue;
      sb.append(c);
    }
    return sb.toString();
  }

  private static final String SMALL_KANA = "ァィゥェォッャュョヮヵヶ";
  private static final String LARGE_KANA = "アイウエオツヤユヨワカケ";
  private static final String O_ROW = "オコソトノホモヨロヲ";

  /**
   * Reading bigrams of each stretch of Japanese content words in {@code text} that holds a word
   * the catalog does not know (as {@link #japaneseQueryBigrams} picks them): one list per stretch.
   */
  List<List<String>> japaneseQueryReadingBigrams(String text, java.util.function.Predicate<String> known) {
    List<List<String>> out = new ArrayList<>();
    for (String stretch : readingStretches(text)) {
      List<String> words = terms(japaneseQuery, stretch);
      boolean allKnown = words.stream().allMatch(known);
      for (int i = 1; i < words.size() && allKnown; i++) {
        if (words.get(i - 1).length() == 1 && words.get(i).length() == 1) allKnown = false;
      }
      if (allKnown && !words.isEmpty()) continue;
      List<String> grams = terms(cjkBigrams, japaneseReading(stretch));
      if (!grams.isEmpty()) out.add(grams);
    }
    return out;
  }

  /** Longest run of Japanese script taken whole for its reading (a short run is usually one word). */
  static final int SHORT_JAPANESE_RUN = 6;

  /**
   * The stretches of {@code text} to read: its content stretches, except that a short run of
   * Japanese script is taken whole, since Kuromoji cuts a kana word it does not know into pieces
   * that look like particles (「ゆのみ」 → ゆ + のみ).
   */
  private List<String> readingStretches(String text) {
    List<String> out = new ArrayList<>();
    List<String> shortRuns = new ArrayList<>();
    int i = 0;
    String n = Normalizer.normalize(text, Normalizer.Form.NFKC);
    while (i < n.length()) {
      if (!CatalogLanguages.isJapanese(n.charAt(i))) {
        i++;
        continue;
      }
      int end = i;
      while (end < n.length() && CatalogLanguages.isJapanese(n.charAt(end))) end++;
      if (end - i <= SHORT_JAPANESE_RUN) shortRuns.add(n.substring(i, end));
      i = end;
    }
    out.addAll(shortRuns);
    for (String stretch : contentStretches(japaneseQuery, n)) {
      if (shortRuns.stream().noneMatch(r -> r.contains(stretch))) out.add(stretch);
    }
    return out;
  }

  /** Distinct Japanese query terms of {@code text}. */
  List<String> japaneseQueryTerms(String text) {
    return terms(japaneseQuery, text);
  }

  /** Distinct Thai query terms of {@code text}. */
  List<String> thaiQueryTerms(String text) {
    return terms(thaiQuery, text);
  }

  /** Thai words of {@code text} as the index cuts them (Thai letters only, two or more), for the vocabulary. */
  List<String> thaiIndexWords(String text) {
    List<String> out = new ArrayList<>();
    for (String t : terms(thaiIndex, text)) {
      if (t.length() >= 2 && t.chars().allMatch(CatalogLanguages::isThai)) out.add(t);
    }
    return out;
  }

  /**
   * CJK bigrams of each stretch of Japanese content words in {@code text} that holds a word the
   * catalog does not know ({@code known} is false for it) or two single-character words in a row
   * (how Kuromoji cuts words missing from its dictionary): one list per such stretch. Stretches of known words
   * are matched by the word fields already.
   */
  List<List<String>> japaneseQueryBigrams(String text, java.util.function.Predicate<String> known) {
    List<List<String>> out = new ArrayList<>();
    for (String stretch : contentStretches(japaneseQuery, text)) {
      List<String> words = terms(japaneseQuery, stretch);
      boolean allKnown = words.stream().allMatch(known);
      for (int i = 1; i < words.size() && allKnown; i++) {
        if (words.get(i - 1).length() == 1 && words.get(i).length() == 1) allKnown = false;
      }
      if (allKnown) continue;
      List<String> grams = terms(cjkBigrams, stretch);
      if (!grams.isEmpty()) out.add(grams);
    }
    return out;
  }

  /**
   * Thai character n-grams of what the catalog's vocabulary does not know in {@code text}, one list
   * per unknown piece: each stretch of content words is cut against {@code vocabulary} into known
   * words (matched exactly by the word fields) and the unknown stretches between them (the whole
   * stretch when the vocabulary knows none of it); stop words left out. Per piece, so a long
   * unknown word cannot outweigh the rest of the query in one pool of grams.
   */
  List<List<String>> thaiQueryNgrams(String text, Set<String> vocabulary, int maxWordLength) {
    List<List<String>> out = new ArrayList<>();
    for (String stretch : contentStretches(thaiQuery, text)) {
      Set<String> known = new java.util.HashSet<>(segment(stretch, vocabulary, maxWordLength));
      for (String piece : pieces(stretch, vocabulary, maxWordLength, true)) {
        if (known.contains(piece) || THAI_QUERY_STOP_SET.contains(piece)) continue;
        List<String> grams = terms(thaiNgrams, piece);
        if (!grams.isEmpty()) out.add(grams);
      }
    }
    return out;
  }

  /**
   * Thai words of {@code text} found by segmenting its Thai runs against {@code vocabulary} (the
   * words of the catalog's own Thai texts): fewest letters left unknown, then fewest words. The
   * JDK's dictionary segments a word differently depending on what follows it (ปากกาเจล alone is
   * one word, ปากกาเจลสีน้ำเงิน becomes ปากกา + เจลสีน้ำเงิน), so the same query text also cut by
   * the catalog's vocabulary finds the words as they were indexed. Stop words are left out.
   */
  List<String> thaiVocabularyTerms(String text, Set<String> vocabulary, int maxWordLength) {
    if (vocabulary.isEmpty()) return List.of();
    Set<String> out = new LinkedHashSet<>();
    int i = 0;
    while (i < text.length()) {
      if (!CatalogLanguages.isThai(text.charAt(i))) {
        i++;
        continue;
      }
      int end = i;
      while (end < text.length() && CatalogLanguages.isThai(text.charAt(end))) end++;
      for (String word : segment(text.substring(i, end), vocabulary, maxWordLength)) {
        if (!THAI_QUERY_STOP_SET.contains(word)) out.add(word);
      }
      i = end;
    }
    return List.copyOf(out);
  }

  /** Known words of {@code run} in a segmentation with the fewest unknown letters, then the fewest words. */
  static List<String> segment(String run, Set<String> vocabulary, int maxWordLength) {
    return pieces(run, vocabulary, maxWordLength, false);
  }

  /**
   * {@code run} cut into vocabulary words and the unknown stretches between them (those only when
   * {@code withUnknown}), in order: fewest unknown letters, then fewest words.
   */
  static List<String> pieces(String run, Set<String> vocabulary, int maxWordLength, boolean withUnknown) {
    int n = run.length();
    long[] cost = new long[n + 1];
    int[] from = new int[n + 1];
    boolean[] known = new boolean[n + 1];
    java.util.Arrays.fill(cost, Long.MAX_VALUE);
    cost[0] = 0;
    for (int end = 1; end <= n; end++) {
      // an unknown letter costs more than any number of words
      cost[end] = cost[end - 1] + 1_000;
      from[end] = end - 1;
      known[end] = false;
      for (int start = Math.max(0, end - maxWordLength); start < end - 1; start++) {
        long c = cost[start] + 1;
        if (c < cost[end] && vocabulary.contains(run.substring(start, end))) {
          cost[end] = c;
          from[end] = start;
          known[end] = true;
        }
      }
    }
    List<String> out = new ArrayList<>();
    int unknownEnd = -1;
    for (int end = n; end > 0; end = from[end]) {
      if (known[end]) {
        if (unknownEnd >= 0 && withUnknown) out.add(run.substring(end, unknownEnd));
        unknownEnd = -1;
        out.add(run.substring(from[end], end));
      } else if (unknownEnd < 0) {
        unknownEnd = end;
      }
    }
    if (unknownEnd >= 0 && withUnknown) out.add(run.substring(0, unknownEnd));
    java.util.Collections.reverse(out);
    return out;
  }

  /** The spans of {@code text} covered by tokens that survive {@code analyzer}, adjacent tokens joined. */
  static List<String> contentStretches(Analyzer analyzer, String text) {
    List<int[]> spans = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("q", text)) {
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        int start = offset.startOffset();
        int end = offset.endOffset();
        int[] last = spans.isEmpty() ? null : spans.get(spans.size() - 1);
        if (last != null && start <= last[1]) {
          last[1] = Math.max(last[1], end);
        } else {
          spans.add(new int[] {start, end});
        }
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> out = new ArrayList<>(spans.size());
    for (int[] s : spans) out.add(text.substring(s[0], s[1]));
    return out;
  }

  /** Distinct terms of {@code text} under {@code analyzer}, in order of first appearance. */
  static List<String> terms(Analyzer analyzer, String text) {
    Set<String> out = new LinkedHashSet<>();
    try (TokenStream ts = analyzer.tokenStream("q", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        if (term.length() > 0) out.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(out);
  }

  private static CharArraySet union(CharArraySet base, List<String> extra) {
    CharArraySet set = new CharArraySet(base.size() + extra.size(), true);
    set.addAll(base);
    set.addAll(extra);
    return CharArraySet.unmodifiableSet(set);
  }

  private static Analyzer english(CharArraySet stopWords) {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new StandardTokenizer();
        TokenStream result = new EnglishPossessiveFilter(source);
        result = new LowerCaseFilter(result);
        result = new ASCIIFoldingFilter(result);
        result = new StopFilter(result, stopWords);
        result = new PorterStemFilter(result);
        return new TokenStreamComponents(source, result);
      }

      @Override
      protected TokenStream normalize(String fieldName, TokenStream in) {
        return new ASCIIFoldingFilter(new LowerCaseFilter(in));
      }
    };
  }

  /** English unstemmed; for the index ({@code stopWords} null) with each two adjacent words also joined. */
  private static Analyzer englishRaw(CharArraySet stopWords) {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new StandardTokenizer();
        TokenStream result = new EnglishPossessiveFilter(source);
        result = new LowerCaseFilter(result);
        result = new ASCIIFoldingFilter(result);
        if (stopWords != null) {
          result = new StopFilter(result, stopWords);
        } else {
          ShingleFilter shingles = new ShingleFilter(result, 2, 2);
          shingles.setTokenSeparator("");
          shingles.setOutputUnigrams(true);
          result = shingles;
        }
        return new TokenStreamComponents(source, result);
      }
    };
  }

  private final Analyzer readingAnalyzer = new Analyzer() {
    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
      Tokenizer source = new JapaneseTokenizer(null, true, JapaneseTokenizer.Mode.NORMAL);
      return new TokenStreamComponents(source, new CJKWidthFilter(source));
    }
  };

  private static Analyzer thai(CharArraySet stopWords) {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new ThaiTokenizer();
        TokenStream result = new LowerCaseFilter(source);
        result = new DecimalDigitFilter(result);
        result = new StopFilter(result, stopWords);
        return new TokenStreamComponents(source, result);
      }
    };
  }

  private static Analyzer cjkBigrams() {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new StandardTokenizer();
        TokenStream result = new CJKWidthFilter(source);
        result = new LowerCaseFilter(result);
        result = new CJKBigramFilter(result,
            CJKBigramFilter.HAN | CJKBigramFilter.HIRAGANA | CJKBigramFilter.KATAKANA, false);
        // only the CJK grams: Latin words and numbers are matched by the word fields
        result = new TypeTokenFilter(result, Set.of(CJKBigramFilter.DOUBLE_TYPE, CJKBigramFilter.SINGLE_TYPE), true);
        return new TokenStreamComponents(source, result);
      }
    };
  }

  private static Analyzer thaiNgrams() {
    String southeastAsian = StandardTokenizer.TOKEN_TYPES[StandardTokenizer.SOUTHEAST_ASIAN];
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new StandardTokenizer();
        // runs of Thai letters (the standard tokenizer keeps a Thai run whole), then their 2- and 3-grams
        TokenStream result = new TypeTokenFilter(source, Set.of(southeastAsian), true);
        result = new NGramTokenFilter(result, 2, 3, false);
        return new TokenStreamComponents(source, result);
      }
    };
  }

  /** The field names of one language's texts: name, description, category name. */
  static Map<String, Float> textFields(String language) {
    return Map.of(name(language), 3f, categoryName(language), 1.5f, description(language), 1f);
  }
}
