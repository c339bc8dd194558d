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
public final class CompensationContext<D> extends SagaContext<D> {

  private final String actionCommandId;
  private final String failureReason;

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
    super(system, mapper, sagaId, step, commandId, attempt, timeout, input, results, meta);
    this.actionCommandId = actionCommandId;
    this.failureReason = failureReason;
  }

  /** The command id the step's action used. */
  public String actionCommandId() {
    return actionCommandId;
  }

  /** Why the saga is compensating (the failed step and its reason). */
  public String failureReason() {
    return failureReason;
  }

  /**
   * The compensated step's own result; empty when the step itself failed for good (its attempts
   * may have taken effect in full, in part or not at all, so the compensation undoes whatever it
   * finds).
   */
  public Optional<JsonNode> actionResult() {
    return result(step());
  }
}
