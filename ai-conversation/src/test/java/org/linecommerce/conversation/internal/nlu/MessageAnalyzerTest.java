package org.linecommerce.conversation.internal.nlu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MessageAnalyzerTest {

  private static final List<String> MESSAGES = List.of("hi, do you have matcha?", "弁当箱を2つ注文したいです",
      "ครีมกันแดดยังมีของไหม", "where is my order?", "それはいくら？", "อันนี้ราคาเท่าไหร่", "the blue one",
      "very dissapointed", "ちゅうもんしたい", "เอาสามอันค่ะ", "matcha 50g pack of 10", "ขอคุยกับพนักงานหน่อย");

  @Test
  void analysesRunningOnManyThreadsAgreeWithSequentialOnes() throws Exception {
    MessageAnalyzer analyzer = new MessageAnalyzer();
    List<Analysis> expected = MESSAGES.stream().map(m -> analyzer.analyze(m, null)).toList();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<Analysis>>> futures = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        // each task uses its own analyzer instance too: the lexicons and chains are shared underneath
        MessageAnalyzer own = t % 2 == 0 ? analyzer : new MessageAnalyzer();
        futures.add(pool.submit(() -> {
          List<Analysis> out = new ArrayList<>();
          for (int round = 0; round < 20; round++) {
            out.clear();
            for (String m : MESSAGES) out.add(own.analyze(m, null));
          }
          return out;
        }));
      }
      for (Future<List<Analysis>> f : futures) assertThat(f.get()).isEqualTo(expected);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anAnalysisTakesWellUnderFiveMillisecondsOnceWarm() {
    MessageAnalyzer analyzer = new MessageAnalyzer();
    for (int i = 0; i < 300; i++) analyzer.analyze(MESSAGES.get(i % MESSAGES.size()), null);
    int runs = 3000;
    long start = System.nanoTime();
    for (int i = 0; i < runs; i++) analyzer.analyze(MESSAGES.get(i % MESSAGES.size()), null);
    double millis = (System.nanoTime() - start) / 1e6 / runs;
    System.out.printf("analysis: %.3f ms per message%n", millis);
    assertThat(millis).isLessThan(5.0);
  }

  @Test
  void theLongestAllowedMessageIsAnalysedQuickly() {
    MessageAnalyzer analyzer = new MessageAnalyzer();
    String thai = "ครีมกันแดดยังมีของไหมคะ".repeat(220).substring(0, 5000);
    String english = "do you have the blue bento box in stok please ".repeat(110).substring(0, 5000);
    String japanese = "日焼け止めの在庫はありますか".repeat(360).substring(0, 5000);
    analyzer.analyze(thai, null);
    long start = System.nanoTime();
    assertThat(analyzer.analyze(thai, null).language()).isEqualTo("th");
    assertThat(analyzer.analyze(english, null).language()).isEqualTo("en");
    assertThat(analyzer.analyze(japanese, null).language()).isEqualTo("ja");
    double millis = (System.nanoTime() - start) / 1e6;
    System.out.printf("three 5,000-character messages: %.1f ms%n", millis);
    assertThat(millis).isLessThan(1000);
  }

  @Test
  void emptyAndNullTextsAreAnalysedWithoutFailing() {
    MessageAnalyzer analyzer = new MessageAnalyzer();
    assertThat(analyzer.analyze("", "th").language()).isEqualTo("th");
    assertThat(analyzer.analyze(null, null).explicit()).isFalse();
    assertThat(analyzer.analyze("   ", "ja").productText()).isNull();
  }
}
