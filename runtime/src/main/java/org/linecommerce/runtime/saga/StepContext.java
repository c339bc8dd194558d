package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.runtime.MessageMeta;

/**
 * What a step's action (and its signal handler and deadline) is given. {@link #commandId()} is
 * generated once when the step starts and stored in the journal: every attempt and every re-run
 * after a restart sends the same id, so a participant that dedupes by it applies the effect once.
 *
 * @param <D> the saga's input type
 */
public final class StepContext<D> extends SagaContext<D> {

  StepContext(
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
    super(system, mapper, sagaId, step, commandId, attempt, timeout, input, results, meta);
  }
}
