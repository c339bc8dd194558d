package org.linecommerce.catalog.internal.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.search.FuzzyTermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.linecommerce.catalog.api.CatalogLanguages;

/**
 * Turns what a shopper typed into a Lucene query over every language's fields: for each language
 * whose script appears in the text (Latin script always), one group of word clauses, each word a
 * best-of over the fields with field boosts (name 3 > tags 2 > category name 1.5 > description 1,
 * so a name match outranks a description match), plus for Japanese and Thai n-gram recall groups
 * for what the word level cannot match (Japanese: one per stretch of content words holding a word
 * the catalog does not know, see {@link ProductAnalysis#japaneseQueryBigrams}; Thai: one per
 * stretch the catalog's vocabulary does not cover, see {@link ProductAnalysis#thaiQueryNgrams}), each scaled to weigh about as much as two words and needing half of its
 * grams, so a compound the dictionary cuts differently is still found without letting a single
 * shared gram match. Everything is SHOULD: a product matching any group is found and more matching
 * words rank higher. Thai words are taken both from the JDK dictionary's segmentation and from a
 * segmentation against the catalog's own Thai vocabulary.
 *
 * <p>Shopper language (see {@link ShopperLexicon}):
 * <ul>
 *   <li>Japanese stretches holding a word the catalog does not know also match by reading (kana
 *       for kanji and the reverse: 「まっちゃ」 finds 抹茶), a reading-bigram group like the n-gram ones.
 *   <li>English words no text of the catalog holds (typos) match names and tags unstemmed within
 *       one edit (four or five letters) or two (six or more), first letter fixed, at a lower weight;
 *       a word that is two catalog words run together ("ricecooker") or two words that are one
 *       catalog word split ("sun screen") match it whole.
 *   <li>The needs a query holds add their product words (concept lists), at a lower weight.
 *   <li>Attributes the query names (colour, flavour, size, skin type, roast, scent, pack) only
 *       re-rank: the products matched by the words, and carrying the attribute in their name, first.
 * </ul>
 */
final class ProductQueries {

  static final float NAME_BOOST = 3f;
  static final float TAGS_BOOST = 2f;
  static final float CATEGORY_BOOST = 1.5f;
  static final float DESCRIPTION_BOOST = 1f;
  /** Weight of a whole n-gram group relative to one word clause. */
  static final float NGRAM_GROUP_WEIGHT = 2f;
  static final float NGRAM_MIN_SHARE = 0.5f;
  /** Weight of a word's fuzzy (typo) alternatives relative to its exact ones. */
  static final float FUZZY_WEIGHT = 0.5f;
  /** Weight of the product words a need expands to, relative to the query's own words. */
  static final float CONCEPT_WEIGHT = 0.7f;
  /** Weight of an attribute the query names, in a product's name. */
  static final float ATTRIBUTE_BOOST = 4f;
  static final float DISMAX_TIE = 0.1f;

  private final ProductAnalysis analysis;
  private final ThaiVocabulary thaiVocabulary;
  private final ShopperLexicon lexicon;

  ProductQueries(ProductAnalysis analysis, ThaiVocabulary thaiVocabulary, ShopperLexicon lexicon) {
    this.analysis = analysis;
    this.thaiVocabulary = thaiVocabulary;
    this.lexicon = lexicon;
  }

