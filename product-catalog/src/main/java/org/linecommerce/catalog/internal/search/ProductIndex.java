package org.linecommerce.catalog.internal.search;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleDocValuesField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.queries.function.FunctionScoreQuery;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.ControlledRealTimeReopenThread;
import org.apache.lucene.search.DoubleValuesSource;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;
import org.linecommerce.catalog.api.CatalogLanguages;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.ProductView;
import org.linecommerce.catalog.api.RecommendQuery;
import org.linecommerce.catalog.api.SearchHit;
import org.linecommerce.catalog.api.SearchPage;
import org.linecommerce.catalog.api.SearchQuery;

/**
 * The search read model of one node: every product's current state ({@link IndexedProduct}, kept
 * in memory) and a Lucene index of it in memory ({@link ByteBuffersDirectory}), both built by
 * applying product events in order ({@link #apply}) or set from the durable read model
 * ({@link #restore}). The index itself is not persisted: a node rebuilds it when it starts, from
 * the read model's rows and then the journal's events since (see {@link CatalogSearch}).
 *
 * <p>Changes become searchable through near-real-time reopening, at most {@code maxStale} after
 * they are applied. Searching ranks by relevance ({@link ProductQueries}) times an availability
 * factor (out-of-stock products score {@value #OUT_OF_STOCK_FACTOR}×, so they are still found but
 * come after in-stock products of similar relevance); discontinued products are left out. Thread
 * safe: events of one product must be applied in order (the journal stream does), searches run
 * concurrently with each other and with updates.
 */
public final class ProductIndex implements Closeable {

  /** Score factor of products with nothing available. */
  public static final double OUT_OF_STOCK_FACTOR = 0.5;

  private static final Sort RELEVANCE =
      new Sort(SortField.FIELD_SCORE, new SortField(ProductAnalysis.ID_SORT, SortField.Type.STRING));
  private static final Sort BROWSE = new Sort(
      new SortField(ProductAnalysis.IN_STOCK_SORT, SortField.Type.LONG, true),
      new SortField(ProductAnalysis.CATEGORY_SORT, SortField.Type.STRING),
      new SortField(ProductAnalysis.ID_SORT, SortField.Type.STRING));
  private static final Sort POPULAR = new Sort(
      new SortField(ProductAnalysis.POPULARITY, SortField.Type.LONG, true),
      new SortField(ProductAnalysis.AVAILABLE, SortField.Type.LONG, true),
      new SortField(ProductAnalysis.ID_SORT, SortField.Type.STRING));
  private static final Sort RECOMMENDED = new Sort(
      SortField.FIELD_SCORE,
      new SortField(ProductAnalysis.POPULARITY, SortField.Type.LONG, true),
      new SortField(ProductAnalysis.AVAILABLE, SortField.Type.LONG, true),
      new SortField(ProductAnalysis.ID_SORT, SortField.Type.STRING));

  private final ProductAnalysis analysis = new ProductAnalysis();
  private final ThaiVocabulary thaiVocabulary = new ThaiVocabulary();
  private final ShopperLexicon lexicon;
  private final ProductQueries queries;
  private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final ControlledRealTimeReopenThread<IndexSearcher> reopener;
  private final Map<String, IndexedProduct> products = new ConcurrentHashMap<>();
  /** Readings of the Japanese category names (a catalog has few categories, read once each). */
  private final Map<String, String> categoryReadings = new ConcurrentHashMap<>();
  private final Object[] stripes = new Object[64];
  private final AtomicLong eventsApplied = new AtomicLong();
  private final AtomicLong productsRestored = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  /** An empty index whose changes are searchable within 100 ms. */
  public ProductIndex() {
    this(Duration.ofMillis(100));
  }

  /** An empty index whose changes are searchable within {@code maxStale}, with the bundled concept lists. */
  public ProductIndex(Duration maxStale) {
    this(maxStale, null);
  }

