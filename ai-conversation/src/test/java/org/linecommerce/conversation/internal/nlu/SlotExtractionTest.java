package org.linecommerce.conversation.internal.nlu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.linecommerce.conversation.api.Intent;

class SlotExtractionTest {

  private static final String ORDER_ID = "3f2b8c1e-1234-4abc-9def-0123456789ab";

  private final MessageAnalyzer analyzer = new MessageAnalyzer();

  private Analysis analyze(String text) {
    return analyzer.analyze(text, null);
  }

  private static List<String> values(Analysis a, String kind) {
    return a.attributes().stream().filter(x -> x.kind().equals(kind)).map(Attribute::value).toList();
  }

  @Test
  void aPriceQuestionWithoutAProductPointsBackInEveryLanguage() {
    for (String text : List.of("how much is it?", "それはいくら？", "อันนี้ราคาเท่าไหร่")) {
      Analysis a = analyze(text);
      assertThat(a.intent()).as(text).isEqualTo(Intent.PRICE);
      assertThat(a.explicit()).as(text).isTrue();
      assertThat(a.refersBack()).as(text).isTrue();
      assertThat(a.productText()).as(text).isNull();
    }
    assertThat(analyze("それはいくら？").language()).isEqualTo("ja");
    assertThat(analyze("อันนี้ราคาเท่าไหร่").language()).isEqualTo("th");
  }

  @Test
  void stockAndOrderQuestionsWithoutAProductPointBackToo() {
    assertThat(analyze("is it in stock?")).extracting(Analysis::intent, Analysis::refersBack)
        .containsExactly(Intent.STOCK, true);
    assertThat(analyze("在庫ある？")).extracting(Analysis::intent, Analysis::refersBack)
        .containsExactly(Intent.STOCK, true);
    assertThat(analyze("ตัวนี้ยังมีของไหม")).extracting(Analysis::intent, Analysis::refersBack)
        .containsExactly(Intent.STOCK, true);
    assertThat(analyze("do you have matcha?").refersBack()).isFalse();
  }

  @Test
  void aBareQuantityIsAnExplicitOrderOfWhatWasDiscussed() {
    for (String text : List.of("2 please", "2つください", "２つください", "เอา 2 อัน", "เอาสองอัน", "เอา ๒ อัน")) {
      Analysis a = analyze(text);
      assertThat(a.intent()).as(text).isEqualTo(Intent.ORDER);
      assertThat(a.quantity()).as(text).isEqualTo(2);
      assertThat(a.explicit()).as(text).isTrue();
      assertThat(a.refersBack()).as(text).isTrue();
      assertThat(a.productText()).as(text).isNull();
    }
  }

  @Test
  void quantitiesAreReadFromDigitsNumberWordsCountersAndClassifiers() {
    assertThat(analyze("I want to buy 2 bento boxes")).extracting(Analysis::intent, Analysis::quantity,
        Analysis::productText).containsExactly(Intent.ORDER, 2, "bento boxes");
    assertThat(analyze("three notebooks please").quantity()).isEqualTo(3);
    assertThat(analyze("a couple of bento boxes").quantity()).isEqualTo(2);
    assertThat(analyze("i'll take one").quantity()).isEqualTo(1);
    assertThat(analyze("coffee x2").quantity()).isEqualTo(2);
    assertThat(analyze("弁当箱を2つ注文したいです")).extracting(Analysis::intent, Analysis::quantity,
        Analysis::productText).containsExactly(Intent.ORDER, 2, "弁当箱");
    assertThat(analyze("弁当箱を二つ").quantity()).isEqualTo(2);
    assertThat(analyze("ふたつください").quantity()).isEqualTo(2);
    assertThat(analyze("ノートを3冊").quantity()).isEqualTo(3);
    assertThat(analyze("二つ目の商品はいくら").quantity()).as("an ordinal is no count").isNull();
    assertThat(analyze("ボトル2本").quantity()).isEqualTo(2);
    assertThat(analyze("十個ください").quantity()).isEqualTo(10);
    assertThat(analyze("อยากสั่งกล่องข้าวสองใบ")).extracting(Analysis::intent, Analysis::quantity,
        Analysis::productText).containsExactly(Intent.ORDER, 2, "กล่องข้าว");
    assertThat(analyze("ชาเขียว 3 ถุง").quantity()).isEqualTo(3);
    assertThat(analyze("รับ 2 ขวดครับ").quantity()).isEqualTo(2);
  }

