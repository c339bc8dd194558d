package org.linecommerce.gateway.line;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
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
 * The gateway's fixed wording in each language: {@code gateway/phrases-<language>.properties}
 * (UTF-8) from the classpath. A language we do not speak, or a key missing in one, falls back to
 * English. Also writes prices ({@code currency.<code>}) and times ({@code time.zone}/{@code time.format})
 * the way the language does.
 */
public final class Phrases {

  /** The languages the bundled phrases speak. */
  public static final List<String> LANGUAGES = List.of("en", "ja", "th");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

  private final Map<String, Properties> byLanguage;

  private Phrases(Map<String, Properties> byLanguage) {
    this.byLanguage = byLanguage;
  }

  /** The phrases bundled in the gateway. */
  public static Phrases bundled() {
    Map<String, Properties> all = new HashMap<>();
    for (String language : LANGUAGES) {
      String resource = "gateway/phrases-" + language + ".properties";
      try (InputStream in = Phrases.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing bundled phrases " + resource);
        }
        Properties p = new Properties();
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
          p.load(r);
        }
        all.put(language, p);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + resource, e);
      }
    }
    return new Phrases(Map.copyOf(all));
  }

  /** {@code language} (e.g. {@code ja}, {@code th-TH}) if we speak it, else {@code en}. */
  public static String supported(String language) {
    if (language == null) {
      return "en";
    }
    String l = language.trim().toLowerCase(Locale.ROOT);
    int dash = l.indexOf('-');
    if (dash > 0) {
      l = l.substring(0, dash);
    }
    return LANGUAGES.contains(l) ? l : "en";
  }

  /** Whether {@code language} or English has {@code key}. */
  public boolean has(String language, String key) {
    return raw(language, key) != null;
  }

  /** The phrase {@code key} with its placeholders filled ({@code ""} for a value not given). */
  public String text(String language, String key, Map<String, String> values) {
    String template = raw(language, key);
    if (template == null) {
      throw new IllegalStateException("no phrase '" + key + "'");
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(v == null ? "" : v));
    }
    m.appendTail(out);
    return out.toString();
  }

  public String text(String language, String key) {
    return text(language, key, Map.of());
  }

  /** {@code ฿1,234} in English, {@code 1,234バーツ}, {@code 1,234 บาท}; decimals only when there is a fraction. */
  public String price(String language, BigDecimal amount, String currency) {
    if (amount == null) {
      return "";
    }
    String code = currency == null || currency.isBlank() ? "THB" : currency.trim().toUpperCase(Locale.ROOT);
    String key = has(language, "currency." + code) ? "currency." + code : "currency.default";
    BigDecimal a = amount.setScale(2, RoundingMode.HALF_UP);
    boolean whole = a.stripTrailingZeros().scale() <= 0;
    String formatted = new DecimalFormat(whole ? "#,##0" : "#,##0.00", DecimalFormatSymbols.getInstance(Locale.ROOT))
        .format(a);
    return text(language, key, Map.of("amount", formatted, "currency", code));
  }

  /** A time in the shop's zone, as the language writes it. */
  public String time(String language, Instant at) {
    if (at == null) {
      return "";
    }
    ZoneId zone = ZoneId.of(text(language, "time.zone").trim());
    Locale locale = Locale.forLanguageTag(text(language, "time.locale").trim());
    return DateTimeFormatter.ofPattern(text(language, "time.format"), locale).withZone(zone).format(at);
  }

  private String raw(String language, String key) {
    String v = byLanguage.get(supported(language)).getProperty(key);
    return v != null ? v : byLanguage.get("en").getProperty(key);
  }
}
