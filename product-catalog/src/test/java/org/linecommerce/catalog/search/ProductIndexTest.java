package org.linecommerce.catalog.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.catalog.search.TestCatalog.meta;
import static org.linecommerce.catalog.search.TestCatalog.product;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.CatalogLanguages;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.ProductEvent.PriceChanged;
import org.linecommerce.catalog.api.ProductEvent.ProductCreated;
import org.linecommerce.catalog.api.ProductEvent.ProductDiscontinued;
import org.linecommerce.catalog.api.ProductEvent.ProductUpdated;
import org.linecommerce.catalog.api.ProductEvent.ReservationCommitted;
import org.linecommerce.catalog.api.ProductEvent.ReservationReleased;
import org.linecommerce.catalog.api.ProductEvent.StockAdjusted;
import org.linecommerce.catalog.api.ProductEvent.StockReserved;
import org.linecommerce.catalog.api.ProductView;
import org.linecommerce.catalog.api.RecommendQuery;
import org.linecommerce.catalog.api.SearchHit;
import org.linecommerce.catalog.api.SearchPage;
import org.linecommerce.catalog.api.SearchQuery;
import org.linecommerce.catalog.internal.search.ProductIndex;

/** The search read model's rules, on small hand-made catalogs (no actor system). */
class ProductIndexTest {

  private ProductIndex index;
  private final java.util.Map<String, Long> sequence = new java.util.HashMap<>();

  @BeforeEach
  void open() {
    index = new ProductIndex();
  }

  @AfterEach
  void close() {
    index.close();
  }

  private void apply(ProductEvent event) {
    long seq = sequence.merge(event.productId(), 1L, Long::sum);
    index.apply(event, seq);
    index.refresh();
  }

  /** The sample catalog, each product created with its event 1. */
  private void loadSample() {
    List<ProductData> sample = TestCatalog.products();
    index.load(sample);
    sample.forEach(p -> sequence.put(p.id(), 1L));
    index.refresh();
  }

  private void create(ProductData data) {
    apply(new ProductCreated(data.id(), data, meta()));
  }

  private List<String> ids(SearchPage page) {
    return page.items().stream().map(SearchHit::id).toList();
  }

  private static ProductData kettle(String id, String name, String description, int stock) {
    return product(id, "kitchen", Map.of("en", name), Map.of("en", description), List.of(), 500, stock);
  }

  @Test
  void nameMatchesRankAboveDescriptionMatches() {
    create(kettle("described", "Steel Pot", "A pot that works as a kettle on any stove", 10));
    create(kettle("named", "Copper Kettle", "Heats water quickly on any stove", 10));
    assertThat(ids(index.search(SearchQuery.of("kettle")))).containsExactly("named", "described");
  }

  @Test
  void outOfStockProductsAreFoundButRankAfterInStockOnes() {
    create(kettle("kettle-a", "Copper Kettle", "Heats water", 0));
    create(kettle("kettle-b", "Copper Kettle", "Heats water", 4));
    assertThat(ids(index.search(SearchQuery.of("copper kettle")))).containsExactly("kettle-b", "kettle-a");

    // available follows the reservations: the one reserved empty drops behind the other
    apply(new StockAdjusted("kettle-a", 5, 5, "restock", meta()));
    apply(new StockReserved("kettle-b", "r-1", 4, Instant.now().plusSeconds(900), 0, meta()));
    SearchPage page = index.search(SearchQuery.of("copper kettle"));
    assertThat(ids(page)).containsExactly("kettle-a", "kettle-b");
    assertThat(page.items().get(1).stock()).isZero();
    assertThat(page.total()).isEqualTo(2);
  }

  @Test
  void discontinuedProductsAreLeftOutOfSearchAndRecommendationsButStayReadable() {
    create(kettle("old-kettle", "Copper Kettle", "Heats water", 4));
    create(kettle("new-kettle", "Copper Kettle Two", "Heats water", 4));
    apply(new ProductDiscontinued("old-kettle", meta()));

    assertThat(ids(index.search(SearchQuery.of("kettle")))).containsExactly("new-kettle");
    assertThat(ids(index.search(SearchQuery.browse()))).containsExactly("new-kettle");
    assertThat(ids(index.search(SearchQuery.of("kettle").withDiscontinued(true))))
        .containsExactlyInAnyOrder("new-kettle", "old-kettle");
    assertThat(index.recommend(RecommendQuery.popular()).stream().map(SearchHit::id)).containsExactly("new-kettle");
    assertThat(index.product("old-kettle", "en")).get().extracting(ProductView::discontinued).isEqualTo(true);
  }

