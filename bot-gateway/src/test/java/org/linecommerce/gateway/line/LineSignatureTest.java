package org.linecommerce.gateway.line;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The signature against the vectors of LINE's Java and Python SDKs (fixtures README). */
class LineSignatureTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void javaSdkVectorIsValidAndItsWrongSignatureIsNot() {
    LineSignature signature = new LineSignature("SECRET");
    assertThat(signature.sign(utf8("{}"))).isEqualTo("3q8QXTAGaey18yL8FWTqdVlbMr6hcuNvM4tefa0o9nA=");
    assertThat(signature.verify(utf8("{}"), "3q8QXTAGaey18yL8FWTqdVlbMr6hcuNvM4tefa0o9nA=")).isTrue();
    assertThat(signature.verify(utf8("{}"), "596359635963")).isFalse();
  }

  @Test
  void pythonSdkVectorIsValidAndItsWrongSignatureIsNot() {
    LineSignature signature = new LineSignature("channel_secret");
    assertThat(signature.verify(utf8("bodybodybodybody"), "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=")).isTrue();
    assertThat(signature.verify(utf8("bodybodybodybody"), "invalid_signature")).isFalse();
  }

  @Test
  void missingBlankMalformedOrOtherBodysSignaturesAreInvalid() {
    LineSignature signature = new LineSignature("SECRET");
    assertThat(signature.verify(utf8("{}"), null)).isFalse();
    assertThat(signature.verify(utf8("{}"), " ")).isFalse();
    assertThat(signature.verify(utf8("{}"), "%%%not-base64%%%")).isFalse();
    assertThat(signature.verify(utf8("{} "), "3q8QXTAGaey18yL8FWTqdVlbMr6hcuNvM4tefa0o9nA=")).isFalse();
    assertThat(new LineSignature("OTHER").verify(utf8("{}"), "3q8QXTAGaey18yL8FWTqdVlbMr6hcuNvM4tefa0o9nA=")).isFalse();
  }

  @Test
  void unsetSecretUsesTheDocumentedDevSecret() {
    LineSignature unset = new LineSignature("");
    assertThat(unset.devSecretInUse()).isTrue();
    assertThat(unset.sign(utf8("{}"))).isEqualTo(LineSignature.sign(LineSignature.DEV_SECRET, utf8("{}")));
    assertThat(new LineSignature("real").devSecretInUse()).isFalse();
  }
}
