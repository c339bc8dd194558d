package org.linecommerce.conversation.internal.nlu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linecommerce.conversation.api.Intent;

/** A labelled utterance set ({lang, text, intent}) and how the analysis scores on it. */
record Utterances(List<Utterance> items) {

  record Utterance(String lang, String text, Intent intent) {}

  record Result(Utterance utterance, Analysis analysis) {
    boolean intentRight() {
      return analysis.intent() == utterance.intent();
    }

    boolean languageRight() {
      return analysis.language().equals(utterance.lang());
    }

    @Override
    public String toString() {
      return "[" + utterance.lang() + "] " + utterance.text() + " → expected " + utterance.intent().label() + "/"
          + utterance.lang() + ", got " + analysis.intent().label() + "/" + analysis.language() + " ("
          + analysis.confidence() + ")";
    }
  }

  static Utterances read(InputStream in) {
    try (in) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<Utterance> items = new ArrayList<>();
      for (JsonNode u : root.get("utterances")) {
        items.add(new Utterance(u.get("lang").asText(), u.get("text").asText(), Intent.of(u.get("intent").asText())));
      }
      return new Utterances(items);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Utterances resource(String name) {
    InputStream in = Utterances.class.getClassLoader().getResourceAsStream(name);
    assertThat(in).as(name).isNotNull();
    return read(in);
  }

  /**
   * The shared dev set: {@code shared/catalog/intents-dev.json} beside the repository when it is
   * there (found from the module directory), else the copy bundled with the tests
   * ({@code conversation/intents-dev.json}), as the catalog's tests do with their dev set.
   */
  static Utterances sharedDevSet() {
    Path dir = Path.of(System.getProperty("user.dir"));
    for (String candidate : List.of("../../shared/catalog/intents-dev.json", "../shared/catalog/intents-dev.json",
        "../../../shared/catalog/intents-dev.json")) {
      Path p = dir.resolve(candidate).normalize();
      if (Files.isRegularFile(p)) {
        try {
          return read(Files.newInputStream(p));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    InputStream bundled = Utterances.class.getResourceAsStream("/conversation/intents-dev.json");
    assertThat(bundled).as("intents-dev.json beside the repository or bundled with the tests").isNotNull();
    return read(bundled);
  }

  /** Every utterance analysed without a language hint. */
  List<Result> analyse(MessageAnalyzer analyzer) {
    List<Result> out = new ArrayList<>();
    for (Utterance u : items) out.add(new Result(u, analyzer.analyze(u.text(), null)));
    return out;
  }

  /** Intent accuracy per language, printed with the misses. */
  static Map<String, Double> report(String title, List<Result> results) {
    Map<String, Double> accuracy = new LinkedHashMap<>();
    for (String lang : List.of("en", "ja", "th")) {
      List<Result> of = results.stream().filter(r -> r.utterance().lang().equals(lang)).toList();
      if (of.isEmpty()) continue;
      long right = of.stream().filter(Result::intentRight).count();
      accuracy.put(lang, (double) right / of.size());
      System.out.printf("%s [%s]: intent %d/%d = %.1f%%%n", title, lang, right, of.size(), 100.0 * right / of.size());
    }
    results.stream().filter(r -> !r.intentRight() || !r.languageRight())
        .forEach(r -> System.out.println(title + " miss: " + r));
    return accuracy;
  }
}