  @Test
  void eventsApplyTheFiguresTheyCarryInOrderAndReplaysChangeNothing() {
    ProductData data = kettle("k", "Copper Kettle", "Heats water", 10);
    assertThat(index.apply(new ProductCreated("k", data, meta()), 1)).isTrue();
    assertThat(index.apply(new StockReserved("k", "r-1", 3, Instant.now(), 7, meta()), 2)).isTrue();
    assertThat(index.apply(new PriceChanged("k", new BigDecimal("450"), "THB", meta()), 3)).isTrue();
    assertThat(index.apply(new ReservationCommitted("k", "r-1", 3, 7, 7, meta()), 4)).isTrue();
    assertThat(index.apply(new StockReserved("k", "r-2", 2, Instant.now(), 5, meta()), 5)).isTrue();
    assertThat(index.apply(new ReservationReleased("k", "r-2", 2, "expired", 7, meta()), 6)).isTrue();
    ProductData renamed = new ProductData("k", data.sku(), "kitchen", Map.of("en", "kitchen"),
        Map.of("en", "Copper Tea Kettle"), data.description(), List.of("kettle"), new BigDecimal("450"), "THB", 9);
    assertThat(index.apply(new ProductUpdated("k", renamed, meta()), 7)).isTrue();
    index.refresh();

    ProductView view = index.product("k", "en").orElseThrow();
    assertThat(view.name()).isEqualTo("Copper Tea Kettle");
    assertThat(view.price()).isEqualByComparingTo("450");
    assertThat(view.stockOnHand()).isEqualTo(9);
    assertThat(view.stock()).isEqualTo(9);
    assertThat(index.state("k").orElseThrow().popularity()).isEqualTo(3); // two reservations, one sale

    // the journal stream restarting from the beginning replays everything: nothing changes
    long applied = index.eventsApplied();
    assertThat(index.apply(new ProductCreated("k", data, meta()), 1)).isFalse();
    assertThat(index.apply(new StockAdjusted("k", 0, 0, "old", meta()), 4)).isFalse();
    assertThat(index.eventsApplied()).isEqualTo(applied);
    assertThat(index.product("k", "en").orElseThrow()).isEqualTo(view);

    // an event of a product whose creation was never seen is ignored
    assertThat(index.apply(new StockAdjusted("ghost", 3, 3, "x", meta()), 2)).isFalse();
    assertThat(index.product("ghost", "en")).isEmpty();
  }

  @Test
  void textsComeInTheRequestedLanguageWithEnglishAsFallback() {
    create(product("mug", "kitchen", Map.of("en", "Glass Mug", "ja", "グラスマグ"), Map.of("en", "A clear mug"),
        List.of("cup"), 120, 3));
    SearchHit ja = index.search(SearchQuery.of("mug").withLanguage("ja")).items().get(0);
    assertThat(ja.name()).isEqualTo("グラスマグ");
    assertThat(ja.description()).isEqualTo("A clear mug");
    SearchHit th = index.search(SearchQuery.of("mug").withLanguage("th")).items().get(0);
    assertThat(th.name()).isEqualTo("Glass Mug");
    assertThat(index.product("mug", "th").orElseThrow().name()).isEqualTo("Glass Mug");
  }

  @Test
  void theQueryLanguageIsToldFromItsScriptWhenNotGiven() {
    assertThat(CatalogLanguages.detect("มีครีมกันแดดไหม")).isEqualTo("th");
    assertThat(CatalogLanguages.detect("日焼け止めはありますか")).isEqualTo("ja");
    assertThat(CatalogLanguages.detect("コーヒー")).isEqualTo("ja");
    assertThat(CatalogLanguages.detect("do you have sunscreen?")).isEqualTo("en");
    assertThat(CatalogLanguages.detect("SPF50 ครีมกันแดด")).isEqualTo("th");
    assertThat(CatalogLanguages.normalize("ja-JP")).contains("ja");
    assertThat(CatalogLanguages.normalize("fr")).isEmpty();

    loadSample();
    SearchPage page = index.search(SearchQuery.of("日焼け止めはありますか"));
    assertThat(page.language()).isEqualTo("ja");
    assertThat(page.items().get(0).name()).startsWith("日焼け止め");
  }

