package org.linecommerce.runtime.entity;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.linecommerce.runtime.MessageMeta;

/**
 * The events one command decides, in order. Each event is applied to the state as it is added
 * (with the entity's own event handler), so a later decision of the same command sees the earlier
 * ones: a saga step that succeeds and the next step that starts, a product that expires overdue
 * reservations before it decides a reserve. {@link #persist()} then persists them all in one
 * effect (atomically, in one journal write), and the entity's event handler applies them once more
 * to the stored state, reaching the same {@link #state()}.
 *
 * <p>Metadata: every event gets its own {@link MessageMeta} from {@link #meta()}: caused by the
 * command's metadata ({@link MessageMeta#causes}) with {@code source} as its source; when the
 * command carried none (a timer, an internal message), each event is a root message, all events of
 * the transition sharing one new correlation id.
 *
 * <p>Not thread-safe; one transition lives inside one command handler call.
 *
 * @param <E> the entity's event type
 * @param <S> the entity's state type
 */
public final class Transition<E, S> {

  private final BiFunction<S, E, S> eventHandler;
  private final MessageMeta cause;
  private final String source;
  private final List<E> events = new ArrayList<>();
  private final S before;
  private S state;
  private String rootCorrelation;
  private String rootTraceparent;

  /**
   * @param state the entity's state before the command
   * @param eventHandler how an event changes the state (the entity's event handler; pure)
   * @param cause the command's metadata; null when it has none
   * @param source the source of the events' metadata (the entity's component)
   */
  public Transition(S state, BiFunction<S, E, S> eventHandler, MessageMeta cause, String source) {
    this.before = state;
    this.state = state;
    this.eventHandler = Objects.requireNonNull(eventHandler, "eventHandler");
    this.cause = cause;
    this.source = Objects.requireNonNull(source, "source");
  }

  /** Metadata for the next event: caused by the command, or a root message when it had no metadata. */
  public MessageMeta meta() {
    if (cause != null) return cause.causes(source);
    // one correlation and one trace for all events of the command
    MessageMeta root = MessageMeta.root(source, rootCorrelation, rootTraceparent);
    rootCorrelation = root.correlationId();
    rootTraceparent = root.traceparent();
    return root;
  }

  /** Adds {@code event} and applies it to {@link #state()}. */
  public void add(E event) {
    events.add(Objects.requireNonNull(event, "event"));
    state = eventHandler.apply(state, event);
  }

  /** The state before the command. */
  public S before() {
    return before;
  }

  /** The state with every event added so far applied. */
  public S state() {
    return state;
  }

  /** The events added so far, in order (a copy). */
  public List<E> events() {
    return List.copyOf(events);
  }

  public boolean isEmpty() {
    return events.isEmpty();
  }

  /** An effect persisting every event added, in order (nothing, when none was added). */
  public EffectBuilder<E, S> persist() {
    return new EffectFactories<E, S>().persist(List.copyOf(events));
  }
}