  /**
   * An empty index whose changes are searchable within {@code maxStale}, with the concept and
   * attribute lists of {@code conceptsDirectory} where it has them (null: the bundled ones).
   */
  public ProductIndex(Duration maxStale, Path conceptsDirectory) {
    this.lexicon = ShopperLexicon.load(analysis, conceptsDirectory);
    this.queries = new ProductQueries(analysis, thaiVocabulary, lexicon);
    for (int i = 0; i < stripes.length; i++) stripes[i] = new Object();
    try {
      IndexWriterConfig config = new IndexWriterConfig(analysis.indexAnalyzer())
          .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
          .setRAMBufferSizeMB(64);
      writer = new IndexWriter(directory, config);
      searchers = new SearcherManager(writer, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double stale = maxStale.toNanos() / 1e9;
    reopener = new ControlledRealTimeReopenThread<>(writer, searchers, stale, Math.min(stale, 0.01));
    reopener.setName("catalog-index-reopen");
    reopener.setDaemon(true);
    reopener.start();
  }

  /**
   * Applies event {@code sequenceNr} of its product. Returns false when it changed nothing: a
   * replay of an event already reflected, or an event of a product whose creation was not seen.
   */
  public boolean apply(ProductEvent event, long sequenceNr) {
    String id = event.productId();
    synchronized (stripes[Math.floorMod(id.hashCode(), stripes.length)]) {
      IndexedProduct current = products.get(id);
      IndexedProduct next = IndexedProduct.apply(current, event, sequenceNr);
      if (next == null || next == current) return false;
      try {
        Term key = new Term(ProductAnalysis.ID, id);
        if (current != null && sameTerms(current, next)) {
          writer.updateDocValues(key, docValues(next));
        } else {
          writer.updateDocument(key, document(next));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      products.put(id, next);
      eventsApplied.incrementAndGet();
      return true;
    }
  }

  /**
   * Sets product {@code state.id()} to {@code state} as read from the durable read model, unless
   * the index already holds the same or a newer sequence number of it. Returns whether it changed
   * anything. Counted in {@link #productsRestored()}, not in {@link #eventsApplied()}.
   */
  public boolean restore(IndexedProduct state) {
    String id = state.id();
    synchronized (stripes[Math.floorMod(id.hashCode(), stripes.length)]) {
      IndexedProduct current = products.get(id);
      if (current != null && current.sequenceNr() >= state.sequenceNr()) return false;
      try {
        if (current == null) {
          writer.addDocument(document(state));
        } else {
          writer.updateDocument(new Term(ProductAnalysis.ID, id), document(state));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      products.put(id, state);
      productsRestored.incrementAndGet();
      return true;
    }
  }

  /** Adds {@code catalog} as newly created products (each its sequence number 1), for tests and benchmarks. */
  public void load(Collection<ProductData> catalog) {
    for (ProductData p : catalog) apply(new ProductEvent.ProductCreated(p.id(), p, null), 1);
  }

  /** Makes everything applied so far searchable now. */
  public void refresh() {
    try {
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Number of products known (discontinued included). */
  public int size() {
    return products.size();
  }

  /** Number of events that changed the model since it started. */
  public long eventsApplied() {
    return eventsApplied.get();
  }

  /** Number of products set from the durable read model ({@link #restore}) since it started. */
  public long productsRestored() {
    return productsRestored.get();
  }

  /** The current state of product {@code id}, if known. */
  public Optional<IndexedProduct> state(String id) {
    return Optional.ofNullable(products.get(id));
  }

  /** One page of products matching {@code query}, best first; every product when it has no searchable text. */
  public SearchPage search(SearchQuery query) {
    String language = query.language() != null ? query.language()
        : query.browsing() ? CatalogLanguages.EN : CatalogLanguages.detect(query.text());
    IndexSearcher searcher = acquire();
    try {
      Query text = query.browsing() ? null : queries.text(query.text(), searcher.getIndexReader());
      return search(searcher, query, text, language);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      release(searcher);
    }
  }

  private SearchPage search(IndexSearcher searcher, SearchQuery query, Query text, String language) throws IOException {
    BooleanQuery.Builder builder = new BooleanQuery.Builder();
    builder.add(text != null ? text : new MatchAllDocsQuery(), Occur.MUST);
    if (!query.includeDiscontinued()) {
      builder.add(new TermQuery(new Term(ProductAnalysis.STATUS, ProductAnalysis.ACTIVE)), Occur.FILTER);
    }
    if (query.category() != null) {
      builder.add(new TermQuery(new Term(ProductAnalysis.CATEGORY, key(query.category()))), Occur.FILTER);
    }
    Query lucene = text == null ? builder.build()
        : FunctionScoreQuery.boostByValue(builder.build(), DoubleValuesSource.fromDoubleField(ProductAnalysis.STOCK_BOOST));
    long from = (long) (query.page() - 1) * query.limit();
    int wanted = (int) Math.min((long) query.page() * query.limit(), Math.max(1, searcher.getIndexReader().maxDoc()));
    TopFieldDocs top = searcher.search(lucene,
        new TopFieldCollectorManager(text == null ? BROWSE : RELEVANCE, wanted, null, Integer.MAX_VALUE));
    List<SearchHit> hits = from >= top.scoreDocs.length ? List.of()
        : hits(searcher, top.scoreDocs, (int) from, query.limit(), language, text != null);
    return new SearchPage(hits, query.page(), query.limit(), top.totalHits.value, language);
  }

  /** Product {@code id} with texts in {@code language} (null = en), discontinued or not. */
  public Optional<ProductView> product(String id, String language) {
    IndexedProduct p = id == null ? null : products.get(id);
    if (p == null) return Optional.empty();
    String lang = language == null ? CatalogLanguages.EN : language;
    ProductData d = p.data();
    return Optional.of(new ProductView(d.id(), d.sku(), text(d.name(), lang), text(d.description(), lang),
        d.category(), text(d.categoryName(), lang), d.tags(), d.price(), d.currency(), Math.max(0, p.available()),
        p.stock(), p.discontinued(), lang));
  }

  /**
   * Products for a shopper with {@code query}'s signals: related to the interests (as search text,
   * strongest), sharing tags with or in the category of recently viewed products; then, to fill
   * the limit, the most popular products (reservations and sales seen, then units available).
   * Only products in stock and not discontinued, never the recently viewed ones.
   */
  public List<SearchHit> recommend(RecommendQuery query) {
    String language = query.language() != null ? query.language() : CatalogLanguages.EN;
    Set<String> exclude = new LinkedHashSet<>(query.recentProductIds());
    BooleanQuery.Builder signals = new BooleanQuery.Builder();
    int signalCount = 0;
    Set<String> categories = new LinkedHashSet<>();
    Set<String> tags = new LinkedHashSet<>();
    for (String id : query.recentProductIds()) {
      IndexedProduct viewed = products.get(id);
      if (viewed == null) continue;
      if (viewed.data().category() != null) categories.add(key(viewed.data().category()));
      for (String tag : viewed.data().tags()) tags.add(key(tag));
    }
    for (String category : categories) {
      signals.add(new BoostQuery(new ConstantScoreQuery(
          new TermQuery(new Term(ProductAnalysis.CATEGORY, category))), 1f), Occur.SHOULD);
      signalCount++;
    }
    for (String tag : tags) {
      signals.add(new BoostQuery(new ConstantScoreQuery(
          new TermQuery(new Term(ProductAnalysis.TAG, tag))), 1.5f), Occur.SHOULD);
      signalCount++;
    }
    IndexSearcher searcher = acquire();
    try {
      for (String interest : query.interests()) {
        Query q = queries.text(interest, searcher.getIndexReader());
        if (q != null) {
          signals.add(q, Occur.SHOULD);
          signalCount++;
        }
      }
      List<SearchHit> out = new ArrayList<>();
      if (signalCount > 0) {
        Query related = recommendable(signals.build(), query.category(), exclude);
        TopFieldDocs top = searcher.search(related, new TopFieldCollectorManager(RECOMMENDED, query.limit(), null, 1));
        out.addAll(hits(searcher, top.scoreDocs, 0, query.limit(), language, true));
      }
      if (out.size() < query.limit()) {
        Set<String> taken = new LinkedHashSet<>(exclude);
        out.forEach(h -> taken.add(h.id()));
        Query popular = recommendable(new MatchAllDocsQuery(), query.category(), taken);
        TopFieldDocs top = searcher.search(popular,
            new TopFieldCollectorManager(POPULAR, query.limit() - out.size(), null, 1));
        out.addAll(hits(searcher, top.scoreDocs, 0, query.limit() - out.size(), language, false));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      release(searcher);
    }
  }

  /** Stops refreshing and frees the index; idempotent. Searches after it fail. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    reopener.close();
    try {
      searchers.close();
      writer.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Query recommendable(Query base, String category, Set<String> exclude) {
    BooleanQuery.Builder b = new BooleanQuery.Builder()
        .add(base, Occur.MUST)
        .add(new TermQuery(new Term(ProductAnalysis.STATUS, ProductAnalysis.ACTIVE)), Occur.FILTER)
        .add(new TermQuery(new Term(ProductAnalysis.IN_STOCK, "1")), Occur.FILTER);
    if (category != null) b.add(new TermQuery(new Term(ProductAnalysis.CATEGORY, key(category))), Occur.FILTER);
    for (String id : exclude) b.add(new TermQuery(new Term(ProductAnalysis.ID, id)), Occur.MUST_NOT);
    return b.build();
  }

  private List<SearchHit> hits(
      IndexSearcher searcher, ScoreDoc[] docs, int from, int limit, String language, boolean scored)
      throws IOException {
    List<SearchHit> hits = new ArrayList<>(Math.max(0, Math.min(limit, docs.length - from)));
    StoredFields stored = searcher.storedFields();
    for (int i = from; i < docs.length && hits.size() < limit; i++) {
      String id = stored.document(docs[i].doc, Set.of(ProductAnalysis.ID)).get(ProductAnalysis.ID);
      IndexedProduct p = products.get(id);
      if (p == null) continue;
      float score = scored && docs[i] instanceof FieldDoc fd && fd.fields[0] instanceof Float f ? f : 0f;
      ProductData d = p.data();
      hits.add(new SearchHit(d.id(), text(d.name(), language), text(d.description(), language), d.price(),
          d.currency(), Math.max(0, p.available()), d.category(), text(d.categoryName(), language), score));
    }
    return hits;
  }

  /** The text in {@code language}, else English, else any. */
  static String text(Map<String, String> texts, String language) {
    String t = texts.get(language);
    if (t == null || t.isBlank()) t = texts.get(CatalogLanguages.EN);
    if ((t == null || t.isBlank()) && !texts.isEmpty()) t = texts.values().iterator().next();
    return t;
  }

  private static String key(String value) {
    return value.trim().toLowerCase(Locale.ROOT);
  }

  /** Whether the indexed terms of the two states are the same, so only doc values need updating. */
  private static boolean sameTerms(IndexedProduct a, IndexedProduct b) {
    return a.data().equals(b.data()) && a.discontinued() == b.discontinued() && a.inStock() == b.inStock();
  }

  private static Field[] docValues(IndexedProduct p) {
    return new Field[] {
      new NumericDocValuesField(ProductAnalysis.POPULARITY, p.popularity()),
      new NumericDocValuesField(ProductAnalysis.AVAILABLE, Math.max(0, p.available())),
    };
  }

  private Document document(IndexedProduct p) {
    ProductData data = p.data();
    for (Map<String, String> texts : List.of(data.name(), data.description(), data.categoryName())) {
      String thai = texts.get(CatalogLanguages.TH);
      if (thai != null) thaiVocabulary.addAll(analysis.thaiIndexWords(thai));
    }
    Document doc = luceneDocument(p);
    for (String key : lexicon.productAttributes(data.name().values())) {
      doc.add(new StringField(ProductAnalysis.ATTRIBUTE, key, Field.Store.NO));
    }
    String english = data.name().get(CatalogLanguages.EN);
    if (english != null) doc.add(new TextField(ProductAnalysis.EN_RAW, english, Field.Store.NO));
    for (String tag : data.tags()) doc.add(new TextField(ProductAnalysis.EN_RAW, tag, Field.Store.NO));
    for (String field : List.of(ProductAnalysis.name(CatalogLanguages.JA), ProductAnalysis.categoryName(CatalogLanguages.JA))) {
      Map<String, String> texts = field.startsWith(ProductAnalysis.NAME) ? data.name() : data.categoryName();
      String japanese = texts.get(CatalogLanguages.JA);
      if (japanese == null || japanese.isBlank()) continue;
      String reading = field.startsWith(ProductAnalysis.NAME) ? analysis.japaneseReading(japanese)
          : categoryReadings.computeIfAbsent(japanese, analysis::japaneseReading);
      if (!reading.isEmpty()) doc.add(new TextField(field + ProductAnalysis.JA_READING, reading, Field.Store.NO));
    }
    return doc;
  }

  private static Document luceneDocument(IndexedProduct p) {
    ProductData d = p.data();
    Document doc = new Document();
    doc.add(new StringField(ProductAnalysis.ID, d.id(), Field.Store.YES));
    doc.add(new SortedDocValuesField(ProductAnalysis.ID_SORT, new BytesRef(d.id())));
    String category = d.category() == null ? "" : key(d.category());
    doc.add(new StringField(ProductAnalysis.CATEGORY, category, Field.Store.NO));
    doc.add(new SortedDocValuesField(ProductAnalysis.CATEGORY_SORT, new BytesRef(category)));
    doc.add(new StringField(ProductAnalysis.STATUS,
        p.discontinued() ? ProductAnalysis.DISCONTINUED : ProductAnalysis.ACTIVE, Field.Store.NO));
    boolean inStock = p.inStock();
    doc.add(new StringField(ProductAnalysis.IN_STOCK, inStock ? "1" : "0", Field.Store.NO));
    doc.add(new NumericDocValuesField(ProductAnalysis.IN_STOCK_SORT, inStock ? 1 : 0));
    doc.add(new DoubleDocValuesField(ProductAnalysis.STOCK_BOOST, inStock ? 1.0 : OUT_OF_STOCK_FACTOR));
    for (Field f : docValues(p)) doc.add(f);
    for (String language : CatalogLanguages.SUPPORTED) {
      addText(doc, ProductAnalysis.name(language), d.name().get(language));
      addText(doc, ProductAnalysis.description(language), d.description().get(language));
      addText(doc, ProductAnalysis.categoryName(language), d.categoryName().get(language));
    }
    for (String tag : d.tags()) {
      doc.add(new StringField(ProductAnalysis.TAG, key(tag), Field.Store.NO));
      doc.add(new TextField(ProductAnalysis.TAGS_TEXT, tag, Field.Store.NO));
    }
    return doc;
  }

  private static void addText(Document doc, String field, String value) {
    if (value == null || value.isBlank()) return;
    doc.add(new TextField(field, value, Field.Store.NO));
    if (field.endsWith("_" + CatalogLanguages.JA)) {
      doc.add(new TextField(field + ProductAnalysis.JA_BIGRAMS, value, Field.Store.NO));
    } else if (field.endsWith("_" + CatalogLanguages.TH)) {
      doc.add(new TextField(field + ProductAnalysis.TH_NGRAMS, value, Field.Store.NO));
    }
  }

  private IndexSearcher acquire() {
    try {
      return searchers.acquire();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void release(IndexSearcher searcher) {
    try {
      searchers.release(searcher);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