  /**
   * The query for {@code text} against the index {@code reader} reads; null when nothing in it is
   * searchable (only stop words or punctuation). The reader tells which words the catalog does not
   * know: only those get the typo and reading alternatives, which keeps well-spelt queries cheap.
   */
  Query text(String text, IndexReader reader) {
    if (text == null || text.isBlank()) return null;
    BooleanQuery.Builder core = new BooleanQuery.Builder();
    boolean[] unknown = new boolean[1];
    int groups = groups(core, text, reader, unknown);
    // other spellings only help a query holding a word the catalog does not use
    for (ShopperLexicon.Expansion e : lexicon.expansions(text, unknown[0])) {
      // of the other spellings, only those the catalog uses can find anything
      if (e.variant() && !catalogUses(e.text(), reader)) continue;
      Query expansion = expansion(e.text());
      if (expansion != null) {
        // another spelling is the shopper's own word; a need's products are a guess
        core.add(e.variant() ? expansion : new BoostQuery(expansion, CONCEPT_WEIGHT), Occur.SHOULD);
        groups++;
      }
    }
    Set<String> attributes = lexicon.queryAttributes(text);
    BooleanQuery.Builder named = new BooleanQuery.Builder();
    for (String key : attributes) {
      named.add(new BoostQuery(new TermQuery(new Term(ProductAnalysis.ATTRIBUTE, key)), ATTRIBUTE_BOOST), Occur.SHOULD);
    }
    if (groups == 0) return attributes.isEmpty() ? null : named.build();
    if (attributes.isEmpty()) return core.build();
    // the attribute counts only for products its query's other words find: "red chopsticks" puts
    // the red chopsticks first, not every red product
    BooleanQuery.Builder products = new BooleanQuery.Builder();
    String rest = lexicon.withoutAttributes(text);
    Query bonus = rest.isEmpty() || groups(products, rest, reader, new boolean[1]) == 0
        ? named.build()
        : new BooleanQuery.Builder().add(products.build(), Occur.FILTER).add(named.build(), Occur.MUST).build();
    return new BooleanQuery.Builder()
        .add(core.build(), Occur.MUST)
        .add(bonus, Occur.SHOULD)
        .build();
  }

  /**
   * The query for the product words a need expands to: catalog words, so in English and Japanese
   * every word must match (in any field) and no typo or reading alternatives are needed: "jasmine
   * tea" finds the jasmine teas only, not every tea, which keeps broad needs ("gift for a tea
   * lover") precise and cheap. Thai words as for a shopper's Thai (words or n-grams).
   */
  private Query expansion(String products) {
    BooleanQuery.Builder any = new BooleanQuery.Builder();
    int groups = 0;
    List<String> english = latin(analysis.englishQueryTerms(products));
    if (!english.isEmpty()) {
      any.add(allWords(english, CatalogLanguages.EN, true), Occur.SHOULD);
      groups++;
    }
    if (products.codePoints().anyMatch(CatalogLanguages::isJapanese)) {
      List<String> words = analysis.japaneseQueryTerms(products);
      if (!words.isEmpty()) {
        any.add(allWords(words, CatalogLanguages.JA, false), Occur.SHOULD);
        groups++;
      }
    }
    if (products.codePoints().anyMatch(CatalogLanguages::isThai)) {
      List<List<String>> unknownPieces =
          analysis.thaiQueryNgrams(products, thaiVocabulary.words(), thaiVocabulary.maxLength());
      if (unknownPieces.isEmpty()) {
        // all catalog words: every one must match
        any.add(allWords(analysis.thaiVocabularyTerms(products, thaiVocabulary.words(), thaiVocabulary.maxLength()),
            CatalogLanguages.TH, false), Occur.SHOULD);
        return any.build();
      }
      // Thai words are cut differently in different contexts (มัทฉะ is indexed inside เขียวมัทฉะ):
      // any word, and n-grams for the rest, as for a shopper's own Thai
      BooleanQuery.Builder thai = new BooleanQuery.Builder();
      Set<String> words = new LinkedHashSet<>(analysis.thaiQueryTerms(products));
      words.addAll(analysis.thaiVocabularyTerms(products, thaiVocabulary.words(), thaiVocabulary.maxLength()));
      if (!words.isEmpty()) thai.add(words(List.copyOf(words), CatalogLanguages.TH, false), Occur.SHOULD);
      for (List<String> grams : unknownPieces) {
        thai.add(grams(grams, fields(CatalogLanguages.TH, ProductAnalysis.TH_NGRAMS)), Occur.SHOULD);
      }
      any.add(thai.build(), Occur.SHOULD);
      groups++;
    }
    return groups == 0 ? null : any.build();
  }

  /** Whether every word of {@code text} is one the catalog's texts use. */
  private boolean catalogUses(String text, IndexReader reader) {
    for (String t : latin(analysis.englishQueryTerms(text))) {
      if (!known(reader, t, CatalogLanguages.EN) && docFreq(reader, ProductAnalysis.TAGS_TEXT, t) == 0) return false;
    }
    if (text.codePoints().anyMatch(CatalogLanguages::isJapanese)) {
      for (String t : analysis.japaneseQueryTerms(text)) if (!known(reader, t, CatalogLanguages.JA)) return false;
    }
    if (!text.codePoints().anyMatch(CatalogLanguages::isThai)) return true;
    String compact = text.replaceAll("\\s+", "");
    return analysis.thaiQueryNgrams(text, thaiVocabulary.words(), thaiVocabulary.maxLength()).isEmpty()
        || thaiVocabulary.hasWordContaining(compact);
  }