  @Test
  void sizesAndPackSizesAreAttributesNotQuantities() {
    Analysis grams = analyze("matcha 50g");
    assertThat(grams.quantity()).isNull();
    assertThat(values(grams, "size")).containsExactly("50g");
    assertThat(grams.productText()).isEqualTo("matcha");

    assertThat(analyze("抹茶 ５０ｇ")).satisfies(a -> {
      assertThat(a.quantity()).isNull();
      assertThat(values(a, "size")).containsExactly("50g");
    });
    assertThat(analyze("ผงชาเขียว 100 กรัม")).satisfies(a -> {
      assertThat(a.quantity()).isNull();
      assertThat(values(a, "size")).containsExactly("100g");
      assertThat(a.attributes().get(0).surfaces()).contains("100g", "100 กรัม", "100グラム");
    });
    assertThat(analyze("0.5mm pen")).satisfies(a -> {
      assertThat(a.quantity()).isNull();
      assertThat(values(a, "size")).containsExactly("0.5mm");
    });
    assertThat(analyze("water 1L")).satisfies(a -> {
      assertThat(a.quantity()).isNull();
      assertThat(values(a, "size")).containsExactly("1L");
    });
    assertThat(analyze("vitamin c pack of 10")).satisfies(a -> {
      assertThat(a.quantity()).isNull();
      assertThat(values(a, "pack")).containsExactly("10");
      assertThat(a.productText()).isEqualTo("vitamin c");
    });
    assertThat(analyze("ビタミンC 10個入り")).satisfies(a -> {
      assertThat(a.quantity()).isNull();
      assertThat(values(a, "pack")).containsExactly("10");
    });
    assertThat(analyze("วิตามินซี แพ็ค 10")).satisfies(a -> {
      assertThat(a.quantity()).isNull();
      assertThat(values(a, "pack")).containsExactly("10");
    });
    assertThat(analyze("sunscreen SPF50")).satisfies(a -> {
      assertThat(a.quantity()).isNull();
      assertThat(a.productText()).isEqualTo("sunscreen spf50");
    });
    assertThat(analyze("2 matcha 50g")).satisfies(a -> {
      assertThat(a.quantity()).isEqualTo(2);
      assertThat(values(a, "size")).containsExactly("50g");
    });
  }

  @Test
  void moneyAndLaughterAreNotQuantities() {
    assertThat(analyze("anything under 500 baht?").quantity()).isNull();
    assertThat(analyze("1000円以下のお茶").quantity()).isNull();
    assertThat(analyze("555 ขอบคุณค่ะ")).extracting(Analysis::quantity, Analysis::intent)
        .containsExactly(null, Intent.THANKS);
  }

  @Test
  void aVariantAloneIsNoProductTextAndNotAnExplicitIntent() {
    Analysis a = analyze("the blue one");
    assertThat(a.attributes()).extracting(Attribute::kind, Attribute::value).containsExactly(
        org.assertj.core.groups.Tuple.tuple("colour", "blue"));
    assertThat(a.attributes().get(0).surfaces()).contains("blue", "ブルー", "青", "น้ำเงิน", "ฟ้า");
    assertThat(a.explicit()).isFalse();
    assertThat(a.productText()).isNull();
    assertThat(a.refersBack()).isTrue();
    assertThat(a.quantity()).isNull();

    assertThat(analyze("ブルーのやつ")).satisfies(b -> {
      assertThat(values(b, "colour")).containsExactly("blue");
      assertThat(b.explicit()).isFalse();
    });
    assertThat(analyze("อันสีน้ำเงิน")).satisfies(b -> {
      assertThat(values(b, "colour")).containsExactly("blue");
      assertThat(b.productText()).isNull();
    });
  }

  @Test
  void variantsAreSeparatedFromTheProductWordsInEveryLanguage() {
    Analysis en = analyze("blue bento box");
    assertThat(en.intent()).isEqualTo(Intent.PRODUCT_SEARCH);
    assertThat(en.productText()).isEqualTo("bento box");
    assertThat(values(en, "colour")).containsExactly("blue");

    Analysis ja = analyze("ブルーの弁当箱");
    assertThat(ja.productText()).isEqualTo("弁当箱");
    assertThat(values(ja, "colour")).containsExactly("blue");
    assertThat(values(analyze("黒いノート"), "colour")).containsExactly("black");
    assertThat(values(analyze("赤の弁当箱"), "colour")).containsExactly("red");

    Analysis th = analyze("กล่องข้าวสีน้ำเงิน");
    assertThat(th.productText()).isEqualTo("กล่องข้าว");
    assertThat(values(th, "colour")).containsExactly("blue");
    assertThat(values(analyze("สมุดสีดำ"), "colour")).containsExactly("black");

    assertThat(values(analyze("dark roast coffee"), "roast")).containsExactly("dark");
    assertThat(values(analyze("深煎りのコーヒー"), "roast")).containsExactly("dark");
    assertThat(values(analyze("กาแฟคั่วอ่อน"), "roast")).containsExactly("light");
    assertThat(values(analyze("coconut chips strawberry"), "flavour")).containsExactly("strawberry");
    assertThat(values(analyze("いちごのチップス"), "flavour")).containsExactly("strawberry");
    assertThat(values(analyze("มะพร้าวอบกรอบรสยูซุ"), "flavour")).containsExactly("yuzu");
    assertThat(values(analyze("toner for oily skin"), "skin")).containsExactly("oily");
    assertThat(values(analyze("乾燥肌用の化粧水"), "skin")).containsExactly("dry");
    assertThat(values(analyze("โทนเนอร์สำหรับผิวมัน"), "skin")).containsExactly("oily");
    assertThat(values(analyze("unscented hand cream"), "scent")).containsExactly("unscented");
    assertThat(values(analyze("桜のハンドクリーム"), "scent")).containsExactly("sakura");
    assertThat(values(analyze("ครีมไม่มีกลิ่น"), "scent")).containsExactly("unscented");
  }

