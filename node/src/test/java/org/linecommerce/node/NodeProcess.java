package org.linecommerce.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A node started from the real {@code node/target/node.jar} as a separate JVM process. */
final class NodeProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Process process;
  final Path log;
  final int httpPort;
  final int managementPort;

  private NodeProcess(Process process, Path log, int httpPort, int managementPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("node.jar", "target/node.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("no node jar at " + jar + " (run mvn package)");
    return jar;
  }

  /** Starts {@code java -jar node.jar} (no arguments) in {@code dir} with {@code env} added. */
  static NodeProcess start(Path dir, String name, Map<String, String> env, int httpPort, int managementPort)
      throws IOException {
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-jar", jar().toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    // a node reads its settings from the environment: start from a clean slate
    for (String var : List.of("NODE_HOSTNAME", "NODE_PORT", "HTTP_PORT", "MANAGEMENT_PORT", "CLUSTER_SEED_NODES",
        "NODE_ROLES", "DB_PROFILE", "DATA_DIR", "DB_URL", "DB_USER", "DB_PASSWORD", "CLUSTER_CONF", "APP_ENV")) {
      pb.environment().remove(var);
    }
    pb.environment().putAll(env);
    return new NodeProcess(pb.start(), log, httpPort, managementPort);
  }

  HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postJson(int port, String path, String json, String bearer) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json").header("Authorization", "Bearer " + bearer)
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Status of GET path, or -1 while nothing answers. */
  int status(int port, String path) {
    try {
      return get(port, path).statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /** Sends SIGTERM and returns the exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("node did not stop within 60 s after SIGTERM:\n" + output());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) process.destroyForcibly();
  }
}
