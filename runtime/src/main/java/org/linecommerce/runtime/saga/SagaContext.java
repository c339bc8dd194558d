package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.runtime.MessageMeta;

/**
 * What every piece of a saga's work is given: the saga, the step, a stable command id (generated
 * once and stored in the journal, so every attempt and every re-run after a restart sends the same
 * id), the attempt, its timeout, the saga's input and the results of the steps that succeeded.
 * {@link StepContext} is given to actions, {@link CompensationContext} to compensations.
 *
 * @param <D> the saga's input type
 */
public abstract class SagaContext<D> {

  private final ActorSystem<?> system;
  private final ObjectMapper mapper;
  private final String sagaId;
  private final String step;
  private final String commandId;
  private final int attempt;
  private final Duration timeout;
  private final D input;
  private final Map<String, String> results;
  private final MessageMeta meta;

  SagaContext(
      ActorSystem<?> system,
      ObjectMapper mapper,
      String sagaId,
      String step,
      String commandId,
      int attempt,
      Duration timeout,
      D input,
      Map<String, String> results,
      MessageMeta meta) {
    this.system = system;
    this.mapper = mapper;
    this.sagaId = sagaId;
    this.step = step;
    this.commandId = commandId;
    this.attempt = attempt;
    this.timeout = timeout;
    this.input = input;
    this.results = results;
    this.meta = meta;
  }

  public ActorSystem<?> system() {
    return system;
  }

  public String sagaId() {
    return sagaId;
  }

  /** The name of the step (being run, or being compensated). */
  public String step() {
    return step;
  }

  /** This work's stable command id: the same for every attempt and after a restart. */
  public String commandId() {
    return commandId;
  }

  /** 1 for the first attempt. */
  public int attempt() {
    return attempt;
  }

  /** How long this attempt may take before it counts as failed (use it as the ask timeout). */
  public Duration timeout() {
    return timeout;
  }

  /** The saga's input data. */
  public D input() {
    return input;
  }

  /** Metadata for commands this work sends: the saga's correlation id and trace, caused by the saga. */
  public MessageMeta meta() {
    return meta;
  }

  /** The result of a step that succeeded, as JSON; empty otherwise. */
  public Optional<JsonNode> result(String stepName) {
    return Optional.ofNullable(results.get(stepName)).map(json -> readTree(mapper, json));
  }

  /** The result of a step that succeeded converted to {@code type}; empty otherwise. */
  public <T> Optional<T> result(String stepName, Class<T> type) {
    return result(stepName).map(node -> convert(mapper, node, type));
  }

  static JsonNode readTree(ObjectMapper mapper, String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored saga JSON is unreadable: " + e.getOriginalMessage(), e);
    }
  }

  static <T> T convert(ObjectMapper mapper, JsonNode node, Class<T> type) {
    try {
      return mapper.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }
}
