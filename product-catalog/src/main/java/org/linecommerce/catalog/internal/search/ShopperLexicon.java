package org.linecommerce.catalog.internal.search;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.linecommerce.catalog.api.CatalogLanguages;

/**
 * What the shop tells the search about how shoppers talk, read from editable text files:
 *
 * <ul>
 *   <li>{@code concepts-en.txt}, {@code concepts-ja.txt}, {@code concepts-th.txt}: needs and uses
 *       ("dry lips", 「鼻づまり」, "คัดจมูก") and spelling variants, in the Solr synonym format:
 *       {@code need, other need => product words, more product words} (a query holding any left
 *       side also searches every right side, at a lower weight than its own words) or
 *       {@code word, variant, variant} (all equivalent: a query holding one also searches the others).
 *   <li>{@code attributes.txt}: the variant attributes a product name can carry, one per line,
 *       {@code key = form, form, …} in any language ({@code blue = blue, navy, 青, ブルー, สีน้ำเงิน}):
 *       a product whose name holds a form carries the key, and a query holding a form ranks the
 *       products carrying its key first. Weights and pack sizes ("100g", 「100グラム」, "pack of 30",
 *       「30個入り」, "แพ็ค 30 ชิ้น") are attributes too, without listing them.
 * </ul>
 *
 * <p>How a form or a need is found in a text: Latin-script phrases by their English terms (lower
 * case, stemmed, stop words ignored), in a row in a product name, anywhere in a query for needs;
 * Japanese and Thai ones as a substring of the text after Unicode compatibility normalisation
 * (full/half width) and without spaces. Files are read from a directory given by
 * {@code linecommerce.catalog.search.concepts-dir} ({@code CATALOG_SEARCH_CONCEPTS}) when it holds
 * them, otherwise the module's bundled copies ({@code catalog/} on the class path).
 */
public final class ShopperLexicon {

  static final String ATTRIBUTES = "attributes.txt";
  static final List<String> CONCEPT_LANGUAGES = List.of(CatalogLanguages.EN, CatalogLanguages.JA, CatalogLanguages.TH);

  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern WEIGHT = Pattern.compile(
      "(\\d+(?:\\.\\d+)?)\\s*(?:g|gr|gram|grams|gramme|grammes|グラム|ｇ|กรัม)(?![a-z])", Pattern.CASE_INSENSITIVE);
  private static final Pattern PACK_BEFORE = Pattern.compile(
      "(?:pack of|packs of|box of|set of|แพ็ค|แพค|แพ็ก)\\s*(\\d+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern PACK_AFTER = Pattern.compile(
      "(\\d+)\\s*(?:-\\s*)?(?:pack|pcs|pieces|piece|tablets|sticks|sheets|個入り|個入|個|枚入り|枚|本入り|ชิ้น|เม็ด|ซอง)",
      Pattern.CASE_INSENSITIVE);

  /** One rule of a concept list: when a text holds one of {@code needs}, also search {@code products}. */
  record Rule(String language, List<Phrase> needs, List<String> products, List<Phrase> productPhrases,
      boolean equivalence) {}

  /** Where a need of a rule was found: {@code at} in the compact text, or -1 for English terms. */
  private record Match(Rule rule, Phrase need, int at) {
    int length() {
      return need.latin() ? need.englishTerms().size() : need.compact().length();
    }
  }

  /** Product words to search besides a query's own; {@code variant}: another spelling (an equivalence line). */
  record Expansion(String text, boolean variant) {}

  /** One attribute: {@code key} and the phrases that name it. */
  record Attribute(String key, List<Phrase> forms) {}

  /** A phrase as it is matched: English terms, or normalised CJK/Thai text. */
  record Phrase(String text, List<String> englishTerms, String compact) {
    boolean latin() {
      return compact == null;
    }
  }

  private final ProductAnalysis analysis;
  private final List<Rule> rules;
  private final List<Attribute> attributes;
  /** Every attribute form, normalised, longest first (青い before 青). */
  private final List<String> formsLongestFirst;

  private ShopperLexicon(ProductAnalysis analysis, List<Rule> rules, List<Attribute> attributes) {
    this.analysis = analysis;
    this.rules = rules;
    this.attributes = attributes;
    this.formsLongestFirst = attributes.stream()
        .flatMap(a -> a.forms().stream())
        .map(f -> normalise(f.text()).trim())
        .filter(f -> !f.isEmpty())
        .distinct()
        .sorted(java.util.Comparator.comparingInt(String::length).reversed())
        .toList();
  }