  @Test
  void browsingListsEveryActiveProductInStockFirstAndPagesAddUp() {
    loadSample();
    SearchPage first = index.search(SearchQuery.browse().withLimit(40));
    assertThat(first.total()).isEqualTo(105);
    List<SearchHit> all = new java.util.ArrayList<>(first.items());
    all.addAll(index.search(SearchQuery.browse().withLimit(40).withPage(2)).items());
    all.addAll(index.search(SearchQuery.browse().withLimit(40).withPage(3)).items());
    assertThat(all).hasSize(105);
    assertThat(all.stream().map(SearchHit::id).distinct()).hasSize(105);
    int firstOut = 0;
    while (all.get(firstOut).stock() > 0) firstOut++;
    assertThat(all.subList(firstOut, all.size())).allMatch(h -> h.stock() == 0);
    assertThat(index.search(SearchQuery.browse().withLimit(40).withPage(4)).items()).isEmpty();

    // a sentence without any product word browses too
    assertThat(index.search(SearchQuery.of("do you have anything?")).total()).isEqualTo(105);
  }

  @Test
  void theCategoryFilterKeepsOneCategory() {
    loadSample();
    SearchPage tea = index.search(SearchQuery.of("matcha").withCategory("tea"));
    assertThat(tea.items()).isNotEmpty().allMatch(h -> h.category().equals("tea"));
    assertThat(ids(tea)).noneMatch(id -> id.startsWith("matcha-chocolate") || id.equals("chasen"));
    assertThat(index.search(SearchQuery.browse().withCategory("skincare").withLimit(100)).total()).isEqualTo(14);
  }

  @Test
  void recommendationsFollowInterestsAndRecentViewsButNeverViewedOutOfStockOrDiscontinuedProducts() {
    loadSample();
    List<SearchHit> related = index.recommend(
        new RecommendQuery(List.of(), List.of("sunscreen-2"), null, "en", 5));
    assertThat(related).hasSize(5);
    assertThat(related).extracting(SearchHit::id).doesNotContain("sunscreen-2", "sunscreen-1");
    assertThat(related.get(0).id()).isEqualTo("sunscreen-3"); // shares every tag
    assertThat(related).allMatch(h -> h.category().equals("skincare") && h.stock() > 0);

    List<SearchHit> byInterest = index.recommend(
        new RecommendQuery(List.of("matcha"), List.of(), null, "ja", 3));
    assertThat(byInterest).extracting(SearchHit::id).allMatch(id -> id.startsWith("matcha") || id.equals("chasen"));
    assertThat(byInterest.get(0).name()).contains("抹茶");

    apply(new ProductDiscontinued("chasen", meta()));
    assertThat(index.recommend(new RecommendQuery(List.of("whisk"), List.of(), null, null, 10)))
        .extracting(SearchHit::id).doesNotContain("chasen");
  }

  @Test
  void recommendationsFallBackToPopularProductsInStock() {
    loadSample();
    apply(new StockReserved("collagen-1", "r-1", 1, Instant.now(), 39, meta()));
    apply(new StockReserved("collagen-1", "r-2", 1, Instant.now(), 38, meta()));
    apply(new StockReserved("notebook-1", "r-3", 1, Instant.now(), 119, meta()));
    List<SearchHit> popular = index.recommend(RecommendQuery.popular().withLimit(20));
    assertThat(popular).hasSize(20);
    assertThat(popular.get(0).id()).isEqualTo("collagen-1");
    assertThat(popular.get(1).id()).isEqualTo("notebook-1");
    assertThat(popular).allMatch(h -> h.stock() > 0);
    assertThat(index.recommend(RecommendQuery.popular().withCategory("stationery").withLimit(100)))
        .isNotEmpty().allMatch(h -> h.category().equals("stationery") && h.stock() > 0);
  }
}
