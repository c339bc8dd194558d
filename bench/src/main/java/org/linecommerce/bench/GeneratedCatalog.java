package org.linecommerce.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.linecommerce.catalog.api.ProductData;

/**
 * A large, plausible multilingual catalog made only of the sample catalog's words: each product is
 * a sample product family (matcha powder, rice cooker, lip balm, …; its name stem in every
 * language) combined with a variant taken from any family (Dark Roast / 深煎り / คั่วเข้ม, Red /
 * レッド / สีแดง, Pack of 30 / 30個入り / แพ็ค 30 ชิ้น, …), so every language stays aligned. The
 * description is the family's description with the new name, tags are the family's plus one from
 * another product, price and stock vary (about a quarter out of stock). Deterministic for a seed.
 */
public final class GeneratedCatalog {

  private static final List<String> LANGUAGES = List.of("en", "ja", "th");

  private record Family(List<ProductData> members, Map<String, String> stem) {}

  private GeneratedCatalog() {}

  public static List<ProductData> generate(List<ProductData> sample, int size, long seed) {
    Map<String, List<ProductData>> byFamily = new TreeMap<>();
    for (ProductData p : sample) byFamily.computeIfAbsent(p.id().replaceAll("-\\d+$", ""), f -> new ArrayList<>()).add(p);
    List<Family> families = new ArrayList<>();
    List<Map<String, String>> variants = new ArrayList<>();
    for (List<ProductData> members : byFamily.values()) {
      Map<String, String> stem = new LinkedHashMap<>();
      for (String lang : LANGUAGES) {
        List<String> names = members.stream().map(m -> m.name().getOrDefault(lang, m.name().get("en"))).toList();
        stem.put(lang, commonPrefix(names));
      }
      families.add(new Family(members, stem));
      if (members.size() > 1) {
        for (ProductData m : members) {
          Map<String, String> variant = new LinkedHashMap<>();
          for (String lang : LANGUAGES) {
            String name = m.name().getOrDefault(lang, m.name().get("en"));
            variant.put(lang, name.substring(Math.min(stem.get(lang).length(), name.length())).trim());
          }
          if (variant.values().stream().noneMatch(String::isEmpty)) variants.add(variant);
        }
      }
    }
    List<String> allTags = sample.stream().flatMap(p -> p.tags().stream()).distinct().toList();

    Random random = new Random(seed);
    List<ProductData> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Family family = families.get(random.nextInt(families.size()));
      ProductData base = family.members().get(random.nextInt(family.members().size()));
      Map<String, String> variant = variants.get(random.nextInt(variants.size()));
      Map<String, String> name = new LinkedHashMap<>();
      Map<String, String> description = new LinkedHashMap<>();
      for (String lang : LANGUAGES) {
        String stem = family.stem().get(lang);
        String baseName = base.name().getOrDefault(lang, base.name().get("en"));
        String newName = (stem.isEmpty() ? baseName : stem) + " " + variant.get(lang);
        name.put(lang, newName);
        String baseDescription = base.description().getOrDefault(lang, "");
        description.put(lang, baseDescription.replace(baseName, newName));
      }
      LinkedHashSet<String> tags = new LinkedHashSet<>(base.tags());
      tags.add(allTags.get(random.nextInt(allTags.size())));
      BigDecimal price = base.price().multiply(BigDecimal.valueOf(0.5 + random.nextDouble() * 1.5))
          .setScale(0, java.math.RoundingMode.HALF_UP);
      int stock = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(200);
      out.add(new ProductData("gen-" + i, String.format("SKU-G%07d", i), base.category(), base.categoryName(),
          name, description, List.copyOf(tags), price, base.currency(), stock));
    }
    return out;
  }

  /** The longest common prefix of {@code names} ending at a word boundary (or the whole of a single name's first words). */
  static String commonPrefix(List<String> names) {
    if (names.size() == 1) return "";
    String prefix = names.get(0);
    for (String n : names) {
      int i = 0;
      while (i < prefix.length() && i < n.length() && prefix.charAt(i) == n.charAt(i)) i++;
      prefix = prefix.substring(0, i);
    }
    String common = prefix;
    int space = common.lastIndexOf(' ');
    boolean wholeWords = names.stream().allMatch(n -> n.length() == common.length() || n.charAt(common.length()) == ' ');
    return wholeWords ? common.trim() : space > 0 ? common.substring(0, space).trim() : common.trim();
  }
}
