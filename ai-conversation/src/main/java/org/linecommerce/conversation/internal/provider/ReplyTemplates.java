package org.linecommerce.conversation.internal.provider;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shop's wording in each language: {@code conversation/replies-<language>.properties} (UTF-8)
 * from the classpath, overlaid key by key by the same files in {@code templates-dir} when a shop
 * edits them. A key missing in a language falls back to English. Also formats prices (the
 * {@code currency.<code>} pattern of the language) and times ({@code time.zone}/{@code time.format}).
 */
public final class ReplyTemplates {

  /** The languages the bundled templates speak. */
  public static final List<String> LANGUAGES = List.of("en", "ja", "th");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

  private final Map<String, Properties> byLanguage;

  private ReplyTemplates(Map<String, Properties> byLanguage) {
    this.byLanguage = byLanguage;
  }

  /** The bundled templates only. */
  public static ReplyTemplates bundled() {
    return load(null);
  }

  /** The bundled templates, each key overridden by {@code overrideDir}'s files when given and present. */
  public static ReplyTemplates load(Path overrideDir) {
    Map<String, Properties> all = new HashMap<>();
    for (String language : LANGUAGES) {
      Properties p = new Properties();
      String resource = "conversation/replies-" + language + ".properties";
      try (InputStream in = ReplyTemplates.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) throw new IllegalStateException("missing bundled templates " + resource);
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
          p.load(r);
        }
        if (overrideDir != null) {
          Path file = overrideDir.resolve("replies-" + language + ".properties");
          if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
              p.load(r);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the reply templates for " + language, e);
      }
      all.put(language, p);
    }
    return new ReplyTemplates(Map.copyOf(all));
  }

  /** {@code language} if the templates speak it, else English. */
  public static String supported(String language) {
    if (language == null) return "en";
    String l = language.trim().toLowerCase(Locale.ROOT);
    int dash = l.indexOf('-');
    if (dash > 0) l = l.substring(0, dash);
    return LANGUAGES.contains(l) ? l : "en";
  }

  /** Whether {@code language} (or English) has {@code key}. */
  public boolean has(String language, String key) {
    return raw(language, key) != null;
  }

  /** The template {@code key} in {@code language} with its placeholders filled ({@code ""} for a value not given). */
  public String text(String language, String key, Map<String, String> values) {
    String template = raw(language, key);
    if (template == null) throw new IllegalStateException("no reply template '" + key + "'");
    return fill(template, values);
  }

  public String text(String language, String key) {
    return text(language, key, Map.of());
  }

  static String fill(String template, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(v == null ? "" : v));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A price as the language writes it ({@code ฿1,234} in English, {@code 1,234バーツ}, {@code 1,234 บาท}). */
  public String price(String language, BigDecimal amount, String currency) {
    if (amount == null) return "";
    String code = currency == null || currency.isBlank() ? "THB" : currency.trim().toUpperCase(Locale.ROOT);
    String key = has(language, "currency." + code) ? "currency." + code : "currency.default";
    return text(language, key, Map.of("amount", amount(amount), "currency", code));
  }

  /** {@code 1,234} or {@code 1,234.50}: decimals only when the amount has a fraction. */
  static String amount(BigDecimal amount) {
    BigDecimal a = amount.setScale(2, RoundingMode.HALF_UP);
    boolean whole = a.stripTrailingZeros().scale() <= 0;
    DecimalFormat f = new DecimalFormat(whole ? "#,##0" : "#,##0.00", DecimalFormatSymbols.getInstance(Locale.ROOT));
    return f.format(a);
  }

  /** A time as the language writes it, in the shop's zone ({@code time.zone}). */
  public String time(String language, Instant at) {
    if (at == null) return "";
    ZoneId zone = ZoneId.of(text(language, "time.zone").trim());
    Locale locale = Locale.forLanguageTag(text(language, "time.locale").trim());
    return DateTimeFormatter.ofPattern(text(language, "time.format"), locale).withZone(zone).format(at);
  }

  private String raw(String language, String key) {
    Properties p = byLanguage.get(supported(language));
    String v = p == null ? null : p.getProperty(key);
    if (v == null) v = byLanguage.get("en").getProperty(key);
    return v;
  }
}