  /** The bundled lists, or those of {@code directory} (may be null) where it has the file. */
  static ShopperLexicon load(ProductAnalysis analysis, Path directory) {
    List<Rule> rules = new ArrayList<>();
    for (String language : CONCEPT_LANGUAGES) {
      for (String line : lines(directory, "concepts-" + language + ".txt")) {
        Rule rule = parseRule(analysis, language, line);
        if (rule != null) rules.add(rule);
      }
    }
    List<Attribute> attributes = new ArrayList<>();
    for (String line : lines(directory, ATTRIBUTES)) {
      int eq = line.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("attribute line without 'key = forms': " + line);
      String key = line.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      List<Phrase> forms = new ArrayList<>();
      for (String form : split(line.substring(eq + 1))) forms.add(phrase(analysis, form));
      forms.add(phrase(analysis, key));
      attributes.add(new Attribute(key, List.copyOf(forms)));
    }
    return new ShopperLexicon(analysis, List.copyOf(rules), List.copyOf(attributes));
  }

  /** The directory of {@code linecommerce.catalog.search.concepts-dir}, or null when unset/blank. */
  static Path directory(String configured) {
    return configured == null || configured.isBlank() ? null : Path.of(configured.trim());
  }

  /**
   * The product words to search besides {@code text}: the right sides of the rules whose need
   * {@code text} holds, and (with {@code variants}) the other spellings of equivalence lines.
   * Rules of a language apply when its script is in the text (English always).
   */
  List<Expansion> expansions(String text, boolean variants) {
    Text t = new Text(text);
    // Japanese and Thai needs are found as text: the longest wins where two overlap, so
    // 「ノンカフェイン」 (caffeine free) is not also read as 「カフェイン」 (caffeine)
    List<int[]> taken = new ArrayList<>();
    List<Match> found = new ArrayList<>();
    for (Rule rule : rules) {
      if (!t.inScript(rule.language()) || (rule.equivalence() && !variants)) continue;
      for (Phrase need : rule.needs()) {
        if (need.latin()) {
          if (t.containsAnywhere(need)) found.add(new Match(rule, need, -1));
        } else {
          for (int at = t.compact.indexOf(need.compact()); at >= 0; at = t.compact.indexOf(need.compact(), at + 1)) {
            found.add(new Match(rule, need, at));
          }
        }
      }
    }
    found.sort(java.util.Comparator.comparingInt((Match m) -> m.at() < 0 ? 0 : 1)
        .thenComparing(Match::length, java.util.Comparator.reverseOrder()));
    Set<Rule> applied = new LinkedHashSet<>();
    for (Match m : found) {
      if (m.at() >= 0) {
        int start = m.at();
        int end = start + m.length();
        if (taken.stream().anyMatch(s -> s[0] <= start && end <= s[1] && s[1] - s[0] > end - start)) continue;
        taken.add(new int[] {start, end});
      }
      applied.add(m.rule());
    }
    Map<String, Expansion> out = new LinkedHashMap<>();
    for (Rule rule : applied) {
      for (int i = 0; i < rule.products().size(); i++) {
        String p = rule.products().get(i);
        if (!t.containsAnywhere(rule.productPhrases().get(i))) {
          out.merge(p, new Expansion(p, rule.equivalence()), (a, b) -> new Expansion(p, a.variant() && b.variant()));
        }
      }
    }
    return List.copyOf(out.values());
  }

  /** The attribute keys a shopper's {@code text} names (forms anywhere, sizes and packs). */
  Set<String> queryAttributes(String text) {
    Text t = new Text(text);
    Set<String> out = new LinkedHashSet<>();
    for (Attribute a : attributes) {
      for (Phrase form : a.forms()) {
        if (t.containsInRow(form)) {
          out.add(a.key());
          break;
        }
      }
    }
    out.addAll(measures(t.normalised));
    return out;
  }

