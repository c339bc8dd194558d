package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linecommerce.testkit.NodeProcess;

/** The real jar, started as separate processes, as a deployer would run it. */
class NodeJarIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jarWithNoArgumentsBecomesReadyOnEmbeddedH2AndExitsZeroOnSigterm(@TempDir Path dir) throws Exception {
    Map<String, String> env = new HashMap<>();
    int http = 8080;
    int management = 8558;
    // the documented defaults, unless this machine already uses one of those ports
    if (!free(8080) || !free(8558) || !free(2551)) {
      http = freePort();
      management = freePort();
      env.put("HTTP_PORT", String.valueOf(http));
      env.put("MANAGEMENT_PORT", String.valueOf(management));
      env.put("NODE_PORT", String.valueOf(freePort()));
    }
    try (NodeProcess node = NodeProcess.start(dir, "node", env, http, management)) {
      awaitReady(node);

      var health = node.get(node.httpPort, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(health.body());
      assertThat(body.get("status").asText()).isEqualTo("up");
      assertThat(body.get("checks").get("database").get("status").asText()).isEqualTo("up");
      assertThat(body.get("checks").get("cluster").get("status").asText()).isEqualTo("up");
      assertThat(body.get("checks").get("line").get("mode").asText()).isEqualTo("dry-run");
      assertThat(health.headers().firstValue("X-Correlation-ID")).isPresent();
      assertThat(node.get(node.httpPort, "/metrics").body()).contains("jvm_memory_used_bytes");
      assertThat(Files.isDirectory(dir.resolve("data"))).as("embedded database under ./data").isTrue();
      assertThat(node.output()).contains("started: HTTP http://127.0.0.1:" + node.httpPort);

      // the shop assistant answers from the jar: analyzers' dictionaries, templates and the sample catalog are inside
      for (String[] message : new String[][] {{"抹茶はありますか", "ja"}, {"มีชาไทยไหมคะ", "th"}, {"do you have sunscreen?", "en"}}) {
        var answer = node.postJson(node.httpPort, "/api/v1/ai/generate",
            JSON.createObjectNode().put("userId", "U-jar-" + message[1]).put("message", message[0]).toString(),
            "dev-api-token");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode ai = JSON.readTree(answer.body());
        assertThat(ai.get("intent").asText()).as(answer.body()).isEqualTo("product_search");
        assertThat(ai.get("language").asText()).isEqualTo(message[1]);
        assertThat(ai.get("provider").asText()).isEqualTo("local");
        assertThat(ai.get("products").size()).as(answer.body()).isPositive();
      }

      // LINE's path: a signed webhook is acknowledged, and in dry-run the answer lands in the outbox
      assertThat(node.output()).as("the dev channel secret is printed").contains(DEV_SECRET);
      String event = "{\"destination\":\"Ujar\",\"events\":[{\"type\":\"message\",\"mode\":\"active\","
          + "\"timestamp\":" + System.currentTimeMillis() + ",\"webhookEventId\":\"01JARWEBHOOK0000000000000001\","
          + "\"deliveryContext\":{\"isRedelivery\":false},\"replyToken\":\"jar-reply-token-1\","
          + "\"source\":{\"type\":\"user\",\"userId\":\"U-jar-line\"},"
          + "\"message\":{\"id\":\"1\",\"type\":\"text\",\"text\":\"抹茶ありますか\",\"quoteToken\":\"q\"}}]}";
      assertThat(webhook(node.httpPort, event, "AAAA").statusCode()).as("wrong signature").isEqualTo(401);
      var ack = webhook(node.httpPort, event, sign(event));
      assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
      Awaitility.await("the answer in the dry-run outbox").atMost(Duration.ofSeconds(60)).pollInSameThread()
          .pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() -> {
            JsonNode entries = JSON.readTree(node.get(node.httpPort, "/dev/line/outbox").body()).get("entries");
            for (JsonNode entry : entries) {
              if ("U-jar-line".equals(entry.path("chatId").asText()) && entry.toString().contains("carousel")) return true;
            }
            return false;
          });

      assertThat(node.terminate()).as("exit code after SIGTERM").isZero();
      assertThat(node.output()).contains("Node stopped");
    }
  }

  private static final String DEV_SECRET = "linecommerce-dev-channel-secret";

  private static String sign(String body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(DEV_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
    return java.util.Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static java.net.http.HttpResponse<String> webhook(int port, String body, String signature) throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/webhook"))
        .header("Content-Type", "application/json").header("x-line-signature", signature)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body, java.nio.charset.StandardCharsets.UTF_8)).build();
    return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void threeNodeProcessesFormOneClusterOnSharedEmbeddedDatabase(@TempDir Path dir) throws Exception {
    int[] remoting = {freePort(), freePort(), freePort()};
    NodeProcess[] nodes = new NodeProcess[3];
    try {
      for (int i = 0; i < 3; i++) {
        Map<String, String> env = new HashMap<>();
        env.put("NODE_PORT", String.valueOf(remoting[i]));
        env.put("HTTP_PORT", String.valueOf(freePort()));
        env.put("MANAGEMENT_PORT", String.valueOf(freePort()));
        env.put("CLUSTER_SEED_NODES", "127.0.0.1:" + remoting[0]);
        env.put("DATA_DIR", dir.resolve("shared-data").toString());
        nodes[i] = NodeProcess.start(dir, "node" + i, env,
            Integer.parseInt(env.get("HTTP_PORT")), Integer.parseInt(env.get("MANAGEMENT_PORT")));
      }
      for (NodeProcess n : nodes) awaitReady(n);

      NodeProcess last = nodes[2];
      Awaitility.await("3 members Up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> upMembers(last) == 3);
      assertThat(upMembers(nodes[0])).isEqualTo(3);

      for (int i = 2; i >= 0; i--) {
        assertThat(nodes[i].terminate()).as("exit code of node " + i).isZero();
      }
    } finally {
      for (NodeProcess n : nodes) if (n != null) n.close();
    }
  }

  private static long upMembers(NodeProcess node) throws Exception {
    JsonNode members = JSON.readTree(node.get(node.managementPort, "/cluster/members").body()).get("members");
    long up = 0;
    for (JsonNode m : members) if ("Up".equals(m.get("status").asText())) up++;
    return up;
  }

  private static void awaitReady(NodeProcess node) {
    try {
      Awaitility.await("/ready 200").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
          .until(() -> {
            if (!node.process.isAlive()) throw new IllegalStateException("node exited:\n" + node.output());
            return node.status(node.managementPort, "/ready") == 200;
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("node never became ready:\n" + node.output(), e);
    }
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
