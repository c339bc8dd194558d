package org.linecommerce.testkit;

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

/**
 * A node started from the real {@code node.jar} (built by {@code mvn package} in {@code node/}) as a
 * separate JVM process, the way an operator runs it: settings from the environment only. Used by the
 * node module's jar tests and by the benchmarks that need a node in its own JVM.
 */
public final class NodeProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public final Process process;
  public final Path log;
  public final int httpPort;
  public final int managementPort;

  private NodeProcess(Process process, Path log, int httpPort, int managementPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
  }

  /**
   * The node jar: system property {@code node.jar}, else {@code target/node.jar} (tests of the node
   * module run in {@code node/}), else {@code node/target/node.jar} (run from the repository root).
   */
  public static Path jar() {
    String configured = System.getProperty("node.jar");
    List<Path> candidates = configured != null
        ? List.of(Path.of(configured))
        : List.of(Path.of("target/node.jar"), Path.of("node/target/node.jar"));
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate)) return candidate.toAbsolutePath();
    }
    throw new IllegalStateException("no node jar at " + candidates + " (run mvn -B -DskipTests install, or package in node/)");
  }

  /** Starts {@code java -Xmx384m -jar node.jar} (no arguments) in {@code dir} with {@code env} added. */
  public static NodeProcess start(Path dir, String name, Map<String, String> env, int httpPort, int managementPort)
      throws IOException {
    return start(dir, name, List.of("-Xmx384m"), env, httpPort, managementPort);
  }

  /** Starts {@code java <jvmOptions> -jar node.jar} in {@code dir} with {@code env} added; output to {@code <name>.log}. */
  public static NodeProcess start(Path dir, String name, List<String> jvmOptions, Map<String, String> env,
      int httpPort, int managementPort) throws IOException {
    Path log = dir.resolve(name + ".log");
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    ProcessBuilder pb = new ProcessBuilder(command)
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

  public HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> postJson(int port, String path, String json, String bearer) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json").header("Authorization", "Bearer " + bearer)
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Status of GET path, or -1 while nothing answers. */
  public int status(int port, String path) {
    try {
      return get(port, path).statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /** Sends SIGTERM and returns the exit code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("node did not stop within 60 s after SIGTERM:\n" + output());
    }
    return process.exitValue();
  }

  /** Waits until the management port's {@code /ready} answers 200; fails with the node's output if it exits or times out. */
  public NodeProcess awaitReady(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (status(managementPort, "/ready") != 200) {
      if (!process.isAlive()) throw new IllegalStateException("node exited:\n" + output());
      if (System.nanoTime() > deadline) throw new IllegalStateException("node not ready within " + within + ":\n" + output());
      Thread.sleep(300);
    }
    return this;
  }

  @Override
  public void close() {
    if (process.isAlive()) process.destroyForcibly();
  }
}
