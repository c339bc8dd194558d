package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;
import org.linecommerce.testkit.TestNodeConfig;

/** {@code bin/cluster-state.sh} reads a real node's {@code /cluster/members} and prints every member. */
class ClusterStateScriptTest {

  private static final Path SCRIPT = Path.of("").toAbsolutePath().getParent().resolve("bin/cluster-state.sh");

  record Run(int exit, String output) {}

  private static Run run(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  @Test
  void theStateScriptListsEveryMemberOfARealClusterWithItsStatus() throws Exception {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(2, db, List.of())) {
      Run summary = run(cluster.node(1).managementUri());
      assertThat(summary.exit()).as(summary.output()).isZero();
      for (int i = 0; i < 2; i++) {
        Address a = cluster.system(i).address();
        assertThat(summary.output()).containsPattern("member\\s+" + java.util.regex.Pattern.quote(a.toString()) + "\\s+Up\\s+");
      }
      assertThat(summary.output()).contains("seen from  " + cluster.system(1).address());

      Run json = run("--json", cluster.node(0).managementUri() + "/");
      assertThat(json.exit()).isZero();
      assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.output()).path("members")).hasSize(2);
    }
  }

  @Test
  void theStateScriptFailsWhenNoNodeAnswers() throws Exception {
    Run run = run("http://127.0.0.1:" + TestNodeConfig.freePort());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.output()).contains("no answer from");
  }
}
