package org.linecommerce.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {

  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void aVersion00TraceparentIsAcceptedAsIs() {
    assertThat(TraceContext.parse(VALID)).hasValue(VALID);
    assertThat(TraceContext.parse("  " + VALID + " ")).hasValue(VALID);
  }

  @Test
  void aLaterVersionIsKeptByItsFirstFourFieldsAsVersion00() {
    assertThat(TraceContext.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next"))
        .hasValue(VALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "garbage",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // uppercase
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // zero parent id
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // forbidden version
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // 00 has four fields
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01" // short trace id
  })
  void malformedTraceparentsAreRefused(String header) {
    assertThat(TraceContext.parse(header)).isEmpty();
  }

  @Test
  void anAbsentOrInvalidTraceparentStartsANewValidTrace() {
    String fresh = TraceContext.acceptOrGenerate(Optional.empty());
    assertThat(TraceContext.parse(fresh)).hasValue(fresh);
    String replaced = TraceContext.acceptOrGenerate(Optional.of("garbage"));
    assertThat(TraceContext.parse(replaced)).hasValue(replaced);
    assertThat(TraceContext.acceptOrGenerate(Optional.of(VALID))).isEqualTo(VALID);
  }
}
