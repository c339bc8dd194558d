package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.runtime.MessageMeta;

/**
 * What a step's compensation is given. It has its own stable {@link #commandId()} (generated once
 * when the compensation starts, reused by every attempt and after a restart) and the
 * {@link #actionCommandId()} of the action it undoes, so a participant can find what to undo and
 * also refuse that action should it still arrive late.
 *
 * @param <D> the saga's input type
 */
public final class CompensationContext<D> {

  private final ActorSystem<?> system;
  private final ObjectMapper mapper;
  private final String sagaId;
  private final String step;
  private final String commandId;
  private final String actionCommandId;
  private final int attempt;
  private final Duration timeout;
  private final D input;
  private final Map<String, String> results;
  private final String failureReason;
  private final MessageMeta meta;

  CompensationContext(
      ActorSystem<?> system,
      ObjectMapper mapper,
      String sagaId,
      String step,
      String commandId,
      String actionCommandId,
      int attempt,
      Duration timeout,
      D input,
      Map<String, String> results,
      String failureReason,
      MessageMeta meta) {
    this.system = system;
    this.mapper = mapper;
    this.sagaId = sagaId;
    this.step = step;
    this.commandId = commandId;
    this.actionCommandId = actionCommandId;
    this.attempt = attempt;
    this.timeout = timeout;
    this.input = input;
    this.results = results;
    this.failureReason = failureReason;
    this.meta = meta;
  }

  public ActorSystem<?> system() {
    return system;
  }

  public String sagaId() {
    return sagaId;
  }

  /** The name of the step being compensated. */
  public String step() {
    return step;
  }

  /** This compensation's stable command id. */
  public String commandId() {
    return commandId;
  }

  /** The command id the step's action used. */
  public String actionCommandId() {
    return actionCommandId;
  }

  public int attempt() {
    return attempt;
  }

  /** How long this attempt may take (use it as the ask timeout). */
  public Duration timeout() {
    return timeout;
  }

  public D input() {
    return input;
  }

  /** Why the saga is compensating (the failed step and its reason). */
  public String failureReason() {
    return failureReason;
  }

  public MessageMeta meta() {
    return meta;
  }

  /**
   * The compensated step's own result; empty when its outcome is unknown (its last attempt timed
   * out, so the action may or may not have taken effect).
   */
  public Optional<JsonNode> actionResult() {
    return result(step);
  }

  /** The result of any step that succeeded. */
  public Optional<JsonNode> result(String stepName) {
    return Optional.ofNullable(results.get(stepName)).map(json -> StepContext.readTree(mapper, json));
  }

  public <T> Optional<T> result(String stepName, Class<T> type) {
    return result(stepName).map(node -> StepContext.convert(mapper, node, type));
  }
}
