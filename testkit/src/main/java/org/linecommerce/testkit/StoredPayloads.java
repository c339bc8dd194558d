package org.linecommerce.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Stored-payload fixtures: events and snapshots in a journal outlive the code that wrote them, so
 * each persisted type has a committed copy of its bytes as an earlier version wrote them, and a
 * compatibility test reads them back with the current code.
 *
 * <p>The format: one {@code .properties} file per version of a set of facts, on the test classpath
 * (by convention {@code src/test/resources/compat/<name>-v<N>.properties}), opened by a comment
 * line saying what it holds and holding, for each fact under a key of the test's choosing:
 *
 * <pre>
 * &lt;key&gt;.serializer=&lt;Pekko serializer id, e.g. 33 for jackson-cbor&gt;
 * &lt;key&gt;.manifest=&lt;serializer manifest: the class name for Jackson&gt;
 * &lt;key&gt;.bytes=&lt;the serialized bytes, base64&gt;
 * </pre>
 *
 * <p>The rule: a committed fixture is never edited or regenerated, whatever the classes become;
 * a class keeps its serialized type name or gets a Jackson migration
 * ({@code pekko.serialization.jackson.migrations}), and the old file must keep reading as the same
 * facts. A new shape (a new event type, a changed snapshot) adds a new file, e.g.
 * {@code product-events-v2.properties}, next to the old ones.
 *
 * <p>Writing a new file: the test declares its facts and calls {@link #writeIfAsked(Serialization,
 * String, String, Map)} before reading them; running it with {@code -Dcompat.write=<directory>}
 * writes the file there (e.g. the module's {@code src/test/resources/compat}) only when it does not
 * exist yet, so a committed file is never rewritten. Without the property nothing is written.
 *
 * <p>Failures are reported as {@link AssertionError}s, so this class needs no assertion library.
 */
public final class StoredPayloads {

  /** The system property naming the directory new fixture files are written into. */
  public static final String WRITE_PROPERTY = "compat.write";

  private static final String RULE = "Never edit; add a new file for a new version.";

  private StoredPayloads() {}

  /** One stored payload: what Pekko's {@link Serialization} needs to read it back. */
  public record Payload(int serializerId, String manifest, byte[] bytes) {

    public Payload {
      Objects.requireNonNull(manifest, "manifest");
      Objects.requireNonNull(bytes, "bytes");
    }

    /** Deserializes these bytes with the serializer and manifest they were stored with. */
    public Object readWith(Serialization serialization) {
      return serialization.deserialize(bytes, serializerId, manifest).get();
    }
  }

  /**
   * Loads the fixture file {@code resource} from the classpath (an absolute resource name such as
   * {@code /compat/product-events-v1.properties}).
   *
   * @throws AssertionError when the file is not on the classpath
   */
  public static Properties load(String resource) {
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    InputStream found = loader == null ? null : loader.getResourceAsStream(name);
    if (found == null) found = StoredPayloads.class.getResourceAsStream("/" + name);
    if (found == null) throw new AssertionError("stored-payload fixture " + resource + " is not on the classpath");
    Properties fixture = new Properties();
    try (InputStream in = found) {
      fixture.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    return fixture;
  }

  /**
   * The payload stored under {@code key} in {@code fixture}.
   *
   * @throws AssertionError when one of its three entries is missing
   */
  public static Payload payload(Properties fixture, String key) {
    String serializer = fixture.getProperty(key + ".serializer");
    String manifest = fixture.getProperty(key + ".manifest");
    String bytes = fixture.getProperty(key + ".bytes");
    if (serializer == null || manifest == null || bytes == null) {
      throw new AssertionError("no stored payload for " + key + " (" + key + ".serializer, " + key + ".manifest and "
          + key + ".bytes expected; the fixture holds " + new TreeSet<>(fixture.stringPropertyNames()) + ")");
    }
    return new Payload(Integer.parseInt(serializer.trim()), manifest, Base64.getDecoder().decode(bytes.trim()));
  }

  /** Reads the payload stored under {@code key} through {@code serialization}. */
  public static Object read(Serialization serialization, Properties fixture, String key) {
    return payload(fixture, key).readWith(serialization);
  }

  /**
   * Reads the payloads that the fixture file {@code resource} stores under each of {@code keys}, in
   * that order.
   *
   * @throws AssertionError when the file is not on the classpath or a key has no stored payload
   */
  public static Map<String, Object> readAll(Serialization serialization, String resource, Collection<String> keys) {
    Properties fixture = load(resource);
    List<String> missing = keys.stream()
        .filter(k -> Stream.of(".serializer", ".manifest", ".bytes").anyMatch(s -> fixture.getProperty(k + s) == null))
        .toList();
    if (!missing.isEmpty()) {
      throw new AssertionError(resource + ": no stored payload for " + missing + " (the file holds "
          + new TreeSet<>(fixture.stringPropertyNames()) + ")");
    }
    Map<String, Object> read = new LinkedHashMap<>();
    for (String key : keys) read.put(key, read(serialization, fixture, key));
    return read;
  }

  /**
   * Asserts that {@code resource} holds a payload for every key of {@code expected} and that each
   * reads, with the current code, as an object equal to the fact under that key.
   *
   * @throws AssertionError naming the resource, the key, the expected and the read fact
   */
  public static void assertReadsAs(Serialization serialization, String resource, Map<String, ?> expected) {
    Map<String, Object> read = readAll(serialization, resource, expected.keySet());
    for (var e : expected.entrySet()) {
      Object actual = read.get(e.getKey());
      if (!Objects.equals(actual, e.getValue())) {
        throw new AssertionError(resource + ": the payload " + e.getKey() + " no longer reads as the stored fact"
            + "\nexpected: " + e.getValue() + "\nread:     " + actual);
      }
    }
  }

  /**
   * Writes the fixture of {@code facts} (serialized by the current code) as {@code fileName} into
   * the directory named by {@code -Dcompat.write}, unless that property is unset or the file exists
   * there already.
   *
   * @param header what the file holds, e.g. "Product events as version 1 serialized them"
   * @return whether a file was written
   */
  public static boolean writeIfAsked(Serialization serialization, String fileName, String header, Map<String, ?> facts) {
    if (System.getProperty(WRITE_PROPERTY) == null) return false;
    Map<String, String> properties = new LinkedHashMap<>();
    for (var e : facts.entrySet()) {
      Object fact = e.getValue();
      Serializer serializer = serialization.findSerializerFor(fact);
      properties.put(e.getKey() + ".serializer", Integer.toString(serializer.identifier()));
      properties.put(e.getKey() + ".manifest", Serializers.manifestFor(serializer, fact));
      properties.put(e.getKey() + ".bytes", Base64.getEncoder().encodeToString(serialization.serialize(fact).get()));
    }
    return writeIfAsked(fileName, header + " (CBOR, base64)", properties);
  }

  /**
   * Writes a fixture of other stored values (e.g. JSON kept in a table) as {@code fileName} into
   * the directory named by {@code -Dcompat.write}, under the same rule as the payload fixtures:
   * nothing without the property, and never over an existing file. Read it back with
   * {@link #load(String)}.
   *
   * @return whether a file was written
   */
  public static boolean writeIfAsked(String fileName, String header, Map<String, String> properties) {
    String dir = System.getProperty(WRITE_PROPERTY);
    if (dir == null) return false;
    Path path = Path.of(dir).resolve(fileName);
    if (Files.exists(path)) return false;
    StringBuilder out = new StringBuilder("# ").append(header).append(". ").append(RULE).append('\n');
    properties.forEach((k, v) -> out.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
    try {
      Files.createDirectories(path.getParent());
      Files.writeString(path, out.toString(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
    return true;
  }

  /** Escapes {@code s} as {@link Properties#load(InputStream)} reads it back (plain ASCII stays as is). */
  private static String escape(String s, boolean key) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        out.append("\\\\");
      } else if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else if ((c == ' ' && (key || i == 0)) || (key && (c == '=' || c == ':' || c == '#' || c == '!'))) {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
