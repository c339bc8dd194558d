package org.linecommerce.conversation.internal.nlu;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.linecommerce.conversation.api.Intent;

/**
 * The local analysis of a message: language, intent, and what it names. Offline, no model: Lucene's language chains
 * ({@link WordChains}) cut the message into analysed words, and shop-editable lexicons ({@code
 * conversation/intents-en.txt}, {@code -ja}, {@code -th}, {@code intents-emoji.txt}) weigh them per intent.
 *
 * <p>One analysis, in order: NFKC (full-width ２ and ｇ become 2 and g), lower case, Thai digits folded; the
 * language by script ({@link LanguageDetector}); emoji are read for their intent and removed; the order id (a
 * UUID), sizes and pack sizes ({@link VariantVocabulary}) and quantities ({@link Quantities}) are taken from the
 * text; the rest is cut into words; English typos are corrected against the lexicon; variant words (colours,
 * flavours…) and lexicon terms take their words; number words give a quantity; what is left and can name a thing
 * (English non-stop words, Japanese nouns by Kuromoji's part of speech, Thai words) is the product text.
 *
 * <p>Scoring: each matched term adds its weight to its intent; cues combine: a when/where/status word with an
 * order/package/delivery word adds 2 to order_status ("where is my order" is not a new order); a quantity with a buy
 * word adds 1 to order. A request (product_search, price, stock, order, order_status, human_handoff, complaint)
 * wins over a greeting or thanks of equal or lower weight ("hi, do you have matcha?" is a search); ties between
 * requests go to complaint, human_handoff, order_status, price, stock, order, product_search in that order.
 *
 * <p>When no term matched: a quantity alone ("2 please", 「2つください」, "เอา 2 อัน") is an explicit order of
 * what was discussed; words that can name a product make a product search, explicit with confidence 0.6 when
 * they look like a bare product name (English: at most three content words; Japanese and Thai: at most two
 * stretches of at most six words, and in Japanese no verb or adjective the lexicon did not explain), else not explicit with 0.4; a message naming only a variant or pointing back ("the blue one") is a
 * product search, not explicit, 0.4; a message with nothing to go on ("ok", "555", "👍") is a greeting, not
 * explicit, 0.2, so the dialogue can follow the previous turn.
 *
 * <p>Thread-safe: the lexicons and analyzers are built once per class loader and shared; an analysis holds its
 * state on the stack.
 */
public final class MessageAnalyzer {

