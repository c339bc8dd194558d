package org.linecommerce.conversation.internal.provider;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The provider chain's configuration ({@code linecommerce.conversation} in reference.conf): the
 * providers in order (from a list or the comma-separated {@code AI_PROVIDERS}), each provider's
 * timeout and breaker, and the OpenAI-compatible vendor's settings.
 *
 * @param providers the configured providers in order, without {@code fallback} (always last)
 */
public record ChainSettings(
    List<String> providers,
    Breaker local,
    Breaker fallback,
    Breaker openaiBreaker,
    OpenAiSettings openai,
    String templatesDir) {

  public static final String LOCAL = "local";
  public static final String OPENAI = "openai";
  public static final String FALLBACK = "fallback";
  public static final List<String> KNOWN = List.of(LOCAL, OPENAI, FALLBACK);

  private static final String PATH = "linecommerce.conversation";

  /** One provider's timeout (also its breaker's call timeout) and breaker settings. */
  public record Breaker(Duration timeout, int maxFailures, Duration resetTimeout, Duration maxResetTimeout) {
    /** Exponential backoff of the reset timeout is on when its maximum is above the first wait. */
    public boolean exponentialBackoff() {
      return maxResetTimeout.compareTo(resetTimeout) > 0;
    }
  }

  /** The vendor: {@code baseUrl} without a trailing slash; {@code apiKey} empty when none. */
  public record OpenAiSettings(
      String baseUrl, String apiKey, String model, int historyTurns, int promptProducts,
      long maxResponseBytes, int maxConnections, double confidence) {

    /** {@code {baseUrl}/chat/completions} */
    public String completionsUrl() {
      return baseUrl + "/chat/completions";
    }

    public boolean hasKey() {
      return apiKey != null && !apiKey.isBlank();
    }

    @Override
    public String toString() { // the key never goes into logs
      return "OpenAiSettings[baseUrl=" + baseUrl + ", model=" + model + ", key=" + (hasKey() ? "set" : "none") + "]";
    }
  }

  /** Reads {@code linecommerce.conversation}; a provider name nobody knows fails with a clear message. */
  public static ChainSettings from(Config root) {
    Config c = root.getConfig(PATH);
    Config breakerDefaults = c.getConfig("breaker");
    Config openai = c.getConfig(OPENAI);
    String base = openai.getString("base-url").trim();
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    if (!base.startsWith("http://") && !base.startsWith("https://")) {
      throw new IllegalArgumentException("linecommerce.conversation.openai.base-url (OPENAI_BASE_URL) must be an "
          + "http:// or https:// URL such as https://api.openai.com/v1, not '" + base + "'");
    }
    OpenAiSettings vendor = new OpenAiSettings(
        base,
        openai.getString("api-key").trim(),
        openai.getString("model").trim(),
        Math.max(0, openai.getInt("history-turns")),
        Math.max(0, openai.getInt("prompt-products")),
        openai.getBytes("max-response-size"),
        Math.max(1, openai.getInt("max-connections")),
        openai.getDouble("confidence"));
    return new ChainSettings(
        parseProviders(c),
        breaker(c.getConfig(LOCAL), breakerDefaults),
        breaker(c.hasPath(FALLBACK) ? c.getConfig(FALLBACK) : c.getConfig(LOCAL), breakerDefaults),
        breaker(openai, breakerDefaults),
        vendor,
        c.getString("templates-dir").trim());
  }

  /** The breaker and timeout of {@code name} ({@code fallback} has no breaker but a timeout). */
  public Breaker breakerOf(String name) {
    return switch (name) {
      case LOCAL -> local;
      case OPENAI -> openaiBreaker;
      case FALLBACK -> fallback;
      default -> throw new IllegalArgumentException("unknown provider " + name);
    };
  }

  static List<String> parseProviders(Config c) {
    List<String> raw = new ArrayList<>();
    if (c.getValue("providers").valueType() == ConfigValueType.LIST) {
      raw.addAll(c.getStringList("providers"));
    } else {
      raw.addAll(List.of(c.getString("providers").split(",")));
    }
    Set<String> names = new LinkedHashSet<>();
    List<String> unknown = new ArrayList<>();
    for (String r : raw) {
      String name = r.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) continue;
      if (!KNOWN.contains(name)) unknown.add(r.trim());
      else if (!name.equals(FALLBACK)) names.add(name);
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("Unknown AI provider" + (unknown.size() > 1 ? "s " : " ") + unknown
          + " in linecommerce.conversation.providers (AI_PROVIDERS=" + String.join(",", raw)
          + "): known providers are " + String.join(", ", KNOWN));
    }
    if (names.isEmpty() && raw.stream().noneMatch(r -> r.trim().equalsIgnoreCase(FALLBACK))) {
      throw new IllegalArgumentException("No AI provider in linecommerce.conversation.providers (AI_PROVIDERS): "
          + "name at least one of " + String.join(", ", KNOWN) + ", e.g. AI_PROVIDERS=local");
    }
    return List.copyOf(names);
  }

  private static Breaker breaker(Config provider, Config defaults) {
    Config b = provider.withFallback(defaults);
    Duration reset = b.getDuration("reset-timeout");
    Duration maxReset = b.getDuration("max-reset-timeout");
    return new Breaker(
        timeout(provider, "timeout"),
        Math.max(1, b.getInt("max-failures")),
        reset,
        maxReset.compareTo(reset) < 0 ? reset : maxReset);
  }

  /** A duration; a bare number (OPENAI_TIMEOUT=45) is seconds, not Typesafe Config's milliseconds. */
  private static Duration timeout(Config c, String key) {
    Object raw = c.getValue(key).unwrapped();
    if (raw instanceof Number n) return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
    String s = raw.toString().trim();
    if (s.matches("\\d+(\\.\\d+)?")) return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
    return c.getDuration(key);
  }
}
