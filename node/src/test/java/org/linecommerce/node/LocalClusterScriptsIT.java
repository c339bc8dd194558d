package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.PostgresFixture;
import org.linecommerce.testkit.TestDatabase;
import org.linecommerce.testkit.NodeProcess;

/**
 * The README's local recipes run for real: {@code bin/cluster-local-postgres.sh start} brings up
 * three {@code node.jar} processes on PostgreSQL, {@code bin/rolling-restart.sh 1} stops the first
 * seed with SIGTERM and starts it again, and it rejoins the running cluster (it no longer is the
 * oldest member) instead of founding a second one; {@code stop} ends every process.
 */
class LocalClusterScriptsIT {

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  record Run(int exit, String output) {}

  private static Run run(Map<String, String> env, long timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(command));
    cmd.set(0, ROOT.resolve(cmd.get(0)).toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
    for (String var : List.of("NODE_HOSTNAME", "NODE_PORT", "HTTP_PORT", "MANAGEMENT_PORT", "CLUSTER_SEED_NODES",
        "NODE_ROLES", "DB_PROFILE", "DATA_DIR", "CLUSTER_CONF", "APP_ENV", "CLUSTER_BOOTSTRAP")) {
      pb.environment().remove(var);
    }
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as(out).isTrue();
    return new Run(p.exitValue(), out);
  }

  /** An offset at which the 9 ports of the three nodes are free. */
  private static int freePortOffset() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int offset = 20000 + ThreadLocalRandom.current().nextInt(20000);
      boolean free = true;
      for (int base : List.of(2550, 8079, 8557)) {
        for (int n = 1; n <= 3 && free; n++) free = isFree(base + n + offset);
      }
      if (free) return offset;
    }
    throw new IllegalStateException("no free port range");
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<String> upMembers(String output) {
    List<String> up = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^member\\s+(\\S+)\\s+Up\\s").matcher(output);
    while (m.find()) up.add(m.group(1));
    return up;
  }

  @Test
  void theScriptsStartThreeNodesOnPostgresqlRestartTheFirstSeedIntoTheirClusterAndStopThem() throws Exception {
    Path logs = Files.createTempDirectory(Path.of("").toAbsolutePath().resolve("target"), "local-cluster-");
    int offset = freePortOffset();
    String node1 = "pekko://linecommerce@127.0.0.1:" + (2551 + offset);
    try (TestDatabase db = TestDatabase.postgres()) {
      PostgresFixture pg = PostgresFixture.get();
      Map<String, String> env = Map.of(
          "DB_URL", db.url(), "DB_USER", pg.user(), "DB_PASSWORD", pg.password(),
          "PORT_OFFSET", String.valueOf(offset), "NODE_JAR", NodeProcess.jar().toString(),
          "JAVA_OPTS", "-Xmx384m", "READY_TIMEOUT", "300", "CATALOG_SEED", "off");
      AssertionError failure = null;
      try {
        Run start = run(env, 1000, "bin/cluster-local-postgres.sh", "start", logs.toString());
        assertThat(start.exit()).as(start.output()).isZero();
        assertThat(upMembers(start.output())).as(start.output()).hasSize(3).contains(node1);

        Run restart = run(env, 600, "bin/rolling-restart.sh", "1", logs.toString());
        assertThat(restart.exit()).as(restart.output()).isZero();
        assertThat(restart.output()).contains("node 1 stopped", "node 1 ready");
        assertThat(upMembers(restart.output())).as(restart.output()).hasSize(3).contains(node1);
        assertThat(restart.output()).as("node 1 joined the running cluster").doesNotContain("oldest     " + node1);
        assertThat(Files.readString(logs.resolve("node-1.log"))).contains("Shutdown requested", "Node stopped");
      } catch (AssertionError e) {
        failure = e;
      } finally {
        try {
          Run stop = run(env, 600, "bin/cluster-local-postgres.sh", "stop", logs.toString());
          assertThat(stop.exit()).as(stop.output()).isZero();
          assertThat(stop.output()).contains("node 1 stopped", "node 2 stopped", "node 3 stopped");
          Run status = run(env, 60, "bin/cluster-local-postgres.sh", "status", logs.toString());
          assertThat(status.output()).contains("node 1 is not running", "node 2 is not running", "node 3 is not running");
        } catch (AssertionError e) {
          if (failure == null) failure = e; else failure.addSuppressed(e);
        }
      }
      if (failure != null) throw new AssertionError(failure.getMessage() + "\n" + nodeLogs(logs), failure);
    }
  }

  /** What a failure shows of each node's log: its warnings and errors, and its last lines. */
  private static String nodeLogs(Path logs) throws IOException {
    StringBuilder out = new StringBuilder();
    for (int n = 1; n <= 3; n++) {
      Path log = logs.resolve("node-" + n + ".log");
      if (!Files.exists(log)) continue;
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      out.append("---- node-").append(n).append(".log: warnings and errors\n");
      lines.stream().filter(l -> l.contains("WARN") || l.contains("ERROR")).limit(60)
          .forEach(l -> out.append(l).append('\n'));
      out.append("---- node-").append(n).append(".log: last lines\n");
      lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> out.append(l).append('\n'));
    }
    return out.toString();
  }
}
