package org.linecommerce.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.SearchPage;
import org.linecommerce.catalog.api.SearchQuery;
import org.linecommerce.catalog.internal.CatalogFile;
import org.linecommerce.catalog.internal.search.ProductIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one search on a node's read model ({@link ProductIndex#search}, what a CatalogSearch
 * actor runs per request; no messaging or HTTP), on the sample catalog (105 products) and on a
 * generated one of 100,000 ({@link GeneratedCatalog}). Each invocation runs the next of a fixed mix
 * of English, Japanese and Thai queries, words and chat sentences, first page of 20 with the exact
 * total. Sampled per call: read the p0.99 rows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Threads(1)
public class SearchBenchmark {

  /** {@code sample}, or the number of generated products. */
  @Param({"sample", "100000"})
  public String catalog;

  /**
   * {@code dev}: the dev set and chat sentences ({@link #QUERIES}); {@code shopper}: readings,
   * typos, attributes and needs ({@link #SHOPPER_QUERIES}, issue 8), run with {@code -p mix=shopper}.
   */
  @Param({"dev"})
  public String mix;

  private ProductIndex index;
  private List<SearchQuery> queries;
  private int next;

  static final List<String[]> QUERIES = List.of(
      new String[] {"en", "matcha powder"}, new String[] {"en", "sunscreen"},
      new String[] {"en", "dark roast coffee beans"}, new String[] {"en", "rice cooker"},
      new String[] {"en", "strawberry lip balm"}, new String[] {"en", "dried mango"},
      new String[] {"en", "fountain pen"}, new String[] {"en", "vitamin c"},
      new String[] {"en", "do you have sunscreen?"}, new String[] {"en", "I'm looking for a lunch box"},
      new String[] {"en", "how much is the rice cooker?"}, new String[] {"en", "green tea"},
      new String[] {"en", "sunscren"},
      new String[] {"ja", "抹茶"}, new String[] {"ja", "日焼け止め"}, new String[] {"ja", "弁当箱"},
      new String[] {"ja", "ほうじ茶"}, new String[] {"ja", "万年筆"}, new String[] {"ja", "コーヒー豆"},
      new String[] {"ja", "日焼け止めはありますか"}, new String[] {"ja", "お弁当箱ありますか"},
      new String[] {"ja", "水出しコーヒーを買いたい"},
      new String[] {"th", "ครีมกันแดด"}, new String[] {"th", "ชาไทย"}, new String[] {"th", "หม้อหุงข้าว"},
      new String[] {"th", "ทุเรียน"}, new String[] {"th", "ปากกาเจล"}, new String[] {"th", "ยาดม"},
      new String[] {"th", "มีครีมกันแดดไหม"}, new String[] {"th", "อยากได้ปากกาเจลสีดำ"},
      new String[] {"th", "หม้อหุงข้าวราคาเท่าไหร่"});

  static final List<String[]> SHOPPER_QUERIES = List.of(
      new String[] {"ja", "まっちゃ"}, new String[] {"ja", "すいはんき"}, new String[] {"ja", "おべんとうばこ"},
      new String[] {"ja", "苺大福"}, new String[] {"ja", "青い弁当箱"}, new String[] {"ja", "乾燥肌 化粧水"},
      new String[] {"ja", "鼻づまり"}, new String[] {"ja", "おやつ"},
      new String[] {"en", "matcah"}, new String[] {"en", "ricecooker"}, new String[] {"en", "fountian pen"},
      new String[] {"en", "blue bento box"}, new String[] {"en", "unscented hand cream"},
      new String[] {"en", "gift for a tea lover"}, new String[] {"en", "I can't sleep well, caffeine free drink"},
      new String[] {"en", "snack for the office"},
      new String[] {"th", "สตรอเบอรี่โมจิ"}, new String[] {"th", "กล่องข้าวสีน้ำเงิน"}, new String[] {"th", "คัดจมูก"},
      new String[] {"th", "ปวดเมื่อย"}, new String[] {"th", "ของกินเล่น"});

  @Setup(Level.Trial)
  public void buildIndex() {
    List<ProductData> sample = CatalogFile.sample();
    List<ProductData> products = catalog.equals("sample")
        ? sample : GeneratedCatalog.generate(sample, Integer.parseInt(catalog), 42);
    index = new ProductIndex();
    long start = System.nanoTime();
    index.load(products);
    index.refresh();
    System.out.printf("%n[%s] indexed %d products in %d ms%n", catalog, index.size(), (System.nanoTime() - start) / 1_000_000);
    queries = new ArrayList<>();
    for (String[] q : mix.equals("shopper") ? SHOPPER_QUERIES : QUERIES) queries.add(SearchQuery.of(q[1]).withLanguage(q[0]));
  }

  @Benchmark
  public SearchPage search() {
    SearchQuery q = queries.get(next);
    next = next + 1 == queries.size() ? 0 : next + 1;
    return index.search(q);
  }

  @TearDown(Level.Trial)
  public void close() {
    index.close();
  }
}
