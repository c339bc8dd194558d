package org.linecommerce.catalog.api;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The languages the catalog speaks ({@code en}, {@code ja}, {@code th}, BCP 47) and how a query's
 * language is told from its script when the caller does not say: Thai letters mean {@code th},
 * kana or CJK ideographs mean {@code ja}, anything else {@code en}.
 */
public final class CatalogLanguages {

  public static final String EN = "en";
  public static final String JA = "ja";
  public static final String TH = "th";

  /** Supported codes; texts missing in one of them fall back to {@link #EN}. */
  public static final List<String> SUPPORTED = List.of(EN, JA, TH);

  private CatalogLanguages() {}

  /**
   * The supported code for a BCP 47 tag ({@code "ja"}, {@code "JA"}, {@code "ja-JP"} → {@code ja});
   * empty for a blank tag or a language the catalog does not speak.
   */
  public static Optional<String> normalize(String tag) {
    if (tag == null || tag.isBlank()) return Optional.empty();
    String primary = tag.trim().split("[-_]", 2)[0].toLowerCase(Locale.ROOT);
    return SUPPORTED.contains(primary) ? Optional.of(primary) : Optional.empty();
  }

  /** The language of {@code text} by its script: the most frequent of Thai and Japanese letters, else English. */
  public static String detect(String text) {
    if (text == null) return EN;
    int thai = 0;
    int japanese = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (isThai(cp)) thai++;
      else if (isJapanese(cp)) japanese++;
      i += Character.charCount(cp);
    }
    if (thai == 0 && japanese == 0) return EN;
    return thai >= japanese ? TH : JA;
  }

  /** A letter of the Thai block. */
  public static boolean isThai(int codePoint) {
    return codePoint >= 0x0E00 && codePoint <= 0x0E7F;
  }

  /** Hiragana, katakana (full or half width) or a CJK ideograph. */
  public static boolean isJapanese(int codePoint) {
    Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
    return script == Character.UnicodeScript.HIRAGANA
        || script == Character.UnicodeScript.KATAKANA
        || script == Character.UnicodeScript.HAN
        || codePoint == 0x30FC; // prolonged sound mark ー (script COMMON)
  }
}
