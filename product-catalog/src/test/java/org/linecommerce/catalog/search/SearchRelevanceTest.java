package org.linecommerce.catalog.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.SearchHit;
import org.linecommerce.catalog.api.SearchPage;
import org.linecommerce.catalog.api.SearchQuery;
import org.linecommerce.catalog.internal.search.ProductIndex;

/**
 * Relevance of the search read model on the sample catalog, built directly (no actor system): the
 * dev query set, and chat-style queries of the same kinds that the analysis was not tuned to.
 */
class SearchRelevanceTest {

  private static ProductIndex index;

  @BeforeAll
  static void buildIndex() {
    index = new ProductIndex();
    index.load(TestCatalog.products());
    index.refresh();
  }

  @AfterAll
  static void close() {
    index.close();
  }

  @Test
  void devSetFindsAnExpectedProductInTheTopFiveForEveryQuery() {
    List<TestCatalog.DevQuery> queries = TestCatalog.devQueries();
    List<String> misses = new ArrayList<>();
    for (TestCatalog.DevQuery q : queries) {
      SearchPage page = index.search(SearchQuery.of(q.text()).withLanguage(q.language()).withLimit(5));
      if (page.items().stream().noneMatch(h -> q.matches(h.id()))) misses.add(describe(q.language(), q.text(), page));
    }
    int hits = queries.size() - misses.size();
    System.out.printf("dev set hit@5 = %d/%d = %.3f%n", hits, queries.size(), hits / (double) queries.size());
    assertThat(queries).hasSizeGreaterThanOrEqualTo(20);
    assertThat(misses).as("dev queries without an expected product in the top 5").isEmpty();
  }

  /** language (null = detect), query, expected id prefixes (any one in the top 5). */
  private record Case(String language, String text, String... expect) {}

  private static final List<Case> UNSEEN = List.of(
      // English sentences: question words, "do you have", politeness
      new Case("en", "do you have sunscreen?", "sunscreen"),
      new Case("en", "I'm looking for a lunch box", "bento-box"),
      new Case("en", "how much is the rice cooker?", "rice-cooker"),
      new Case("en", "is the sunscreen in stock?", "sunscreen"),
      new Case("en", "Where can I find instant coffee?", "instant-coffee"),
      new Case("en", "got any durian chips?", "durian-chips"),
      new Case("en", "looking for jasmine tea please", "jasmine-tea"),
      new Case("en", "something for dry lips", "lip-balm"),
      // English case and plural variants, a typo
      new Case("en", "Do you sell BENTO BOXES?", "bento-box"),
      new Case("en", "fountain pens", "fountain-pen"),
      new Case("en", "Notebooks", "notebook"),
      new Case("en", "TONER for dry skin", "toner-2"),
      new Case("en", "sunscren", "sunscreen"),
      // tag synonyms
      new Case("en", "UV protection", "sunscreen"),
      new Case("en", "nori snack", "seaweed-snack"),
      new Case("en", "face wash for oily skin", "cleansing-foam"),
      new Case("en", "tableware", "chopsticks"),
      new Case("en", "iced coffee", "cold-brew"),
      new Case("en", "supplement for immune system", "vitamin-c"),
      new Case("en", "caffeine free tea", "barley-tea"),
      new Case("en", "journal", "notebook"),
      // Japanese sentences with particles, politeness and question endings
      new Case("ja", "日焼け止めはありますか", "sunscreen"),
      new Case("ja", "お弁当箱ありますか", "bento-box"),
      new Case("ja", "炊飯器はいくらですか", "rice-cooker"),
      new Case("ja", "日焼け止めの在庫はありますか", "sunscreen"),
      new Case("ja", "ほうじ茶が欲しいです", "hojicha"),
      new Case("ja", "万年筆を探しています", "fountain-pen"),
      new Case("ja", "湯呑みを見せてください", "yunomi"),
      new Case("ja", "水出しコーヒーを買いたい", "cold-brew"),
      new Case("ja", "洗顔フォームはありますか", "cleansing-foam"),
      new Case("ja", "化粧水を探しています", "toner"),
      new Case("ja", "ボールペンはありますか", "gel-pen"),
      new Case("ja", "麦茶ありますか？", "barley-tea"),
      // Thai sentences without spaces, particles, question words
      new Case("th", "มีครีมกันแดดไหม", "sunscreen"),
      new Case("th", "มีชาไทยไหมคะ", "thai-tea"),
      new Case("th", "หม้อหุงข้าวราคาเท่าไหร่", "rice-cooker"),
      new Case("th", "ครีมกันแดดยังมีของไหม", "sunscreen"),
      new Case("th", "อยากได้ครีมกันแดดค่ะ", "sunscreen"),
      new Case("th", "ขอดูปากกาหมึกซึมหน่อยครับ", "fountain-pen"),
      new Case("th", "มีมะม่วงอบแห้งไหมครับ", "dried-mango"),
      new Case("th", "ขอชาอูหลงหน่อยค่ะ", "oolong"),
      new Case("th", "มีเมล็ดกาแฟคั่วไหมครับ", "coffee-beans"),
      new Case("th", "อยากได้ปากกาเจลสีดำ", "gel-pen"),
      new Case("th", "กล่องข้าวเบนโตะสีน้ำเงินมีไหมคะ", "bento-box-3"),
      new Case("th", "ยาหม่องมีไหม", "herbal-balm"),
      // no language given: told from the script
      new Case(null, "日焼け止めはありますか", "sunscreen"),
      new Case(null, "มีครีมกันแดดไหม", "sunscreen"),
      new Case(null, "sunscreen please", "sunscreen"));

  @Test
  void unseenChatQueriesFindTheirProductInTheTopFive() {
    List<String> misses = new ArrayList<>();
    for (Case c : UNSEEN) {
      SearchPage page = index.search(SearchQuery.of(c.text()).withLanguage(c.language()).withLimit(5));
      boolean hit = page.items().stream().anyMatch(h -> List.of(c.expect()).stream().anyMatch(h.id()::startsWith));
      if (!hit) misses.add(describe(c.language(), c.text(), page));
    }
    System.out.printf("unseen-style hit@5 = %d/%d%n", UNSEEN.size() - misses.size(), UNSEEN.size());
    assertThat(UNSEEN).hasSizeGreaterThanOrEqualTo(15);
    assertThat(misses).as("queries without an expected product in the top 5").isEmpty();
  }

  private static String describe(String language, String text, SearchPage page) {
    return language + " '" + text + "' → "
        + page.items().stream().map(SearchHit::id).collect(Collectors.joining(", ", "[", "]"));
  }
}
