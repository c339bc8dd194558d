package org.linecommerce.conversation.internal.nlu;

/**
 * One word of a message as the language chain cut it: the written form (lower case), the form it is matched on
 * (English stem, Japanese base form, Thai word), the Japanese part of speech, and what the analysis made of it.
 * Lives for one analysis on one thread.
 */
final class Word {

  final String surface;
  String norm;
  final String pos;
  /** Japanese reading in katakana, when Kuromoji knows it. */
  String reading;
  /** Index of the first character in the analysed text, to tell adjacent words from separated ones. */
  final int start;
  final int end;
  /** Taken by the lexicon, a variant, a quantity or an order id: never product text. */
  boolean consumed;

  Word(String surface, String norm, String pos, int start, int end) {
    this.surface = surface;
    this.norm = norm;
    this.pos = pos;
    this.start = start;
    this.end = end;
  }

  boolean isLatin() {
    return !surface.isEmpty() && surface.codePoints().anyMatch(c -> Character.isLetter(c)
        && Character.UnicodeScript.of(c) == Character.UnicodeScript.LATIN);
  }

  boolean hasLetterOrDigit() {
    return surface.codePoints().anyMatch(Character::isLetterOrDigit);
  }

  @Override
  public String toString() {
    return surface + (norm.equals(surface) ? "" : "/" + norm) + (pos == null ? "" : "/" + pos) + (consumed ? "*" : "");
  }
}
