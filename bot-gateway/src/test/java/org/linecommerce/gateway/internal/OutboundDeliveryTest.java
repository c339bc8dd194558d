package org.linecommerce.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.linecommerce.gateway.api.OutboundEvent;
import org.linecommerce.gateway.api.OutboundRequest;

/** The dispatcher's state without actors: when the reply token may be used, batches, keys. */
class OutboundDeliveryTest {

  static final String HI = "{\"type\":\"text\",\"text\":\"hi\"}";
  static final Duration WINDOW = Duration.ofSeconds(50);
  final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  OutboundDelivery accepted(List<String> messages, String token, Instant eventTime) {
    return OutboundDelivery.empty().apply(new OutboundEvent.Accepted("o", new OutboundRequest("o", "U1", messages, token, eventTime, null), now));
  }

  @Test
  void theReplyTokenIsUsedOnlyWithinTheWindowAndOnlyOnce() {
    var fresh = accepted(List.of(HI), "t", now.minusSeconds(10));
    assertThat(fresh.replyNow(now, WINDOW)).isTrue();
    assertThat(fresh.apply(new OutboundEvent.ReplyAttempted("o", now)).replyNow(now, WINDOW)).isFalse();
    assertThat(accepted(List.of(HI), "t", now.minusSeconds(51)).replyNow(now, WINDOW)).isFalse();
    assertThat(accepted(List.of(HI), null, now).replyNow(now, WINDOW)).isFalse();
  }

  @Test
  void moreThanFiveMessagesArePushedInBatchesNeverReplied() {
    var many = accepted(Collections.nCopies(11, HI), "t", now);
    assertThat(many.batches()).extracting(List::size).containsExactly(5, 5, 1);
    assertThat(many.replyNow(now, WINDOW)).isFalse();
  }

  @Test
  void aBatchKeepsItsRetryKeyAndTheDeliveryEndsAfterTheLastBatch() {
    UUID k0 = UUID.randomUUID();
    var s = accepted(Collections.nCopies(6, HI), null, null).apply(new OutboundEvent.PushKeyAssigned("o", 0, k0));
    assertThat(s.retryKey(0)).isEqualTo(k0);
    assertThat(s.retryKey(1)).isNull();
    s = s.apply(new OutboundEvent.BatchDelivered("o", 0, "push", "r0"));
    assertThat(s.pending()).isTrue();
    s = s.apply(new OutboundEvent.BatchDelivered("o", 1, "push", "r1"));
    assertThat(s.status("o").status()).isEqualTo("delivered");
  }

  @Test
  void quotaFailureIsItsOwnStatus() {
    var s = accepted(List.of(HI), null, null).apply(new OutboundEvent.DeliveryFailed("o", "quota", true));
    assertThat(s.status("o").status()).isEqualTo("failed-quota");
    assertThat(s.pending()).isFalse();
  }

  @Test
  void aTextOverLinesLimitIsUnusable() {
    var tooLong = new OutboundRequest("o", "U1", List.of("{\"type\":\"text\",\"text\":\"" + "x".repeat(5001) + "\"}"), null, null, null);
    assertThat(OutboundDelivery.unusable(tooLong, 5000)).contains("5000");
    assertThat(OutboundDelivery.unusable(new OutboundRequest("o", "U1", List.of(HI), null, null, null), 5000)).isNull();
  }
}
