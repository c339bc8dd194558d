package org.linecommerce.conversation.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.net.URL;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;

class ChainSettingsTest {

  /** This module's reference.conf with {@code env} as the environment its {@code ${?VAR}} read. */
  static Config withEnvironment(Map<String, String> env) throws Exception {
    URL ours = Collections.list(ChainSettingsTest.class.getClassLoader().getResources("reference.conf")).stream()
        .filter(u -> u.toString().contains("ai-conversation"))
        .findFirst().orElseThrow();
    return ConfigFactory.parseMap(env).withFallback(ConfigFactory.parseURL(ours))
        .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
  }

  @Test
  void theDefaultChainIsLocalThenFallback() throws Exception {
    ChainSettings s = ChainSettings.from(withEnvironment(Map.of()));

    assertThat(s.providers()).containsExactly("local");
    assertThat(s.local().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.openaiBreaker().timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.openaiBreaker().maxFailures()).isEqualTo(5);
    assertThat(s.openaiBreaker().resetTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.openai().completionsUrl()).isEqualTo("https://api.openai.com/v1/chat/completions");
  }

  @Test
  void aiProvidersIsACommaSeparatedListInOrder() throws Exception {
    ChainSettings s = ChainSettings.from(withEnvironment(Map.of("AI_PROVIDERS", " openai , local ")));

    assertThat(s.providers()).containsExactly("openai", "local");
  }

  @Test
  void fallbackIsNeverListedTwiceNorAProviderRepeated() throws Exception {
    ChainSettings s = ChainSettings.from(withEnvironment(Map.of("AI_PROVIDERS", "local,fallback,local")));

    assertThat(s.providers()).containsExactly("local");
  }

  @Test
  void vendorSettingsComeFromTheEnvironmentAndABaseWithATrailingSlashIsAccepted() throws Exception {
    ChainSettings s = ChainSettings.from(withEnvironment(Map.of(
        "OPENAI_BASE_URL", "http://127.0.0.1:11434/v1/",
        "OPENAI_API_KEY", "sk-secret",
        "OPENAI_MODEL", "qwen2.5:7b",
        "OPENAI_TIMEOUT", "45")));

    assertThat(s.openai().completionsUrl()).isEqualTo("http://127.0.0.1:11434/v1/chat/completions");
    assertThat(s.openai().model()).isEqualTo("qwen2.5:7b");
    assertThat(s.openai().hasKey()).isTrue();
    assertThat(s.openai().toString()).doesNotContain("sk-secret");
    assertThat(s.openaiBreaker().timeout()).as("a bare number is seconds").isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void anUnknownProviderNameFailsWithAClearMessage() {
    assertThatThrownBy(() -> ChainSettings.from(withEnvironment(Map.of("AI_PROVIDERS", "openai,gpt5"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unknown AI provider")
        .hasMessageContaining("gpt5")
        .hasMessageContaining("known providers are local, openai, fallback");
  }

  @Test
  void anEmptyProviderListFailsWithAClearMessage() {
    assertThatThrownBy(() -> ChainSettings.from(withEnvironment(Map.of("AI_PROVIDERS", " , "))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No AI provider");
  }

  @Test
  void aProvidersBlockOverridesTheSharedBreakerSettings() {
    Config c = ConfigFactory.parseString("""
        linecommerce.conversation.providers = [openai, local]
        linecommerce.conversation.openai { max-failures = 2, reset-timeout = 5s, max-reset-timeout = 1m, timeout = 3s }
        """).withFallback(ConfigFactory.load()).resolve();

    ChainSettings s = ChainSettings.from(c);

    assertThat(s.openaiBreaker()).isEqualTo(
        new ChainSettings.Breaker(Duration.ofSeconds(3), 2, Duration.ofSeconds(5), Duration.ofMinutes(1)));
    assertThat(s.openaiBreaker().exponentialBackoff()).isTrue();
    assertThat(s.local().maxFailures()).isEqualTo(5);
    assertThat(s.local().exponentialBackoff()).isFalse();
  }

  @Test
  void aNodeWithAnUnknownProviderRefusesToStartTheChain() {
    ActorTestKit kit = ActorTestKit.create("unknown-provider", ConfigFactory.parseString("""
        pekko.actor.provider = local
        linecommerce.conversation.providers = "local,llama"
        """).withFallback(ConfigFactory.load()));
    try {
      assertThatThrownBy(() -> ProviderChain.get(kit.system()))
          .hasMessageContaining("Unknown AI provider [llama]");
    } finally {
      kit.shutdownTestKit();
    }
  }
}
