package org.linecommerce.catalog.internal.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.Term;
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
 * segmentation against the catalog's own Thai vocabulary. English words of five letters or more that no name or tag contains (typos) also
 * match one edit away in names and tags, at a lower weight.
 */
final class ProductQueries {

  static final float NAME_BOOST = 3f;
  static final float TAGS_BOOST = 2f;
  static final float CATEGORY_BOOST = 1.5f;
  static final float DESCRIPTION_BOOST = 1f;
  /** Weight of a whole n-gram group relative to one word clause. */
  static final float NGRAM_GROUP_WEIGHT = 2f;
  static final float NGRAM_MIN_SHARE = 0.5f;
  static final float FUZZY_WEIGHT = 0.3f;
  static final float DISMAX_TIE = 0.1f;

  private final ProductAnalysis analysis;
  private final ThaiVocabulary thaiVocabulary;

  ProductQueries(ProductAnalysis analysis, ThaiVocabulary thaiVocabulary) {
    this.analysis = analysis;
    this.thaiVocabulary = thaiVocabulary;
  }

  /**
   * The query for {@code text} against the index {@code reader} reads; null when nothing in it is
   * searchable (only stop words or punctuation). The reader tells which English words are unknown
   * (typos): only those get the fuzzy alternatives, which keeps well-spelt queries cheap.
   */
  Query text(String text, IndexReader reader) {
    if (text == null || text.isBlank()) return null;
    BooleanQuery.Builder all = new BooleanQuery.Builder();
    int groups = 0;

    List<String> english = analysis.englishQueryTerms(text);
    if (!english.isEmpty()) {
      all.add(words(english, CatalogLanguages.EN, reader), Occur.SHOULD);
      groups++;
    }
    boolean japanese = text.codePoints().anyMatch(CatalogLanguages::isJapanese);
    boolean thai = text.codePoints().anyMatch(CatalogLanguages::isThai);
    if (japanese) {
      List<String> words = analysis.japaneseQueryTerms(text);
      if (!words.isEmpty()) {
        all.add(words(words, CatalogLanguages.JA, null), Occur.SHOULD);
        groups++;
      }
      for (List<String> grams : analysis.japaneseQueryBigrams(text, t -> known(reader, t, CatalogLanguages.JA))) {
        all.add(grams(grams, CatalogLanguages.JA, ProductAnalysis.JA_BIGRAMS), Occur.SHOULD);
        groups++;
      }
    }
    if (thai) {
      Set<String> words = new LinkedHashSet<>(analysis.thaiQueryTerms(text));
      words.addAll(analysis.thaiVocabularyTerms(text, thaiVocabulary.words(), thaiVocabulary.maxLength()));
      if (!words.isEmpty()) {
        all.add(words(List.copyOf(words), CatalogLanguages.TH, null), Occur.SHOULD);
        groups++;
      }
      for (List<String> grams : analysis.thaiQueryNgrams(text, thaiVocabulary.words(), thaiVocabulary.maxLength())) {
        all.add(grams(grams, CatalogLanguages.TH, ProductAnalysis.TH_NGRAMS), Occur.SHOULD);
        groups++;
      }
    }
    return groups == 0 ? null : all.build();
  }

  private static Map<String, Float> fields(String language, String suffix) {
    return Map.of(
        ProductAnalysis.name(language) + suffix, NAME_BOOST,
        ProductAnalysis.categoryName(language) + suffix, CATEGORY_BOOST,
        ProductAnalysis.description(language) + suffix, DESCRIPTION_BOOST);
  }

  /** One clause per term; {@code english} (the reader, for English only) adds tags and typo tolerance. */
  private static Query words(List<String> terms, String language, IndexReader english) {
    Map<String, Float> fields = fields(language, "");
    BooleanQuery.Builder group = new BooleanQuery.Builder();
    for (String term : terms) {
      List<Query> alternatives = new ArrayList<>();
      fields.forEach((field, boost) -> alternatives.add(new BoostQuery(new TermQuery(new Term(field, term)), boost)));
      if (english != null) {
        alternatives.add(new BoostQuery(new TermQuery(new Term(ProductAnalysis.TAGS_TEXT, term)), TAGS_BOOST));
        if (term.length() >= 5 && term.chars().allMatch(c -> c >= 'a' && c <= 'z') && unknown(english, term, language)) {
          alternatives.add(new BoostQuery(
              new FuzzyQuery(new Term(ProductAnalysis.name(language), term), 1, 2), NAME_BOOST * FUZZY_WEIGHT));
          alternatives.add(new BoostQuery(
              new FuzzyQuery(new Term(ProductAnalysis.TAGS_TEXT, term), 1, 2), TAGS_BOOST * FUZZY_WEIGHT));
        }
      }
      group.add(new DisjunctionMaxQuery(alternatives, DISMAX_TIE), Occur.SHOULD);
    }
    return group.build();
  }

  /** Whether a text field of {@code language} (name, category name, description) holds {@code term}. */
  private static boolean known(IndexReader reader, String term, String language) {
    try {
      for (String field : fields(language, "").keySet()) {
        if (reader.docFreq(new Term(field, term)) > 0) return true;
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean unknown(IndexReader reader, String term, String language) {
    try {
      return reader.docFreq(new Term(ProductAnalysis.name(language), term)) == 0
          && reader.docFreq(new Term(ProductAnalysis.TAGS_TEXT, term)) == 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Query grams(List<String> grams, String language, String suffix) {
    Map<String, Float> fields = fields(language, suffix);
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
