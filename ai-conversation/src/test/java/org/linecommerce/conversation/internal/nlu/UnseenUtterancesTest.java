package org.linecommerce.conversation.internal.nlu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.linecommerce.conversation.api.Intent;

/**
 * A held-out set written before the lexicons were tuned (slang, typos, emoji, polite and casual forms, Thai
 * particles, Japanese without particles, mixed script): the analysis generalises beyond the dev set.
 */
class UnseenUtterancesTest {

  private final MessageAnalyzer analyzer = new MessageAnalyzer();

  @Test
  void heldOutUtterancesReachNinetyPercentIntentAccuracyPerLanguageAndAllTheirLanguages() {
    Utterances unseen = Utterances.resource("nlu/unseen-utterances.json");
    List<Utterances.Result> results = unseen.analyse(analyzer);
    Map<String, Double> accuracy = Utterances.report("unseen", results);

    assertThat(accuracy).containsOnlyKeys("en", "ja", "th");
    accuracy.forEach((lang, acc) -> assertThat(acc).as("intent accuracy of " + lang).isGreaterThanOrEqualTo(0.9));
    assertThat(results).filteredOn(r -> !r.languageRight()).as("language misses").isEmpty();
  }

  @Test
  void aSecondBlindSetNeverUsedForTuningStaysAboveEightyPercentPerLanguage() {
    Utterances blind = Utterances.resource("nlu/blind-utterances.json");
    List<Utterances.Result> results = blind.analyse(analyzer);
    Map<String, Double> accuracy = Utterances.report("blind", results);

    accuracy.forEach((lang, acc) -> assertThat(acc).as("intent accuracy of " + lang).isGreaterThanOrEqualTo(0.8));
    assertThat(results).filteredOn(r -> !r.languageRight()).as("language misses").isEmpty();
  }

  @Test
  void theHeldOutSetIsLargeAndCoversEveryIntentInEveryLanguage() {
    Utterances unseen = Utterances.resource("nlu/unseen-utterances.json");
    for (String lang : List.of("en", "ja", "th")) {
      List<Utterances.Utterance> of = unseen.items().stream().filter(u -> u.lang().equals(lang)).toList();
      Set<Intent> intents = of.stream().map(Utterances.Utterance::intent).collect(Collectors.toSet());
      assertThat(of).as(lang).hasSizeGreaterThanOrEqualTo(40);
      assertThat(intents).as(lang).containsExactlyInAnyOrder(Intent.values());
    }
  }
}