  /** The terms without Japanese or Thai letters (the English chain passes those through whole). */
  private static List<String> latin(List<String> terms) {
    return terms.stream()
        .filter(t -> t.codePoints().noneMatch(cp -> CatalogLanguages.isJapanese(cp) || CatalogLanguages.isThai(cp)))
        .toList();
  }

  private static Query allWords(List<String> terms, String language, boolean tags) {
    BooleanQuery.Builder all = new BooleanQuery.Builder();
    for (BooleanClause clause : ((BooleanQuery) words(terms, language, tags)).clauses()) {
      all.add(clause.getQuery(), Occur.MUST);
    }
    return all.build();
  }

  /**
   * Adds the word, n-gram, typo and reading groups of {@code text} to {@code all}; sets
   * {@code unknown[0]} when it holds a word the catalog does not use.
   */
  private int groups(BooleanQuery.Builder all, String text, IndexReader reader, boolean[] unknown) {
    int groups = 0;
    List<String> english = analysis.englishQueryTerms(text);
    if (!english.isEmpty()) {
      all.add(words(english, CatalogLanguages.EN, true), Occur.SHOULD);
      groups++;
      Query typos = englishTypos(text, reader);
      if (typos != null) {
        unknown[0] = true;
        all.add(typos, Occur.SHOULD);
        groups++;
      }
    }
    boolean japanese = text.codePoints().anyMatch(CatalogLanguages::isJapanese);
    boolean thai = text.codePoints().anyMatch(CatalogLanguages::isThai);
    if (japanese) {
      List<String> words = analysis.japaneseQueryTerms(text);
      if (!words.isEmpty()) {
        all.add(words(words, CatalogLanguages.JA, false), Occur.SHOULD);
        groups++;
      }
      for (List<String> grams : analysis.japaneseQueryBigrams(text, t -> known(reader, t, CatalogLanguages.JA))) {
        all.add(grams(grams, fields(CatalogLanguages.JA, ProductAnalysis.JA_BIGRAMS)), Occur.SHOULD);
        groups++;
        unknown[0] = true;
      }
      for (List<String> grams : analysis.japaneseQueryReadingBigrams(text, t -> known(reader, t, CatalogLanguages.JA))) {
        all.add(grams(grams, readingFields()), Occur.SHOULD);
        groups++;
      }
    }
    if (thai) {
      Set<String> words = new LinkedHashSet<>(analysis.thaiQueryTerms(text));
      words.addAll(analysis.thaiVocabularyTerms(text, thaiVocabulary.words(), thaiVocabulary.maxLength()));
      if (!words.isEmpty()) {
        all.add(words(List.copyOf(words), CatalogLanguages.TH, false), Occur.SHOULD);
        groups++;
      }
      for (List<String> grams : analysis.thaiQueryNgrams(text, thaiVocabulary.words(), thaiVocabulary.maxLength())) {
        all.add(grams(grams, fields(CatalogLanguages.TH, ProductAnalysis.TH_NGRAMS)), Occur.SHOULD);
        groups++;
        unknown[0] = true;
      }
    }
    return groups;
  }

