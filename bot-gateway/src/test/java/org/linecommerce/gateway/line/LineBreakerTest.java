package org.linecommerce.gateway.line;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.runtime.health.HealthRoutes;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.NodeTestKit;

/** LINE failing repeatedly opens the one breaker: calls stop reaching LINE and /health shows it. */
class LineBreakerTest {

  static final FakeLinePlatform LINE = new FakeLinePlatform();

  @RegisterExtension
  static final NodeTestKit kit = NodeTestKit.h2().withConfig(LINE.nodeConfig()
      + "linecommerce.resilience.breaker { max-failures = 2, reset-timeout = 60s }\n");

  @AfterAll
  static void close() {
    LINE.close();
  }

  @Test
  void repeatedServerErrorsOpenTheBreakerSoLaterCallsFailFastAndHealthIsDegraded() throws Exception {
    LineMessaging line = LineChannel.get(kit.system()).messaging();
    List<String> hi = List.of("{\"type\":\"text\",\"text\":\"hi\"}");
    LINE.failApiCalls(2, 503);
    for (int i = 0; i < 2; i++) {
      assertThat(line.push("Ubreaker", hi, UUID.randomUUID(), null).toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isInstanceOf(LineResult.Unavailable.class);
    }
    LineResult fast = line.push("Ubreaker", hi, UUID.randomUUID(), null).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(fast).isEqualTo(new LineResult.Unavailable("circuit open"));
    assertThat(LINE.calls(FakeLinePlatform.PUSH_PATH)).isEqualTo(2);
    var report = new HealthRoutes(kit.system()).report().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(String.valueOf(report)).contains("breaker=open");
  }
}
