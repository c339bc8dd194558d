package org.linecommerce.conversation.internal.nlu;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variants a message can name. Colours, flavours, roasts, skin types and scents come from the shop-editable
 * {@code conversation/attributes.txt} and are matched on the analysed words of the message (so 深煎り matches
 * Kuromoji's 深 / 煎り); sizes ("50g", "1L", "５０ｇ", "50 กรัม") and pack sizes ("pack of 10", "10個入り", "แพ็ค 10")
 * are read by pattern and taken out of the text before quantities are looked for, so "50g" is never 50 pieces.
 */
final class VariantVocabulary {

  static final String RESOURCE = "conversation/attributes.txt";

  private static final Pattern SIZE = Pattern.compile(
      "(?<![\\p{L}\\p{N}.])(\\d+(?:\\.\\d+)?)\\s*"
          + "(kg|mg|ml|g|l|mm|cm|oz|lbs?|grams?|litres?|liters?|グラム|キロ|ミリリットル|ミリ|リットル"
          + "|กิโลกรัม|กิโล|กก\\.?|กรัม|มก\\.?|มิลลิกรัม|มล\\.?|มิลลิลิตร|ลิตร|ซม\\.?)(?![a-z])");
  private static final Pattern PACK = Pattern.compile(
      "(?:(?:pack|box|set|bag) of\\s*(\\d{1,4}))"
          + "|(?:(?<![\\p{L}\\p{N}])(\\d{1,4})\\s*-?\\s*(?:pack|pk|count|ct)\\b)"
          + "|(?:(\\d{1,4})\\s*(?:個|枚|本|袋|包|粒|錠|食)?入り?(?![\\p{IsHan}]))"
          + "|(?:แพ็[คก]\\s*(\\d{1,4})(?:\\s*ชิ้น)?)"
          + "|(?:(\\d{1,4})\\s*ชิ้น\\s*/\\s*แพ็[คก])");

  private static final Map<String, String> UNITS = Map.ofEntries(
      Map.entry("g", "g"), Map.entry("gram", "g"), Map.entry("grams", "g"), Map.entry("グラム", "g"),
      Map.entry("กรัม", "g"), Map.entry("kg", "kg"), Map.entry("キロ", "kg"), Map.entry("กิโลกรัม", "kg"),
      Map.entry("กิโล", "kg"), Map.entry("กก", "kg"), Map.entry("mg", "mg"), Map.entry("มก", "mg"),
      Map.entry("มิลลิกรัม", "mg"), Map.entry("ml", "ml"), Map.entry("ミリリットル", "ml"), Map.entry("ミリ", "ml"),
      Map.entry("มล", "ml"), Map.entry("มิลลิลิตร", "ml"), Map.entry("l", "L"), Map.entry("litre", "L"),
      Map.entry("litres", "L"), Map.entry("liter", "L"), Map.entry("liters", "L"), Map.entry("リットル", "L"),
      Map.entry("ลิตร", "L"), Map.entry("mm", "mm"), Map.entry("cm", "cm"), Map.entry("ซม", "cm"),
      Map.entry("oz", "oz"), Map.entry("lb", "lb"), Map.entry("lbs", "lb"));

  private static final Map<String, List<String>> UNIT_SURFACES = Map.of(
      "g", List.of("g", " g", "グラム", " กรัม", "กรัม"),
      "kg", List.of("kg", " kg", "キロ", " กก.", " กิโลกรัม"),
      "mg", List.of("mg", " mg", " มก.", " มิลลิกรัม"),
      "ml", List.of("ml", " ml", "ミリリットル", " มล.", " มิลลิลิตร"),
      "L", List.of("l", " l", "リットル", " ลิตร", "ลิตร"),
      "mm", List.of("mm", " mm"),
      "cm", List.of("cm", " cm", " ซม."),
      "oz", List.of("oz", " oz"),
      "lb", List.of("lb", " lb"));

  private final Map<String, Attribute> byCls = new LinkedHashMap<>();
  private final Map<String, Lexicon> byLanguage = new LinkedHashMap<>();
  private final List<Lexicon.Entry> entries = new ArrayList<>();

  private VariantVocabulary() {}

  /** Loads the vocabulary; {@code thaiVocabulary} receives every Thai surface for the Thai word cutter. */
  static VariantVocabulary load(Set<String> thaiVocabulary) {
    VariantVocabulary v = new VariantVocabulary();
    for (String line : Lexicon.lines(RESOURCE)) {
      int colon = line.indexOf(':');
      String[] head = line.substring(0, colon).trim().split("\\s+");
      String cls = head[0] + " " + head[1];
      List<String> surfaces = new ArrayList<>();
      for (String s : line.substring(colon + 1).split("\\|")) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) continue;
        surfaces.add(t);
        v.entries.add(new Lexicon.Entry(cls, 0, t));
        if (t.codePoints().anyMatch(LanguageDetector::isThai)) thaiVocabulary.add(t);
      }
      v.byCls.put(cls, new Attribute(head[0], head[1], surfaces));
    }
    return v;
  }

  /** Builds the per-language matchers once the Thai vocabulary is complete. */
  void index(Set<String> thaiVocabulary) {
    byLanguage.put(LanguageDetector.ENGLISH, new Lexicon(entries, WordChains::english, " ", true));
    byLanguage.put(LanguageDetector.JAPANESE, new Lexicon(entries, WordChains::japanese, "", false));
    byLanguage.put(LanguageDetector.THAI, new Lexicon(entries, t -> WordChains.thai(t, thaiVocabulary), "", true));
  }

  /** The named variants among the untaken words of a message in {@code language}; takes their words. */
  List<Attribute> fromWords(String language, List<Word> words) {
    List<Attribute> out = new ArrayList<>();
    Lexicon lexicon = byLanguage.get(language);
    for (Lexicon.Entry e : lexicon.match(words)) {
      Attribute a = byCls.get(e.cls());
      if (a != null && !out.contains(a)) out.add(a);
    }
    if (!language.equals(LanguageDetector.ENGLISH)) {
      // English variant words inside a Japanese or Thai message ("matcha strawberry มีไหม")
      for (Lexicon.Entry e : byLanguage.get(LanguageDetector.ENGLISH).match(words)) {
        Attribute a = byCls.get(e.cls());
        if (a != null && !out.contains(a)) out.add(a);
      }
    }
    return out;
  }

  /** Sizes and pack sizes written in {@code text}; their characters are blanked out of {@code text}. */
  static List<Attribute> fromPatterns(StringBuilder text) {
    List<Attribute> out = new ArrayList<>();
    Matcher pack = PACK.matcher(text);
    while (pack.find()) {
      String n = firstGroup(pack);
      if (n == null) continue;
      Attribute a = pack(Integer.parseInt(n));
      if (!out.contains(a)) out.add(a);
      blank(text, pack.start(), pack.end());
    }
    Matcher size = SIZE.matcher(text);
    while (size.find()) {
      String unit = UNITS.get(size.group(2).replace(".", ""));
      if (unit == null) continue;
      String amount = new BigDecimal(size.group(1)).stripTrailingZeros().toPlainString();
      Attribute a = size(amount, unit);
      if (!out.contains(a)) out.add(a);
      blank(text, size.start(), size.end());
    }
    return out;
  }

  static Attribute size(String amount, String unit) {
    List<String> surfaces = new ArrayList<>();
    for (String s : UNIT_SURFACES.get(unit)) surfaces.add((amount + s).toLowerCase(Locale.ROOT));
    return new Attribute("size", amount + unit, surfaces);
  }

  static Attribute pack(int n) {
    return new Attribute("pack", String.valueOf(n), List.of(
        "pack of " + n, n + " pack", n + "-pack", n + "個入り", n + "個入", n + "枚入り", "แพ็ค " + n, "แพ็ค " + n + " ชิ้น"));
  }

  private static String firstGroup(Matcher m) {
    for (int g = 1; g <= m.groupCount(); g++) if (m.group(g) != null) return m.group(g);
    return null;
  }

  static void blank(StringBuilder text, int from, int to) {
    for (int i = from; i < to; i++) text.setCharAt(i, ' ');
  }
}
