package org.linecommerce.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * LINE's webhook payload fixtures: {@code shared/fixtures/line-webhook} beside the repository when
 * it is there (found from the module directory), else the copy bundled with the tests
 * ({@code line-webhook/}), since a clean clone has no {@code shared/}.
 */
public final class WebhookFixtures {

  private WebhookFixtures() {}

  /** The fixture folder in use. */
  public static Path folder() {
    Path dir = Path.of(System.getProperty("user.dir"));
    for (String candidate : List.of("../../shared/fixtures/line-webhook", "../shared/fixtures/line-webhook",
        "../../../shared/fixtures/line-webhook")) {
      Path p = dir.resolve(candidate).normalize();
      if (Files.isDirectory(p)) return p;
    }
    try {
      var bundled = WebhookFixtures.class.getResource("/line-webhook");
      if (bundled == null) throw new IllegalStateException("line-webhook fixtures neither beside the repository nor bundled");
      return Path.of(bundled.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every {@code .json} fixture, subfolders included, as paths relative to {@link #folder()}, sorted. */
  public static List<Path> all() {
    Path folder = folder();
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(p -> p.toString().endsWith(".json")).map(folder::relativize).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The exact bytes of a fixture ({@code name} relative to the folder). */
  public static byte[] bytes(String name) {
    try {
      return Files.readAllBytes(folder().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