  /**
   * English words the catalog's texts do not hold: as catalog words run together ("ricecooker"),
   * split ("sun screen"), or misspelt (edit distance by length, first letter fixed). Null when
   * every word is known.
   */
  private Query englishTypos(String text, IndexReader reader) {
    List<String> raw = analysis.englishRawQueryTerms(text);
    BooleanQuery.Builder group = new BooleanQuery.Builder();
    int clauses = 0;
    boolean[] unknown = new boolean[raw.size()];
    for (int i = 0; i < raw.size(); i++) {
      String word = raw.get(i);
      List<String> stems = analysis.englishQueryTerms(word);
      unknown[i] = stems.stream().noneMatch(s -> known(reader, s, CatalogLanguages.EN) || docFreq(reader, ProductAnalysis.TAGS_TEXT, s) > 0);
      if (!unknown[i]) continue;
      if (docFreq(reader, ProductAnalysis.EN_RAW, word) > 0) {
        group.add(new BoostQuery(new TermQuery(new Term(ProductAnalysis.EN_RAW, word)), NAME_BOOST), Occur.SHOULD);
        clauses++;
      } else {
        int edits = maxEdits(word);
        // most typos are one edit (a transposition counts as one); two only when one finds nothing
        if (edits == 2 && withinOneEdit(reader, word)) edits = 1;
        if (edits > 0) {
          group.add(new BoostQuery(new FuzzyQuery(new Term(ProductAnalysis.EN_RAW, word), edits, 1, 50, true),
              NAME_BOOST * FUZZY_WEIGHT), Occur.SHOULD);
          clauses++;
        }
      }
    }
    for (int i = 0; i + 1 < raw.size(); i++) {
      if (!unknown[i] && !unknown[i + 1]) continue;
      String joined = raw.get(i) + raw.get(i + 1);
      if (docFreq(reader, ProductAnalysis.EN_RAW, joined) > 0) {
        group.add(new BoostQuery(new TermQuery(new Term(ProductAnalysis.EN_RAW, joined)), NAME_BOOST), Occur.SHOULD);
        clauses++;
      }
    }
    return clauses == 0 ? null : group.build();
  }

  private static boolean withinOneEdit(IndexReader reader, String word) {
    try {
      Terms terms = MultiTerms.getTerms(reader, ProductAnalysis.EN_RAW);
      return terms != null
          && new FuzzyTermsEnum(terms, new Term(ProductAnalysis.EN_RAW, word), 1, 1, true).next() != null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Edits a word of this length may be away from a catalog word: 0 below four letters, 1 up to five, else 2. */
  static int maxEdits(String word) {
    if (word.length() < 4 || !word.chars().allMatch(c -> c >= 'a' && c <= 'z')) return 0;
    return word.length() <= 5 ? 1 : 2;
  }

  private static Map<String, Float> fields(String language, String suffix) {
    return Map.of(
        ProductAnalysis.name(language) + suffix, NAME_BOOST,
        ProductAnalysis.categoryName(language) + suffix, CATEGORY_BOOST,
        ProductAnalysis.description(language) + suffix, DESCRIPTION_BOOST);
  }

  private static Map<String, Float> readingFields() {
    return Map.of(
        ProductAnalysis.name(CatalogLanguages.JA) + ProductAnalysis.JA_READING, NAME_BOOST,
        ProductAnalysis.categoryName(CatalogLanguages.JA) + ProductAnalysis.JA_READING, CATEGORY_BOOST);
  }

  /** One clause per term; {@code tags} adds the English tags. */
  private static Query words(List<String> terms, String language, boolean tags) {
    Map<String, Float> fields = fields(language, "");
    BooleanQuery.Builder group = new BooleanQuery.Builder();
    for (String term : terms) {
      List<Query> alternatives = new ArrayList<>();
      fields.forEach((field, boost) -> alternatives.add(new BoostQuery(new TermQuery(new Term(field, term)), boost)));
      if (tags) alternatives.add(new BoostQuery(new TermQuery(new Term(ProductAnalysis.TAGS_TEXT, term)), TAGS_BOOST));
      group.add(new DisjunctionMaxQuery(alternatives, DISMAX_TIE), Occur.SHOULD);
    }
    return group.build();
  }

  /** Whether a text field of {@code language} (name, category name, description) holds {@code term}. */
  private static boolean known(IndexReader reader, String term, String language) {
    for (String field : fields(language, "").keySet()) {
      if (docFreq(reader, field, term) > 0) return true;
    }
    return false;
  }

  private static int docFreq(IndexReader reader, String field, String term) {
    try {
      return reader.docFreq(new Term(field, term));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Query grams(List<String> grams, Map<String, Float> fields) {
    BooleanQuery.Builder group = new BooleanQuery.Builder();
    for (String gram : grams) {
      List<Query> alternatives = new ArrayList<>();
      fields.forEach((field, boost) -> alternatives.add(new BoostQuery(new TermQuery(new Term(field, gram)), boost)));
      group.add(new DisjunctionMaxQuery(alternatives, DISMAX_TIE), Occur.SHOULD);
    }
    group.setMinimumNumberShouldMatch(Math.max(1, (int) Math.ceil(grams.size() * NGRAM_MIN_SHARE)));
    return new BoostQuery(group.build(), NGRAM_GROUP_WEIGHT / grams.size());
  }
}