  private static final Pattern UUID = Pattern.compile(
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern THAI_ELONGATION = Pattern.compile("([\\u0E00-\\u0E7F])\\1{2,}");
  private static final Pattern THAI_LAUGHTER = Pattern.compile("(?<![\\d.,])5{3,}(?![\\d.,])");
  /** "hasn't", "what's", "i'll": a contraction never names a product. */
  private static final Pattern CLITIC = Pattern.compile("'(t|s|re|ll|ve|d|m)$");
  private static final Set<Intent> REQUESTS = Set.of(Intent.PRODUCT_SEARCH, Intent.PRICE, Intent.STOCK, Intent.ORDER,
      Intent.ORDER_STATUS, Intent.HUMAN_HANDOFF, Intent.COMPLAINT);
  /** Tie-break among requests of equal weight. */
  private static final List<Intent> PRIORITY = List.of(Intent.COMPLAINT, Intent.HUMAN_HANDOFF, Intent.ORDER_STATUS,
      Intent.PRICE, Intent.STOCK, Intent.ORDER, Intent.PRODUCT_SEARCH);
  private static final Set<Intent> NEEDS_A_PRODUCT = Set.of(Intent.PRICE, Intent.STOCK, Intent.ORDER);

  private static final class Shared {
    static final Shared INSTANCE = new Shared();

    final Set<String> thaiVocabulary = new HashSet<>();
    final Map<String, Lexicon> lexicons = new HashMap<>();
    final Lexicon emoji;
    final VariantVocabulary variants;
    final Map<String, String[]> slang = new HashMap<>();
    final CharArraySet englishStop;

    private Shared() {
      List<Lexicon.Entry> thai = Lexicon.parse("conversation/intents-th.txt");
      for (Lexicon.Entry e : thai) {
        thaiVocabulary.add(e.term().replace(" ", ""));
        for (String part : e.term().split(" ")) thaiVocabulary.add(part);
      }
      thaiVocabulary.addAll(Quantities.THAI_NUMBERS.keySet());
      thaiVocabulary.addAll(Quantities.THAI_CLASSIFIERS);
      variants = VariantVocabulary.load(thaiVocabulary);
      variants.index(thaiVocabulary);
      for (String line : Lexicon.lines("conversation/slang-en.txt")) {
        String[] parts = line.split("\\s+", 2);
        slang.put(parts[0], parts[1].split("\\s+"));
      }
      Set<String> stop = new HashSet<>();
      List<Lexicon.Entry> english = Lexicon.parse("conversation/intents-en.txt");
      for (Lexicon.Entry e : english) if (e.cls().equals("stop")) stop.add(e.term());
      for (Object w : EnglishAnalyzer.ENGLISH_STOP_WORDS_SET) stop.add(new String((char[]) w));
      englishStop = new CharArraySet(stop, false);
      lexicons.put(LanguageDetector.ENGLISH, new Lexicon(english, WordChains::english, " ", false));
      lexicons.put(LanguageDetector.JAPANESE,
          new Lexicon(Lexicon.parse("conversation/intents-ja.txt"), WordChains::japanese, "", false));
      lexicons.put(LanguageDetector.THAI, new Lexicon(thai, t -> WordChains.thai(t, thaiVocabulary), "", false));
      emoji = new Lexicon(Lexicon.parse("conversation/intents-emoji.txt"), Shared::emojiWords, "", false);
    }

    private static List<Word> emojiWords(String text) {
      List<Word> out = new ArrayList<>();
      int i = 0;
      while (i < text.length()) {
        int cp = text.codePointAt(i);
        int n = Character.charCount(cp);
        if (isEmoji(cp)) {
          int end = i + n;
          // keep joiners and selectors with their emoji (❤️, 🙋‍♀️)
          while (end < text.length() && (text.charAt(end) == '\u200d' || text.charAt(end) == '\ufe0f'
              || (end > 0 && text.charAt(end - 1) == '\u200d'))) {
            end += Character.charCount(text.codePointAt(end));
          }
          String s = text.substring(i, end);
          out.add(new Word(s, s, null, i, end));
          i = end;
        } else {
          i += n;
        }
      }
      return out;
    }
  }

  /** Loads the shared lexicons and analyzers on first construction (about a second), not on the first message. */
  public MessageAnalyzer() {
    Objects.requireNonNull(Shared.INSTANCE);
  }

  /** Analyses {@code text}; {@code languageHint} (may be null) decides only when the text itself does not. */
  public Analysis analyze(String text, String languageHint) {
    Shared shared = Shared.INSTANCE;
    String raw = text == null ? "" : text;
    String language = LanguageDetector.detect(raw, languageHint);
    // NFKC splits Thai sara am (ำ) into nikhahit + sara aa: put it back
    String normalised = foldThaiDigits(Normalizer.normalize(raw, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT))
        .replace("\u0E4D\u0E32", "\u0E33");
    if (language.equals(LanguageDetector.THAI)) {
      // chat elongation (ค่าาาา, จ้าาา) carries no words
      normalised = THAI_ELONGATION.matcher(normalised).replaceAll("$1");
    }
    // Thai laughter (555), typed with or without Thai around it
    normalised = THAI_LAUGHTER.matcher(normalised).replaceAll(" ");

    Map<Intent, Double> scores = new EnumMap<>(Intent.class);
    Set<String> cues = new HashSet<>();
    StringBuilder body = new StringBuilder(normalised);
    List<Word> emoji = Shared.emojiWords(normalised);
    for (Lexicon.Entry e : shared.emoji.match(emoji)) credit(e, scores, cues);
    for (Word e : emoji) VariantVocabulary.blank(body, e.start, e.end);

    String orderId = null;
    Matcher id = UUID.matcher(body);
    if (id.find()) {
      orderId = id.group();
      VariantVocabulary.blank(body, id.start(), id.end());
    }
    List<Attribute> attributes = new ArrayList<>(VariantVocabulary.fromPatterns(body));
    Integer quantity = Quantities.fromText(body, language);

    String prepared = language.equals(LanguageDetector.THAI) || language.equals(LanguageDetector.JAPANESE)
        ? body.toString() : expandSlang(body.toString(), shared.slang);
    List<Word> words = WordChains.words(language, prepared, shared.thaiVocabulary);
    Lexicon lexicon = shared.lexicons.get(language);
    Lexicon english = shared.lexicons.get(LanguageDetector.ENGLISH);
    english.correctTypos(words, shared.englishStop::contains);

    for (Attribute a : shared.variants.fromWords(language, words)) if (!attributes.contains(a)) attributes.add(a);
    List<Lexicon.Entry> hits = new ArrayList<>(lexicon.match(words));
    if (lexicon != english) hits.addAll(english.match(words)); // English words in a Thai or Japanese message
    for (Lexicon.Entry e : hits) credit(e, scores, cues);
    if (quantity == null) quantity = Quantities.fromWords(language, words);
    boolean refersBack = cues.contains("refer") || oneAsPronoun(words);

    List<String> content = new ArrayList<>();
    boolean unexplained = collectContent(language, words, content, shared);
    String productText = content.isEmpty() ? null : String.join(" ", content);

    if (cues.contains("ask-when") && cues.contains("order-thing")) add(scores, Intent.ORDER_STATUS, 2.0);
    if (quantity != null && cues.contains("buy")) add(scores, Intent.ORDER, 1.0);

    long contentWords = words.stream().filter(w -> !w.consumed && isContent(language, w, null, shared)).count();
    boolean bareName = !unexplained && (language.equals(LanguageDetector.ENGLISH)
        ? contentWords <= 3 : content.size() <= 2 && contentWords <= 6);
    Decision d = decide(scores, quantity, productText != null, bareName, !attributes.isEmpty() || refersBack);
    Intent intent = d.intent();
    if (NEEDS_A_PRODUCT.contains(intent) && productText == null) refersBack = true;
    return new Analysis(language, intent, d.confidence(), d.explicit(), productText, quantity, attributes, orderId,
        refersBack);
  }

  private record Decision(Intent intent, double confidence, boolean explicit) {}

  /** The intent from the scores and what the message names (see the class comment for the rules). */
  private static Decision decide(Map<Intent, Double> scores, Integer quantity, boolean namesProduct, boolean bareName,
      boolean pointsAtShown) {
    Intent request = best(scores, REQUESTS);
    double requestScore = request == null ? 0 : scores.get(request);
    double greeting = scores.getOrDefault(Intent.GREETING, 0.0);
    double thanks = scores.getOrDefault(Intent.THANKS, 0.0);
    double social = Math.max(greeting, thanks);
    if (request != null && requestScore >= social) {
      return new Decision(request, confidence(requestScore, secondBest(scores, request)), true);
    }
    if (social > 0) {
      if (thanks < greeting && namesProduct) {
        return new Decision(Intent.PRODUCT_SEARCH, 0.6, true); // "hello, matcha": the request wins
      }
      Intent intent = thanks >= greeting ? Intent.THANKS : Intent.GREETING;
      return new Decision(intent, confidence(social, Math.max(requestScore, Math.min(greeting, thanks))), true);
    }
    if (quantity != null) return new Decision(Intent.ORDER, 0.7, true);
    if (namesProduct) return new Decision(Intent.PRODUCT_SEARCH, bareName ? 0.6 : 0.4, bareName);
    if (pointsAtShown) return new Decision(Intent.PRODUCT_SEARCH, 0.4, false);
    return new Decision(Intent.GREETING, 0.2, false);
  }

  private static void credit(Lexicon.Entry e, Map<Intent, Double> scores, Set<String> cues) {
    Intent intent = intentOf(e.cls());
    if (intent != null) {
      add(scores, intent, e.weight());
    } else {
      cues.add(e.cls());
    }
  }

  private static Intent intentOf(String cls) {
    for (Intent i : Intent.values()) if (i.label().equals(cls)) return i;
    return null;
  }

  private static void add(Map<Intent, Double> scores, Intent intent, double weight) {
    scores.merge(intent, weight, Double::sum);
  }

  private static Intent best(Map<Intent, Double> scores, Set<Intent> among) {
    Intent best = null;
    for (Intent i : PRIORITY) {
      if (!among.contains(i)) continue;
      double s = scores.getOrDefault(i, 0.0);
      if (s > 0 && (best == null || s > scores.get(best))) best = i;
    }
    return best;
  }

  private static double secondBest(Map<Intent, Double> scores, Intent winner) {
    double second = 0;
    for (Map.Entry<Intent, Double> e : scores.entrySet()) {
      if (e.getKey() != winner) second = Math.max(second, e.getValue());
    }
    return second;
  }

  /** 0.6 for a single weak term, growing with the weight and the margin over the runner-up, at most 0.97. */
  private static double confidence(double best, double second) {
    double c = 0.5 + 0.12 * Math.min(best, 3) + 0.1 * Math.min(1, best - second);
    return Math.round(Math.min(0.97, Math.max(0.55, c)) * 100) / 100.0;
  }

  /** "the blue one", "which ones": a left-over "one" points back at something shown. */
  private static boolean oneAsPronoun(List<Word> words) {
    for (Word w : words) {
      if (!w.consumed && (w.surface.equals("one") || w.surface.equals("ones"))) {
        w.consumed = true;
        return true;
      }
    }
    return false;
  }

  /**
   * Collects the words that can name a product into {@code out} (adjacent Japanese and Thai words joined as
   * written); returns whether a Japanese verb or adjective was left unexplained by the lexicon.
   */
  private static boolean collectContent(String language, List<Word> words, List<String> out, Shared shared) {
    boolean unexplained = false;
    StringBuilder group = new StringBuilder();
    Word previous = null;
    for (int i = 0; i < words.size(); i++) {
      Word w = words.get(i);
      boolean keep = !w.consumed && isContent(language, w, i + 1 < words.size() ? words.get(i + 1) : null, shared);
      if (!w.consumed && !keep && w.pos != null && (w.pos.startsWith("動詞-自立") || w.pos.startsWith("形容詞"))) {
        unexplained = true;
      }
      if (!keep) {
        flush(group, out);
        previous = null;
        continue;
      }
      if (previous != null && !language.equals(LanguageDetector.ENGLISH)) {
        boolean latinPair = previous.isLatin() && w.isLatin();
        if (latinPair || previous.end != w.start) {
          group.append(' ');
        }
        group.append(w.surface);
      } else if (previous != null) {
        group.append(' ').append(w.surface);
      } else {
        group.append(w.surface);
      }
      previous = w;
    }
    flush(group, out);
    return unexplained;
  }

  private static void flush(StringBuilder group, List<String> out) {
    if (group.length() > 0) out.add(group.toString());
    group.setLength(0);
  }

  private static boolean isContent(String language, Word w, Word next, Shared shared) {
    if (!w.surface.codePoints().anyMatch(Character::isLetter)) return false;
    if (w.isLatin()) {
      return !CLITIC.matcher(w.surface).find() && !shared.englishStop.contains(w.surface)
          && !shared.englishStop.contains(w.norm);
    }
    return switch (language) {
      case LanguageDetector.JAPANESE -> isJapaneseNoun(w) || (w.pos != null && w.pos.startsWith("接頭詞")
          && next != null && !next.consumed && isJapaneseNoun(next));
      case LanguageDetector.THAI -> w.surface.codePointCount(0, w.surface.length()) >= 2;
      default -> true;
    };
  }

  private static boolean isJapaneseNoun(Word w) {
    String pos = w.pos;
    if (pos == null) return false;
    if (pos.startsWith("未知語")) return true;
    if (!pos.startsWith("名詞")) return false;
    return !(pos.startsWith("名詞-代名詞") || pos.startsWith("名詞-数") || pos.startsWith("名詞-非自立")
        || pos.startsWith("名詞-接尾-助数詞") || pos.startsWith("名詞-接尾-人名") || pos.startsWith("名詞-接尾-特殊")
        || pos.startsWith("名詞-副詞可能") || pos.startsWith("名詞-特殊"));
  }

  private static String expandSlang(String text, Map<String, String[]> slang) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    Matcher m = Pattern.compile("[\\p{L}\\p{N}']+").matcher(text);
    int last = 0;
    while (m.find()) {
      String[] replacement = slang.get(m.group());
      out.append(text, last, m.start());
      out.append(replacement == null ? m.group() : String.join(" ", replacement));
      last = m.end();
    }
    out.append(text, last, text.length());
    return out.toString();
  }

  private static String foldThaiDigits(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '\u0E50' && c <= '\u0E59') {
        if (b == null) b = new StringBuilder(s);
        b.setCharAt(i, (char) ('0' + (c - '\u0E50')));
      }
    }
    return b == null ? s : b.toString();
  }

  static boolean isEmoji(int cp) {
    return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2B00 && cp <= 0x2BFF)
        || cp == 0x2764 || Character.getType(cp) == Character.OTHER_SYMBOL && cp > 0x2000 && cp < 0x3000;
  }
}
