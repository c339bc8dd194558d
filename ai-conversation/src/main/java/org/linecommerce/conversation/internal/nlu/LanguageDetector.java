package org.linecommerce.conversation.internal.nlu;

import java.util.Locale;

/**
 * The language of a chat message, decided by its script: any Thai letter makes it Thai (customers mix English
 * product names into Thai sentences: "matcha มีไหม"), kana or kanji make it Japanese, Latin letters English.
 * The caller's hint (the customer's profile language) decides only when the text has no letters at all
 * ("2", "👍"); without a usable hint the answer is English.
 */
public final class LanguageDetector {

  public static final String ENGLISH = "en";
  public static final String JAPANESE = "ja";
  public static final String THAI = "th";

  private LanguageDetector() {}

  /** {@code en}, {@code ja} or {@code th} for {@code text}; {@code hint} (may be null, e.g. "ja-JP") breaks a tie. */
  public static String detect(String text, String hint) {
    boolean japanese = false;
    boolean latin = false;
    if (text != null) {
      for (int i = 0; i < text.length(); ) {
        int cp = text.codePointAt(i);
        i += Character.charCount(cp);
        if (isThai(cp)) return THAI;
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        if (script == Character.UnicodeScript.HIRAGANA || script == Character.UnicodeScript.KATAKANA
            || (script == Character.UnicodeScript.HAN && Character.isLetter(cp))) {
          japanese = true;
        } else if (script == Character.UnicodeScript.LATIN && Character.isLetter(cp)) {
          latin = true;
        }
      }
    }
    if (japanese) return JAPANESE;
    if (latin) return ENGLISH;
    return normalise(hint);
  }

  /** The supported language a hint such as "th", "TH", "ja-JP" names, else English. */
  static String normalise(String hint) {
    if (hint == null) return ENGLISH;
    String h = hint.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith(THAI)) return THAI;
    if (h.startsWith(JAPANESE)) return JAPANESE;
    return ENGLISH;
  }

  static boolean isThai(int cp) {
    return cp >= 0x0E00 && cp <= 0x0E7F;
  }
}
