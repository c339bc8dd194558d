package org.linecommerce.conversation.internal.nlu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.linecommerce.conversation.api.Intent;

/** The mechanisms behind the intents: base forms, readings, stems, typos, elongations, emoji, priorities. */
class IntentMechanismsTest {

  private final MessageAnalyzer analyzer = new MessageAnalyzer();

  private Intent intent(String text) {
    return analyzer.analyze(text, null).intent();
  }

  @Test
  void japaneseInflectionsAndKanaSpellingsMeetTheirBaseForm() {
    for (String text : List.of("注文したい", "注文します", "注文しました", "ちゅうもんしたい", "チュウモンします")) {
      assertThat(intent(text)).as(text).isEqualTo(Intent.ORDER);
    }
    assertThat(intent("壊れてた")).isEqualTo(Intent.COMPLAINT);
    assertThat(intent("ざいこある？")).isEqualTo(Intent.STOCK);
  }

  @Test
  void aWordCountsOncePerIntentHoweverManyLexiconTermsShareItsStem() {
    // "arrive" and "arrived" are both order-status terms with the stem "arriv": counted twice, they
    // outweighed "broken" and a complaint about a delivery read as a status question
    assertThat(intent("my parcel arrived broken")).isEqualTo(Intent.COMPLAINT);
    assertThat(intent("has my parcel arrived?")).isEqualTo(Intent.ORDER_STATUS);
  }

  @Test
  void englishStemsAndTyposMeetTheirLexiconWord() {
    assertThat(intent("ordering two boxes")).isEqualTo(Intent.ORDER);
    assertThat(intent("is the matcha in stok")).isEqualTo(Intent.STOCK);
    assertThat(intent("very dissapointed")).isEqualTo(Intent.COMPLAINT);
    assertThat(intent("can you recomend a toner")).isEqualTo(Intent.PRODUCT_SEARCH);
    assertThat(intent("wheres my pakage")).isEqualTo(Intent.ORDER_STATUS);
  }

  @Test
  void chatElongationsAndEmojiAreRead() {
    assertThat(intent("heyyy")).isEqualTo(Intent.GREETING);
    assertThat(intent("thanksss")).isEqualTo(Intent.THANKS);
    assertThat(intent("ขอบคุณค่าาาา")).isEqualTo(Intent.THANKS);
    assertThat(intent("🙏")).isEqualTo(Intent.THANKS);
    assertThat(intent("😡😡")).isEqualTo(Intent.COMPLAINT);
  }

  @Test
  void requestsOutrankEachOtherAsAShopperMeansThem() {
    assertThat(intent("I want to buy 2 bento boxes")).isEqualTo(Intent.ORDER);
    assertThat(intent("is the sunscreen in stock?")).isEqualTo(Intent.STOCK);
    assertThat(intent("how much is the rice cooker?")).isEqualTo(Intent.PRICE);
    assertThat(intent("where is my order?")).isEqualTo(Intent.ORDER_STATUS);
    assertThat(intent("注文した商品はいつ届きますか")).isEqualTo(Intent.ORDER_STATUS);
    assertThat(intent("ของที่สั่งไปถึงไหนแล้ว")).isEqualTo(Intent.ORDER_STATUS);
    assertThat(intent("hi, do you have matcha?")).isEqualTo(Intent.PRODUCT_SEARCH);
    assertThat(intent("thanks! where is my package?")).isEqualTo(Intent.ORDER_STATUS);
    assertThat(intent("the package arrived broken, this is terrible")).isEqualTo(Intent.COMPLAINT);
    assertThat(intent("แอดมินคะ มีชาไทยไหม")).as("addressing the admin is no handoff").isEqualTo(Intent.PRODUCT_SEARCH);
  }

  @Test
  void theHumanWordsOfTheThreeLanguagesAskForAHandoff() {
    for (String text : List.of("human please", "can I talk to staff", "operator", "担当者お願い", "人間と話したい",
        "スタッフ呼んで", "ขอคุยกับพนักงาน", "ติดต่อแอดมินหน่อย", "ขอคุยกับคนค่ะ")) {
      assertThat(intent(text)).as(text).isEqualTo(Intent.HUMAN_HANDOFF);
    }
  }
}
