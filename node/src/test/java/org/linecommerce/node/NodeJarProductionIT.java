package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.NodeProcess;

/**
 * The real jar with {@code APP_ENV=production} and nothing else set exits 1 at once, printing one
 * line that names every variable to set, and binds no port on the way.
 */
class NodeJarProductionIT {

  @Test
  void theJarInProductionWithoutConfigurationExitsOneNamingEveryVariableToSet() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("").toAbsolutePath().resolve("target"), "jar-production-");
    int management = org.linecommerce.testkit.TestNodeConfig.freePort();
    try (NodeProcess node = NodeProcess.start(dir, "production", Map.of(
        "APP_ENV", "production", "MANAGEMENT_PORT", String.valueOf(management), "NODE_PORT", "0", "HTTP_PORT", "0"),
        0, management)) {
      assertThat(node.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(node.process.exitValue()).isEqualTo(1);
      String refusal = node.output().lines().filter(l -> l.startsWith("node refuses to start")).findFirst().orElseThrow();
      assertThat(refusal).startsWith("node refuses to start (APP_ENV=production): ")
          .contains("DB_PROFILE is h2", "API_TOKEN", "ADMIN_TOKEN", "NODE_HOSTNAME", "LINE_CHANNEL_SECRET",
              "LINE_CHANNEL_ACCESS_TOKEN");
      assertThat(node.output()).doesNotContain("Remoting started", "Node pekko://");
      assertThat(Files.exists(dir.resolve("data"))).as("no database opened").isFalse();
    }
  }
}
