package org.linecommerce.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializers;

/**
 * Stored-payload fixtures (see {@code ProductEventCompatibilityTest}): a properties file on the
 * test classpath holding, per fact, the serializer id, the manifest and the base64 CBOR bytes as a
 * past version wrote them. Never edit a committed fixture; a new shape gets a new file.
 */
public final class CompatFixture {

  private CompatFixture() {}

  /** Reads {@code resource} and asserts that every payload deserializes to {@code expected}'s value. */
  public static void assertReadsAs(Serialization serialization, String resource, Map<String, ?> expected)
      throws IOException {
    Properties fixture = load(resource);
    assertThat(fixture.stringPropertyNames()).as("a stored payload for every fact of " + resource)
        .containsAll(expected.keySet().stream().map(k -> k + ".bytes").toList());
    for (var e : expected.entrySet()) {
      int serializerId = Integer.parseInt(fixture.getProperty(e.getKey() + ".serializer"));
      String manifest = fixture.getProperty(e.getKey() + ".manifest");
      byte[] bytes = Base64.getDecoder().decode(fixture.getProperty(e.getKey() + ".bytes"));
      Object read = serialization.deserialize(bytes, serializerId, manifest).get();
      assertThat(read).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  public static Properties load(String resource) throws IOException {
    Properties fixture = new Properties();
    try (InputStream in = CompatFixture.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource + " on the classpath").isNotNull();
      fixture.load(in);
    }
    return fixture;
  }

  /** Writes the fixture of {@code facts} to {@code path} when the test runs with {@code -Dcompat.write=<dir>}. */
  public static void writeIfAsked(Serialization serialization, String fileName, String header, Map<String, ?> facts)
      throws IOException {
    String dir = System.getProperty("compat.write");
    if (dir == null) return;
    StringBuilder out = new StringBuilder("# " + header + " Never edit; add a new file for a new version.\n");
    for (var e : facts.entrySet()) {
      var serializer = serialization.findSerializerFor(e.getValue());
      out.append(e.getKey()).append(".serializer=").append(serializer.identifier()).append('\n');
      out.append(e.getKey()).append(".manifest=").append(Serializers.manifestFor(serializer, e.getValue())).append('\n');
      out.append(e.getKey()).append(".bytes=")
          .append(Base64.getEncoder().encodeToString(serialization.serialize(e.getValue()).get())).append('\n');
    }
    Files.writeString(Path.of(dir).resolve(fileName), out.toString(), StandardCharsets.ISO_8859_1);
  }
}
