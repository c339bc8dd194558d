package org.linecommerce.conversation.internal.nlu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LanguageDetectorTest {

  @Test
  void anyThaiLetterMakesTheMessageThaiEvenAmongLatinOrJapanese() {
    assertThat(LanguageDetector.detect("matcha มีไหม", null)).isEqualTo("th");
    assertThat(LanguageDetector.detect("bento box ราคาเท่าไหร่", "en")).isEqualTo("th");
    assertThat(LanguageDetector.detect("抹茶 ชาเขียว", null)).isEqualTo("th");
    assertThat(LanguageDetector.detect("ขอบคุณ 🙏", null)).isEqualTo("th");
  }

  @Test
  void kanaOrKanjiMakeTheMessageJapaneseEvenWithLatinWords() {
    assertThat(LanguageDetector.detect("抹茶", null)).isEqualTo("ja");
    assertThat(LanguageDetector.detect("ありがとう", "th")).isEqualTo("ja");
    assertThat(LanguageDetector.detect("サンキュー", null)).isEqualTo("ja");
    assertThat(LanguageDetector.detect("matchaありますか", null)).isEqualTo("ja");
    assertThat(LanguageDetector.detect("ｶﾀｶﾅ", null)).isEqualTo("ja");
  }

  @Test
  void latinLettersMakeTheMessageEnglishWhateverTheHint() {
    assertThat(LanguageDetector.detect("hello", null)).isEqualTo("en");
    assertThat(LanguageDetector.detect("hello", "th")).isEqualTo("en");
    assertThat(LanguageDetector.detect("ＭＡＴＣＨＡ please", "ja")).isEqualTo("en");
    assertThat(LanguageDetector.detect("2 pls 😀", "ja")).isEqualTo("en");
  }

  @Test
  void theHintDecidesOnlyWhenTheTextHasNoLetters() {
    assertThat(LanguageDetector.detect("2", "th")).isEqualTo("th");
    assertThat(LanguageDetector.detect("👍", "ja-JP")).isEqualTo("ja");
    assertThat(LanguageDetector.detect("２", "TH")).isEqualTo("th");
    assertThat(LanguageDetector.detect("?!", "fr")).isEqualTo("en");
    assertThat(LanguageDetector.detect("👍", null)).isEqualTo("en");
    assertThat(LanguageDetector.detect("", null)).isEqualTo("en");
    assertThat(LanguageDetector.detect(null, "th")).isEqualTo("th");
  }
}
