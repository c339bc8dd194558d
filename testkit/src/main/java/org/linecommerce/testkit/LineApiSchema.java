package org.linecommerce.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates request bodies against LINE's official OpenAPI definition of the Messaging API
 * ({@code line-openapi/messaging-api.yml} on the classpath, see its README.txt), so tests prove
 * that what the gateway sends is what LINE accepts, not what we believe LINE accepts.
 *
 * <p>The model: {@code components.schemas} of the OpenAPI 3.0 document is translated once into a
 * JSON Schema (draft 2020-12) document whose {@code $defs} hold one schema per component, and
 * validated with networknt's json-schema-validator. Two things of OpenAPI 3.0 are not JSON Schema
 * and are translated here:
 *
 * <ul>
 *   <li><b>Discriminators.</b> A schema with {@code discriminator: {propertyName, mapping}} (Message,
 *       Action, Template, FlexContainer, FlexComponent, ...) is split in two: {@code X__base}, the
 *       schema as written (what subtypes inherit through {@code allOf: [$ref X]}), and {@code X}, the
 *       schema that other schemas refer to, which requires the property, restricts it to the
 *       mapping's keys and, for each key, says {@code if property == key then $ref Subtype}. A
 *       {@code $ref} inside an {@code allOf} is inheritance and points at the base; any other
 *       {@code $ref} points at the dispatching schema. Without the split, a subtype would refer
 *       back to its own dispatcher and the inheritance would be a cycle; without the dispatch, an
 *       unknown {@code type} or a text message without {@code text} would pass as a plain Message.
 *   <li><b>{@code nullable: true}</b> becomes {@code type: [T, "null"]}.
 * </ul>
 *
 * <p>Everything else (required, enum, maxItems, maxLength, minimum, pattern, format, ...) is JSON
 * Schema already. Note that JSON Schema's maxLength counts code points while LINE counts UTF-16
 * units for texts; and several LINE limits (5,000-unit text, 50 KB carousel) are not in the
 * definition at all: check those separately.
 *
 * <p>Thread-safe; compiled schemas are cached per component name.
 */
public final class LineApiSchema {

  /** Classpath location of the bundled Messaging API definition. */
  public static final String MESSAGING_API_RESOURCE = "/line-openapi/messaging-api.yml";

  private static final String SCHEMA_REF_PREFIX = "#/components/schemas/";
  private static final String DEFS_PREFIX = "#/$defs/";
  private static final String BASE_SUFFIX = "__base";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static volatile LineApiSchema messagingApi;

  private final ObjectNode defs;
  private final Set<String> componentNames;
  // OpenAPI's formats (uri, date-time, ...) are assertions, as LINE treats them; 2020-12 would
  // only annotate them by default. Unknown ones (int32, int64) stay annotations.
  private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
      SpecificationVersion.DRAFT_2020_12,
      builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
  private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

  private LineApiSchema(JsonNode openApi) {
    JsonNode schemas = openApi.at("/components/schemas");
    if (!schemas.isObject()) {
      throw new IllegalArgumentException("no components.schemas in the OpenAPI document");
    }
    this.componentNames = new TreeSet<>();
    schemas.fieldNames().forEachRemaining(componentNames::add);
    this.defs = translate((ObjectNode) schemas);
  }

  /** The Messaging API definition bundled in testkit (loaded once). */
  public static LineApiSchema messagingApi() {
    LineApiSchema loaded = messagingApi;
    if (loaded == null) {
      synchronized (LineApiSchema.class) {
        if (messagingApi == null) {
          messagingApi = fromYaml(MESSAGING_API_RESOURCE);
        }
        loaded = messagingApi;
      }
    }
    return loaded;
  }

