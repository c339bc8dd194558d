package org.linecommerce.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CorrelationIdTest {

  @Test
  void saneIdsAreAccepted() {
    for (String id : new String[] {"abc", "order-42.retry:1", "A_b-c.d:e", "x".repeat(128),
        "6f1c2c1e-2b6e-4c0e-9a59-1d1f0f7f4b7e"}) {
      assertThat(CorrelationId.acceptOrGenerate(Optional.of(id))).isEqualTo(id);
    }
  }

  @Test
  void insaneIdsAreReplacedByAFreshUuid() {
    for (String id : new String[] {"", " ", "x".repeat(129), "a b", "<script>", "a\r\nX-Injected: 1",
        "naïve", "a/b", "a\"b", "${jndi:ldap://x}"}) {
      String chosen = CorrelationId.acceptOrGenerate(Optional.of(id));
      assertThat(chosen).isNotEqualTo(id).hasSize(36);
    }
  }

  @Test
  void aMissingIdIsGenerated() {
    assertThat(CorrelationId.acceptOrGenerate(Optional.empty()))
        .isNotEqualTo(CorrelationId.acceptOrGenerate(Optional.empty()))
        .hasSize(36);
  }
}
