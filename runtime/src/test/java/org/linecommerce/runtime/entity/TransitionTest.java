package org.linecommerce.runtime.entity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.MessageMeta;

class TransitionTest {

  private static final MessageMeta CAUSE = MessageMeta.root("test", "corr-1");

  @Test
  void eachEventIsAppliedAsItIsAddedSoLaterDecisionsSeeIt() {
    Tally.State before = new Tally.State(8, 0, false);
    Transition<Tally.Event, Tally.State> t = new Transition<>(before, Tally.State::apply, CAUSE, "tally");
    assertThat(t.isEmpty()).isTrue();

    t.add(new Tally.Added(5, t.meta()));
    assertThat(t.state().count()).isEqualTo(13);
    t.add(new Tally.MilestonePassed(10, t.meta()));

    assertThat(t.state()).isEqualTo(new Tally.State(13, 1, false));
    assertThat(t.before()).isSameAs(before);
    assertThat(t.events()).extracting(e -> e.getClass().getSimpleName()).containsExactly("Added", "MilestonePassed");
    assertThat(t.isEmpty()).isFalse();
  }

  @Test
  void eventsAreCausedByTheCommandsMetadata() {
    Transition<Tally.Event, Tally.State> t = new Transition<>(new Tally.State(0, 0, false), Tally.State::apply, CAUSE, "tally");
    MessageMeta first = t.meta();
    MessageMeta second = t.meta();
    for (MessageMeta m : new MessageMeta[] {first, second}) {
      assertThat(m.causationId()).isEqualTo(CAUSE.messageId());
      assertThat(m.correlationId()).isEqualTo("corr-1");
      assertThat(m.traceparent()).isEqualTo(CAUSE.traceparent());
      assertThat(m.source()).isEqualTo("tally");
    }
    assertThat(first.messageId()).isNotEqualTo(second.messageId());
  }

  @Test
  void withoutACauseEveryEventIsARootSharingOneCorrelationIdAndOneTrace() {
    Transition<Tally.Event, Tally.State> t = new Transition<>(new Tally.State(0, 0, false), Tally.State::apply, null, "tally");
    MessageMeta first = t.meta();
    MessageMeta second = t.meta();
    assertThat(first.causationId()).isNull();
    assertThat(second.causationId()).isNull();
    assertThat(first.source()).isEqualTo("tally");
    assertThat(second.correlationId()).isEqualTo(first.correlationId());
    assertThat(second.traceparent()).isEqualTo(first.traceparent());
    assertThat(second.messageId()).isNotEqualTo(first.messageId());

    MessageMeta otherCommand = new Transition<>(new Tally.State(0, 0, false), Tally.State::apply, null, "tally").meta();
    assertThat(otherCommand.correlationId()).isNotEqualTo(first.correlationId());
    assertThat(otherCommand.traceparent()).isNotEqualTo(first.traceparent());
  }
}
