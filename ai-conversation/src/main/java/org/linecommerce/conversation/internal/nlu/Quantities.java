package org.linecommerce.conversation.internal.nlu;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many of something a message asks for: digits (full-width digits arrive as ASCII after NFKC, Thai digits are
 * folded), Japanese counters (2つ, 二個, ふたつ, 3本), Thai classifiers (2 อัน, สองใบ), English number words (two,
 * a couple). Runs after sizes and pack sizes were taken out of the text, so "50g" or "pack of 10" never count. Money
 * ("500 baht", "$20") and numbers glued to letters ("spf50", "a5") are not quantities either.
 */
final class Quantities {

  static final int MAX = 999;

  private static final String KANJI_DIGITS = "〇一二三四五六七八九十";
  private static final Pattern JA_COUNTED = Pattern.compile(
      "(\\d{1,3}|[一二三四五六七八九十]{1,3})\\s*(つ|個|こ|本|枚|箱|点|袋|セット|パック|缶|瓶|台|着|足|杯|冊|部|品|コ)(?![入目])");
  private static final Map<String, Integer> JA_WORDS = Map.of(
      "ひとつ", 1, "ふたつ", 2, "みっつ", 3, "よっつ", 4, "いつつ", 5, "むっつ", 6, "ななつ", 7, "やっつ", 8,
      "ここのつ", 9, "とお", 10);
  private static final Pattern JA_WORD = Pattern.compile("(?:ひとつ|ふたつ|みっつ|よっつ|いつつ|むっつ|ななつ|やっつ|ここのつ)(?!目)");
  static final Set<String> THAI_CLASSIFIERS = Set.of(
      "อัน", "ใบ", "ชิ้น", "กล่อง", "ขวด", "ซอง", "ถุง", "ห่อ", "เครื่อง", "ตัว", "คู่", "ชุด", "กระป๋อง", "เล่ม",
      "แท่ง", "หลอด", "แพ็ค", "แพ็ก", "กระปุก", "ด้าม", "ลูก", "เม็ด", "แผ่น", "ที่", "จาน", "แก้ว");
  private static final Pattern TH_COUNTED = Pattern.compile(
      "(?<![\\p{L}\\p{N}.,])(\\d{1,3})\\s*(" + String.join("|", THAI_CLASSIFIERS) + ")");
  static final Map<String, Integer> THAI_NUMBERS = Map.of(
      "หนึ่ง", 1, "สอง", 2, "สาม", 3, "สี่", 4, "ห้า", 5, "หก", 6, "เจ็ด", 7, "แปด", 8, "เก้า", 9, "สิบ", 10);
  private static final Map<String, Integer> ENGLISH_NUMBERS = Map.ofEntries(
      Map.entry("one", 1), Map.entry("two", 2), Map.entry("three", 3), Map.entry("four", 4), Map.entry("five", 5),
      Map.entry("six", 6), Map.entry("seven", 7), Map.entry("eight", 8), Map.entry("nine", 9), Map.entry("ten", 10),
      Map.entry("eleven", 11), Map.entry("twelve", 12), Map.entry("dozen", 12), Map.entry("couple", 2),
      Map.entry("pair", 2), Map.entry("single", 1));
  /** Words before "one" that make it a count ("take one", "just one") rather than a pronoun ("the blue one"). */
  private static final Set<String> ONE_AS_COUNT_AFTER = Set.of(
      "take", "buy", "order", "want", "get", "add", "me", "just", "only", "need", "purchas", "gimm", "give", "i'll");
  private static final Pattern DIGITS = Pattern.compile(
      "(?<![\\p{L}\\p{N}.,/:#$¥￥฿-])(?:x\\s*)?(\\d{1,3})(?![\\p{N}]|[.,:/]\\d)(?:\\s*(?:x|pcs|pc|pieces?|units?)\\b)?");
  private static final Pattern MONEY_AFTER = Pattern.compile(
      "^\\s*(?:%|baht|บาท|円|yen|thb|usd|dollars?|bucks|b\\b|฿|元)");

  private Quantities() {}

  /** The first quantity written with digits or counters in {@code text}, blanking what it took; null if none. */
  static Integer fromText(StringBuilder text, String language) {
    Integer found = null;
    if (language.equals(LanguageDetector.JAPANESE)) {
      Matcher m = JA_COUNTED.matcher(text);
      if (m.find()) {
        found = number(m.group(1));
        VariantVocabulary.blank(text, m.start(), m.end());
      }
      Matcher w = JA_WORD.matcher(text);
      if (found == null && w.find()) {
        found = JA_WORDS.get(w.group());
        VariantVocabulary.blank(text, w.start(), w.end());
      }
    } else if (language.equals(LanguageDetector.THAI)) {
      Matcher m = TH_COUNTED.matcher(text);
      if (m.find()) {
        found = Integer.parseInt(m.group(1));
        VariantVocabulary.blank(text, m.start(), m.end());
      }
    }
    Matcher d = DIGITS.matcher(text);
    while (d.find()) {
      String after = text.substring(d.end(), Math.min(text.length(), d.end() + 8));
      if (MONEY_AFTER.matcher(after).find()) continue;
      if (!after.isEmpty() && Character.isLetter(after.charAt(0))
          && Character.UnicodeScript.of(after.charAt(0)) == Character.UnicodeScript.LATIN) {
        continue; // 2nd, 3d, 4k
      }
      int n = Integer.parseInt(d.group(1));
      VariantVocabulary.blank(text, d.start(), d.end());
      if (found == null && n > 0) found = n;
    }
    return found != null && found > 0 && found <= MAX ? found : null;
  }

  /** A quantity in number words among the untaken words; takes them (and a Thai classifier after them). */
  static Integer fromWords(String language, List<Word> words) {
    for (int i = 0; i < words.size(); i++) {
      Word w = words.get(i);
      if (w.consumed) continue;
      if (language.equals(LanguageDetector.THAI)) {
        Integer n = THAI_NUMBERS.get(w.surface);
        if (n == null) continue;
        w.consumed = true;
        if (i + 1 < words.size() && THAI_CLASSIFIERS.contains(words.get(i + 1).surface)) words.get(i + 1).consumed = true;
        return n;
      }
      Integer n = ENGLISH_NUMBERS.get(w.surface);
      if (n == null || !w.isLatin()) continue;
      String previous = i > 0 ? words.get(i - 1).surface : null;
      if (w.surface.equals("one")) {
        String prevNorm = i > 0 ? words.get(i - 1).norm : null;
        boolean next = i + 1 < words.size() && words.get(i + 1).surface.equals("of");
        if (next || (previous != null && !ONE_AS_COUNT_AFTER.contains(prevNorm)
            && !ONE_AS_COUNT_AFTER.contains(previous))) {
          continue; // "the blue one", "one of those": a pronoun
        }
      }
      w.consumed = true;
      if (previous != null && previous.equals("a")) words.get(i - 1).consumed = true;
      if (i + 1 < words.size() && words.get(i + 1).surface.equals("of")) words.get(i + 1).consumed = true;
      return n;
    }
    return null;
  }

  private static Integer number(String s) {
    if (Character.isDigit(s.charAt(0))) return Integer.parseInt(s);
    // 十 = 10, 十二 = 12, 二十 = 20
    int value = 0;
    int current = 0;
    for (char c : s.toCharArray()) {
      int d = KANJI_DIGITS.indexOf(c);
      if (c == '十') {
        value += (current == 0 ? 1 : current) * 10;
        current = 0;
      } else {
        current = d;
      }
    }
    return value + current;
  }
}