  @Test
  void productTextKeepsOnlyTheWordsNamingTheProductInTheMessageScript() {
    assertThat(analyze("do you have matcha?").productText()).isEqualTo("matcha");
    assertThat(analyze("is the sunscreen in stock?").productText()).isEqualTo("sunscreen");
    assertThat(analyze("how much is the rice cooker?").productText()).isEqualTo("rice cooker");
    assertThat(analyze("抹茶はありますか").productText()).isEqualTo("抹茶");
    assertThat(analyze("日焼け止めの在庫はありますか").productText()).isEqualTo("日焼け止め");
    assertThat(analyze("炊飯器はいくらですか").productText()).isEqualTo("炊飯器");
    assertThat(analyze("มีชาไทยไหมคะ").productText()).isEqualTo("ชาไทย");
    assertThat(analyze("ครีมกันแดดยังมีของไหม").productText()).isEqualTo("ครีมกันแดด");
    assertThat(analyze("หม้อหุงข้าวราคาเท่าไหร่").productText()).isEqualTo("หม้อหุงข้าว");
    assertThat(analyze("matcha มีไหม")).extracting(Analysis::language, Analysis::productText)
        .containsExactly("th", "matcha");
    assertThat(analyze("hi there").productText()).isNull();
    assertThat(analyze("ありがとうございます").productText()).isNull();
    assertThat(analyze("ขอบคุณมากค่ะ").productText()).isNull();
  }

  @Test
  void aBareProductNameIsAnExplicitProductSearch() {
    for (String text : List.of("matcha", "抹茶", "ชาไทย")) {
      Analysis a = analyze(text);
      assertThat(a.intent()).as(text).isEqualTo(Intent.PRODUCT_SEARCH);
      assertThat(a.explicit()).as(text).isTrue();
      assertThat(a.productText()).as(text).isEqualTo(text);
    }
    assertThat(analyze("hi, do you have matcha?").intent()).isEqualTo(Intent.PRODUCT_SEARCH);
  }

  @Test
  void aMessageWithNothingToGoOnIsALowConfidenceGuessThatIsNotExplicit() {
    for (String text : List.of("ok", "555", "...")) {
      Analysis a = analyze(text);
      assertThat(a.explicit()).as(text).isFalse();
      assertThat(a.confidence()).as(text).isLessThan(0.5);
    }
    Analysis wordy = analyze("my cat walked over the keyboard yesterday evening");
    assertThat(wordy.intent()).isEqualTo(Intent.PRODUCT_SEARCH);
    assertThat(wordy.explicit()).isFalse();
    assertThat(wordy.confidence()).isLessThan(0.5);
  }

  @Test
  void anOrderIdIsFoundAnywhereInTheText() {
    Analysis en = analyze("where is my order " + ORDER_ID + "?");
    assertThat(en.intent()).isEqualTo(Intent.ORDER_STATUS);
    assertThat(en.orderId()).isEqualTo(ORDER_ID);
    assertThat(en.quantity()).isNull();
    assertThat(analyze("注文" + ORDER_ID.toUpperCase() + "の状況は？").orderId()).isEqualTo(ORDER_ID);
    assertThat(analyze("ออเดอร์ " + ORDER_ID + " ถึงไหนแล้วคะ")).extracting(Analysis::intent, Analysis::orderId)
        .containsExactly(Intent.ORDER_STATUS, ORDER_ID);
    assertThat(analyze("where is my order?").orderId()).isNull();
    assertThat(analyze("cancel my order").intent()).as("never a new order").isEqualTo(Intent.ORDER_STATUS);
  }

  @Test
  void pronounsPointBackInEveryLanguage() {
    for (String text : List.of("is that one available?", "I'll take them", "これください", "その赤いのは？",
        "ตัวนี้มีสีแดงไหม", "อันนั้นเอา 2")) {
      assertThat(analyze(text).refersBack()).as(text).isTrue();
    }
  }
}
