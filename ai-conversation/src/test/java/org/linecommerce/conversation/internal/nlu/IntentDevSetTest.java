package org.linecommerce.conversation.internal.nlu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IntentDevSetTest {

  private final MessageAnalyzer analyzer = new MessageAnalyzer();

  @Test
  void everyUtteranceOfTheSharedDevSetGetsItsIntentAndLanguage() {
    Utterances dev = Utterances.sharedDevSet();
    List<Utterances.Result> results = dev.analyse(analyzer);
    Utterances.report("dev set", results);

    assertThat(results).isNotEmpty();
    assertThat(results).filteredOn(r -> !r.intentRight()).as("intent misses").isEmpty();
    assertThat(results).filteredOn(r -> !r.languageRight()).as("language misses").isEmpty();
  }
}
