package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.node.NodeConfig;
import org.linecommerce.runtime.node.StartupChecks;

/**
 * Structural checks of what cannot be run on this machine (no Docker daemon, no Kubernetes): the
 * manifests under {@code deploy/k8s} parse and say what the deployment needs, consistently with the
 * code (variables {@code cluster.conf} reads, the shutdown phases Pekko is configured with, the
 * production refusals), and the Dockerfile has its required pieces.
 */
class DeploymentFilesTest {

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Path K8S = ROOT.resolve("deploy/k8s");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Set<String> SECRET_KEYS = Set.of(
      "DB_URL", "DB_USER", "DB_PASSWORD", "LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "API_TOKEN", "ADMIN_TOKEN");

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) docs.add(doc);
      }
    }
    return docs;
  }

  private static List<JsonNode> manifests() throws IOException {
    List<JsonNode> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) all.addAll(documents(f));
    }
    return all;
  }

  private static JsonNode only(String kind) throws IOException {
    List<JsonNode> found = manifests().stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    assertThat(found).as("manifests of kind %s", kind).hasSize(1);
    return found.get(0);
  }

  private static JsonNode container() throws IOException {
    JsonNode containers = only("Deployment").at("/spec/template/spec/containers");
    assertThat(containers.size()).isEqualTo(1);
    return containers.get(0);
  }

  private static Map<String, JsonNode> env() throws IOException {
    Map<String, JsonNode> env = new LinkedHashMap<>();
    for (JsonNode e : container().path("env")) env.put(e.path("name").asText(), e);
    return env;
  }

  private static String value(String name) throws IOException {
    JsonNode e = env().get(name);
    assertThat(e).as("env %s", name).isNotNull();
    return e.path("value").asText();
  }

  @Test
  void everyManifestIsYamlWithApiVersionKindAndNameAndNoNamespace() throws IOException {
    List<JsonNode> all = manifests();
    assertThat(all).extracting(d -> d.path("kind").asText())
        .contains("Deployment", "Service", "ServiceAccount", "Role", "RoleBinding", "Secret", "PodDisruptionBudget", "Kustomization");
    for (JsonNode d : all) {
      assertThat(d.path("apiVersion").asText()).as(d.toString()).isNotBlank();
      if (!d.path("kind").asText().equals("Kustomization")) {
        assertThat(d.at("/metadata/name").asText()).as(d.toString()).isNotBlank();
        assertThat(d.at("/metadata/namespace").isMissingNode()).as("namespace-free: %s", d.at("/metadata/name")).isTrue();
      }
    }
  }

  @Test
  void theDeploymentRunsThreeProductionNodesThatRollOneAtATime() throws IOException {
    JsonNode deployment = only("Deployment");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
    assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
    assertThat(deployment.at("/spec/strategy/rollingUpdate/maxSurge").asInt()).isEqualTo(1);
    assertThat(deployment.at("/spec/selector/matchLabels")).isEqualTo(deployment.at("/spec/template/metadata/labels"));

    assertThat(value("APP_ENV")).isEqualTo("production");
    assertThat(value("DB_PROFILE")).isEqualTo("postgres");
    assertThat(env().get("NODE_HOSTNAME").at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("status.podIP");
  }

  @Test
  void clusterBootstrapSelectsThePodsOfThisDeploymentAndNeedsFewerContactPointsThanReplicas() throws IOException {
    JsonNode deployment = only("Deployment");
    assertThat(value("CLUSTER_BOOTSTRAP")).isEqualTo("kubernetes");
    assertThat(env()).doesNotContainKey("CLUSTER_SEED_NODES");
    String selector = String.format(value("KUBERNETES_POD_LABEL_SELECTOR"), value("CLUSTER_BOOTSTRAP_SERVICE_NAME"));
    String[] label = selector.split("=", 2);
    assertThat(deployment.at("/spec/template/metadata/labels/" + label[0]).asText()).isEqualTo(label[1]);
    int required = Integer.parseInt(value("CLUSTER_BOOTSTRAP_REQUIRED_CONTACTS"));
    assertThat(required).isBetween(2, deployment.at("/spec/replicas").asInt());
  }

  @Test
  void probesAskManagementForAliveAndReadyOnTheManagementPort() throws IOException {
    JsonNode c = container();
    Map<String, Integer> ports = new HashMap<>();
    for (JsonNode p : c.path("ports")) ports.put(p.path("name").asText(), p.path("containerPort").asInt());
    assertThat(ports).containsEntry("management", Integer.parseInt(value("MANAGEMENT_PORT")))
        .containsEntry("http", Integer.parseInt(value("HTTP_PORT")))
        .containsEntry("remoting", Integer.parseInt(value("NODE_PORT")));
    assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
    assertThat(c.at("/readinessProbe/httpGet/port").asText()).isEqualTo("management");
    assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/alive");
    assertThat(c.at("/livenessProbe/httpGet/port").asText()).isEqualTo("management");
    assertThat(only("Service").at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    assertThat(only("Service").at("/spec/selector")).isEqualTo(only("Deployment").at("/spec/selector/matchLabels"));
  }

  @Test
  void everyVariableTheDeploymentSetsIsOneTheNodeReads() throws IOException {
    String clusterConf = Files.readString(ROOT.resolve("cluster.conf"));
    for (String name : env().keySet()) {
      if (name.equals("JAVA_OPTS")) {
        assertThat(Files.readString(ROOT.resolve("Dockerfile"))).contains("$JAVA_OPTS");
      } else {
        assertThat(clusterConf).as("cluster.conf reads %s", name).contains("${?" + name + "}");
      }
    }
  }

  @Test
  void credentialsComeFromTheSecretWhoseExampleProductionRefusesUntilFilledIn() throws IOException {
    JsonNode secret = only("Secret");
    Set<String> referenced = new TreeSet<>();
    for (JsonNode e : env().values()) {
      JsonNode ref = e.at("/valueFrom/secretKeyRef");
      if (ref.isMissingNode()) continue;
      assertThat(ref.path("name").asText()).isEqualTo(secret.at("/metadata/name").asText());
      referenced.add(ref.path("key").asText());
    }
    assertThat(referenced).containsExactlyInAnyOrderElementsOf(SECRET_KEYS);
    Map<String, Object> asVariables = new HashMap<>();
    secret.path("stringData").fields().forEachRemaining(f -> asVariables.put(f.getKey(), f.getValue().asText()));
    assertThat(asVariables.keySet()).containsExactlyInAnyOrderElementsOf(SECRET_KEYS);
    assertThat(asVariables.values()).as("placeholders only").allMatch(""::equals);

    // the example as it stands, with the Deployment's plain values: production refuses to start
    Config deployed = ConfigFactory.parseString(String.join("\n",
        "linecommerce.auth.app-env = production", "linecommerce.node.hostname = \"10.0.0.7\"",
        "linecommerce.db.profile = postgres", "linecommerce.db.url = \"jdbc:postgresql://db:5432/x\"",
        "linecommerce.db.user = \"\"", "linecommerce.db.password = \"\"", "linecommerce.auth.api-token = \"\"",
        "linecommerce.auth.admin-token = \"\"", "linecommerce.line.channel-secret = \"\"",
        "linecommerce.line.channel-access-token = \"\""));
    assertThat(String.join("; ", StartupChecks.problems(NodeConfig.withoutClusterConf(deployed), Main.modules())))
        .contains("DB_USER", "DB_PASSWORD", "API_TOKEN", "ADMIN_TOKEN", "LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN");
  }

  @Test
  void theNodesServiceAccountMayListWatchAndGetPodsAndNothingElse() throws IOException {
    String account = only("ServiceAccount").at("/metadata/name").asText();
    assertThat(only("Deployment").at("/spec/template/spec/serviceAccountName").asText()).isEqualTo(account);
    JsonNode role = only("Role");
    assertThat(role.path("rules")).hasSize(1);
    JsonNode rule = role.path("rules").get(0);
    assertThat(rule.path("resources")).extracting(JsonNode::asText).containsExactly("pods");
    assertThat(rule.path("verbs")).extracting(JsonNode::asText).containsExactlyInAnyOrder("get", "watch", "list");
    JsonNode binding = only("RoleBinding");
    assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("Role");
    assertThat(binding.at("/roleRef/name").asText()).isEqualTo(role.at("/metadata/name").asText());
    assertThat(binding.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(account);
  }

  @Test
  void kubernetesWaitsLongerThanEveryCoordinatedShutdownPhaseSoShardsHandOffBeforeTheKill() throws IOException {
    Config config = NodeConfig.withoutClusterConf(ConfigFactory.empty());
    Config phases = config.getConfig("pekko.coordinated-shutdown.phases");
    Duration fallback = config.getDuration("pekko.coordinated-shutdown.default-phase-timeout");
    Duration sum = Duration.ZERO;
    for (String phase : phases.root().keySet()) {
      String timeout = phase + ".timeout";
      sum = sum.plus(phases.hasPath(timeout) ? phases.getDuration(timeout) : fallback);
    }
    assertThat(phases.getDuration("cluster-sharding-shutdown-region.timeout")).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    long grace = only("Deployment").at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
    assertThat(Duration.ofSeconds(grace)).as("grace period vs. phases %s", sum).isGreaterThan(sum);
  }

  @Test
  void kustomizationAppliesEveryManifestButTheSecretExample() throws IOException {
    JsonNode kustomization = only("Kustomization");
    List<String> resources = new ArrayList<>();
    kustomization.path("resources").forEach(r -> resources.add(r.asText()));
    try (Stream<Path> files = Files.list(K8S)) {
      List<String> manifests = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml") && !n.equals("secret.example.yaml")).toList();
      assertThat(resources).containsExactlyInAnyOrderElementsOf(manifests);
    }
  }

  @Test
  void theDockerfileBuildsTheJarWithMavenAndRunsItOnAJreAsANonRootUserWithAReadyHealthCheck() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("Dockerfile")).stream()
        .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(from).hasSize(2);
    assertThat(from.get(0)).startsWith("FROM maven:3-eclipse-temurin-17 AS build");
    assertThat(from.get(1)).isEqualTo("FROM eclipse-temurin:17-jre");
    String dockerfile = String.join("\n", lines);
    assertThat(dockerfile).contains("mvn -B -q -pl node -am package", "COPY --from=build /node.jar /app/node.jar",
        "EXPOSE 8080 8558 2551", "-jar /app/node.jar");
    String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    assertThat(user).doesNotContain("root").isNotEqualTo("USER 0");
    int userLine = lines.indexOf(user);
    int runtimeStage = lines.indexOf(from.get(1));
    assertThat(userLine).as("USER in the runtime stage").isGreaterThan(runtimeStage);
    String healthcheck = lines.stream().filter(l -> l.startsWith("HEALTHCHECK ")).findFirst().orElseThrow();
    assertThat(dockerfile.substring(dockerfile.indexOf(healthcheck))).contains("curl -fsS", "/ready");
    assertThat(Files.readAllLines(ROOT.resolve(".dockerignore"))).contains("**/target/", ".git/");
  }
}