  /**
   * {@code text} without the attribute words and sizes it names (normalised), so what is left are
   * its product words: "blue bento box" → "bento box", 「青い弁当箱」 → 「弁当箱」, "sencha 200g" → "sencha".
   */
  String withoutAttributes(String text) {
    String n = normalise(text);
    for (String form : formsLongestFirst) {
      if (!n.contains(form)) continue;
      boolean latin = form.codePoints().noneMatch(cp -> CatalogLanguages.isJapanese(cp) || CatalogLanguages.isThai(cp));
      n = latin
          ? Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(form) + "(?![\\p{L}\\p{N}])").matcher(n).replaceAll(" ")
          : n.replace(form, " ");
    }
    for (Pattern p : List.of(WEIGHT, PACK_BEFORE, PACK_AFTER)) n = p.matcher(n).replaceAll(" ");
    return n.trim();
  }

  /** The attribute keys a product carries: those its names (in any language) hold. */
  Set<String> productAttributes(Collection<String> names) {
    Set<String> out = new LinkedHashSet<>();
    for (String name : names) {
      if (name == null || name.isBlank()) continue;
      Text t = new Text(name);
      for (Attribute a : attributes) {
        if (out.contains(a.key())) continue;
        for (Phrase form : a.forms()) {
          if (t.containsInRow(form)) {
            out.add(a.key());
            break;
          }
        }
      }
      out.addAll(measures(t.normalised));
    }
    return out;
  }

  /** Weights ("g:100") and pack sizes ("pack:30") written in {@code normalised}. */
  static Set<String> measures(String normalised) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = WEIGHT.matcher(normalised);
    while (m.find()) out.add("g:" + stripZeros(m.group(1)));
    m = PACK_BEFORE.matcher(normalised);
    while (m.find()) out.add("pack:" + m.group(1));
    m = PACK_AFTER.matcher(normalised);
    while (m.find()) out.add("pack:" + m.group(1));
    return out;
  }

  private static String stripZeros(String number) {
    return number.contains(".") ? number.replaceAll("\\.?0+$", "") : number;
  }

  /** NFKC, lower case: full-width letters and half-width katakana become their usual forms. */
  static String normalise(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
  }

  /** A text as the lexicon matches phrases in it. */
  private final class Text {
    final String normalised;
    final String compact;
    final boolean japanese;
    final boolean thai;
    private final boolean latin;
    private List<String> englishTerms;

    Text(String text) {
      this.normalised = normalise(text);
      this.compact = SPACES.matcher(normalised).replaceAll("");
      this.japanese = normalised.codePoints().anyMatch(CatalogLanguages::isJapanese);
      this.thai = normalised.codePoints().anyMatch(CatalogLanguages::isThai);
      this.latin = normalised.codePoints().anyMatch(cp -> cp >= 'a' && cp <= 'z');
    }

    /** The English terms, analysed when first needed (never for a text without Latin letters). */
    List<String> englishTerms() {
      if (englishTerms == null) englishTerms = latin ? analysis.englishTermSequence(normalised) : List.of();
      return englishTerms;
    }

    boolean inScript(String language) {
      return switch (language) {
        case CatalogLanguages.JA -> japanese;
        case CatalogLanguages.TH -> thai;
        default -> true;
      };
    }

    /** The phrase's terms all in the text, in any order (needs: "skin … from the sun"). */
    boolean containsAnywhere(Phrase p) {
      if (!p.latin()) return compact.contains(p.compact());
      return !p.englishTerms().isEmpty() && englishTerms().containsAll(p.englishTerms());
    }

    /** The phrase's terms in a row (attributes: "dark roast", not "dark … roast"). */
    boolean containsInRow(Phrase p) {
      if (!p.latin()) return compact.contains(p.compact());
      return !p.englishTerms().isEmpty() && java.util.Collections.indexOfSubList(englishTerms(), p.englishTerms()) >= 0;
    }
  }

  private static Rule parseRule(ProductAnalysis analysis, String language, String line) {
    int arrow = line.indexOf("=>");
    List<String> left = split(arrow < 0 ? line : line.substring(0, arrow));
    List<String> right = arrow < 0 ? left : split(line.substring(arrow + 2));
    if (left.isEmpty() || right.isEmpty()) return null;
    List<Phrase> needs = new ArrayList<>();
    for (String need : left) needs.add(phrase(analysis, need));
    List<Phrase> products = new ArrayList<>();
    for (String p : right) products.add(phrase(analysis, p));
    return new Rule(language, List.copyOf(needs), List.copyOf(right), List.copyOf(products), arrow < 0);
  }

  private static Phrase phrase(ProductAnalysis analysis, String text) {
    String n = normalise(text);
    boolean latin = n.codePoints().noneMatch(cp -> CatalogLanguages.isJapanese(cp) || CatalogLanguages.isThai(cp));
    if (latin) return new Phrase(text, analysis.englishTermSequence(n), null);
    return new Phrase(text, List.of(), SPACES.matcher(n).replaceAll(""));
  }

  private static List<String> split(String side) {
    List<String> out = new ArrayList<>();
    for (String s : side.split(",")) {
      String t = s.trim();
      if (!t.isEmpty()) out.add(t);
    }
    return out;
  }

  /** Non-blank lines of {@code name} without comments, from {@code directory} if it has it, else bundled. */
  private static List<String> lines(Path directory, String name) {
    try {
      if (directory != null && Files.isRegularFile(directory.resolve(name))) {
        try (InputStream in = Files.newInputStream(directory.resolve(name))) {
          return lines(in);
        }
      }
      try (InputStream in = ShopperLexicon.class.getResourceAsStream("/catalog/" + name)) {
        if (in == null) return List.of();
        return lines(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(InputStream in) throws IOException {
    List<String> out = new ArrayList<>();
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line; (line = reader.readLine()) != null; ) {
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (!content.isEmpty()) out.add(content);
    }
    return out;
  }
}