  /** An OpenAPI 3.0 document in YAML from the classpath. */
  public static LineApiSchema fromYaml(String classpathResource) {
    try (InputStream in = LineApiSchema.class.getResourceAsStream(classpathResource)) {
      if (in == null) {
        throw new IllegalArgumentException("not on the classpath: " + classpathResource);
      }
      return new LineApiSchema(new ObjectMapper(new YAMLFactory()).readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Shortcut: {@code messagingApi().violations(schemaName, json)}. */
  public static List<String> violationsOf(String schemaName, String json) {
    return messagingApi().violations(schemaName, json);
  }

  /** Shortcut: {@code messagingApi().assertValid(schemaName, json)}. */
  public static void assertValidBody(String schemaName, String json) {
    messagingApi().assertValid(schemaName, json);
  }

  /** Names of the definition's {@code components.schemas}. */
  public Set<String> schemaNames() {
    return componentNames;
  }

  /**
   * What is wrong with {@code json} as an instance of the component schema {@code schemaName}
   * (e.g. "ReplyMessageRequest"): one line per violation, each naming the JSON location; empty
   * when valid. Text that is not JSON is one violation, not an exception.
   *
   * @throws IllegalArgumentException when the definition has no such schema
   */
  public List<String> violations(String schemaName, String json) {
    JsonNode body;
    try {
      body = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return List.of("$: not JSON: " + e.getOriginalMessage());
    }
    if (body == null || body.isMissingNode()) {
      return List.of("$: empty body");
    }
    return violations(schemaName, body);
  }

  /** As {@link #violations(String, String)} for an already parsed body. */
  public List<String> violations(String schemaName, JsonNode body) {
    List<String> found = new ArrayList<>();
    for (Error error : schemaFor(schemaName).validate(body)) {
      found.add(describe(error));
    }
    return List.copyOf(new LinkedHashSet<>(found));
  }

  /** Fails with every violation listed when {@code json} is not a valid {@code schemaName}. */
  public void assertValid(String schemaName, String json) {
    List<String> found = violations(schemaName, json);
    if (!found.isEmpty()) {
      throw new AssertionError(
          "not a valid LINE " + schemaName + ":\n  " + String.join("\n  ", found) + "\nbody: " + abbreviate(json));
    }
  }

  /** The translated JSON Schema document for {@code schemaName} (for diagnostics). */
  public ObjectNode jsonSchemaFor(String schemaName) {
    if (!componentNames.contains(schemaName)) {
      throw new IllegalArgumentException(
          "LINE's messaging-api.yml has no components.schemas." + schemaName);
    }
    ObjectNode root = NODES.objectNode();
    root.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
    root.set("$defs", defs);
    root.put("$ref", DEFS_PREFIX + schemaName);
    return root;
  }

  private Schema schemaFor(String schemaName) {
    return compiled.computeIfAbsent(schemaName, name -> registry.getSchema(jsonSchemaFor(name)));
  }

  private static String describe(Error error) {
    String location = String.valueOf(error.getInstanceLocation());
    String message = error.getMessage();
    // the library's message usually starts with the location already
    return message.startsWith(location) ? message : location + ": " + message;
  }

  private static String abbreviate(String json) {
    return json.length() <= 2_000 ? json : json.substring(0, 2_000) + "…";
  }

  // ---- OpenAPI 3.0 components.schemas → JSON Schema 2020-12 $defs ----

  private static ObjectNode translate(ObjectNode schemas) {
    Set<String> discriminated = new TreeSet<>();
    schemas.fields().forEachRemaining(e -> {
      if (e.getValue().has("discriminator")) {
        discriminated.add(e.getKey());
      }
    });
    ObjectNode defs = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = schemas.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String name = entry.getKey();
      JsonNode schema = entry.getValue();
      if (discriminated.contains(name)) {
        defs.set(name + BASE_SUFFIX, translateSchema(schema, false, discriminated));
        defs.set(name, dispatcher(name, schema.get("discriminator"), discriminated));
      } else {
        defs.set(name, translateSchema(schema, false, discriminated));
      }
    }
    return defs;
  }

  /** {@code X}: the base plus "the property's value selects the subtype through the mapping". */
  private static ObjectNode dispatcher(String name, JsonNode discriminator, Set<String> discriminated) {
    String property = discriminator.path("propertyName").asText();
    JsonNode mapping = discriminator.path("mapping");
    ObjectNode dispatch = NODES.objectNode();
    dispatch.put("$ref", DEFS_PREFIX + name + BASE_SUFFIX);
    dispatch.putArray("required").add(property);
    if (mapping.isObject() && mapping.size() > 0) {
      ArrayNode known = dispatch.putObject("properties").putObject(property).putArray("enum");
      ArrayNode cases = dispatch.putArray("allOf");
      mapping.fields().forEachRemaining(e -> {
        known.add(e.getKey());
        ObjectNode when = NODES.objectNode();
        when.putObject("properties").putObject(property).put("const", e.getKey());
        when.putArray("required").add(property);
        ObjectNode oneCase = cases.addObject();
        oneCase.set("if", when);
        oneCase.putObject("then").put("$ref", reference(e.getValue().asText(), false, discriminated));
      });
    }
    // Without a mapping OpenAPI selects by schema name; LINE's definition always maps, so the
    // base alone is the honest fallback.
    return dispatch;
  }

  private static JsonNode translateSchema(JsonNode node, boolean inheritance, Set<String> discriminated) {
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode();
      node.forEach(item -> out.add(translateSchema(item, inheritance, discriminated)));
      return out;
    }
    if (!node.isObject()) {
      return node.deepCopy();
    }
    ObjectNode out = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      switch (key) {
        case "$ref" -> out.put("$ref", reference(value.asText(), inheritance, discriminated));
        case "discriminator", "example", "externalDocs", "nullable", "xml", "readOnly", "writeOnly" -> {
          // OpenAPI-only keywords: dispatch is built separately, nullable below, the rest is documentation
        }
        case "properties" -> {
          ObjectNode properties = out.putObject("properties");
          value.fields().forEachRemaining(p ->
              properties.set(p.getKey(), translateSchema(p.getValue(), false, discriminated)));
        }
        case "allOf" -> out.set("allOf", translateSchema(value, true, discriminated));
        case "enum", "required", "default", "description" -> out.set(key, value.deepCopy());
        default -> {
          if (!key.startsWith("x-")) {
            out.set(key, translateSchema(value, false, discriminated));
          }
        }
      }
    }
    if (node.path("nullable").asBoolean(false)) {
      if (out.get("type") instanceof com.fasterxml.jackson.databind.node.TextNode type) {
        ArrayNode types = out.putArray("type");
        types.add(type.asText());
        types.add("null");
      }
      if (out.get("enum") instanceof ArrayNode values) {
        values.addNull();
      }
    }
    return out;
  }

  private static String reference(String ref, boolean inheritance, Set<String> discriminated) {
    if (!ref.startsWith(SCHEMA_REF_PREFIX)) {
      throw new IllegalArgumentException("only local component references are supported: " + ref);
    }
    String target = ref.substring(SCHEMA_REF_PREFIX.length());
    boolean base = inheritance && discriminated.contains(target);
    return DEFS_PREFIX + target + (base ? BASE_SUFFIX : "");
  }
}
