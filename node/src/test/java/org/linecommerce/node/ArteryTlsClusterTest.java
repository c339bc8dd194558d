package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.node.NodeConfig;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * {@code ARTERY_TRANSPORT=tls-tcp} with key and trust stores from the environment: the settings
 * land in Pekko's {@code config-ssl-engine}, two nodes form a cluster over mutual TLS, and a node
 * speaking plain TCP cannot join them. The stores are made by the JDK's {@code keytool} under
 * {@code target/}.
 */
class ArteryTlsClusterTest {

  private static final String PASSWORD = "test-only-store-password";
  private static Path keyStore;
  private static Path trustStore;

  @BeforeAll
  static void makeStores() throws Exception {
    Path dir = Path.of("target", "artery-tls");
    Files.createDirectories(dir);
    keyStore = dir.resolve("node-keystore.p12");
    trustStore = dir.resolve("truststore.p12");
    Path cert = dir.resolve("node.crt");
    for (Path p : List.of(keyStore, trustStore, cert)) Files.deleteIfExists(p);
    keytool("-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=linecommerce-node", "-ext", "SAN=ip:127.0.0.1",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-alias", "node", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
        "-rfc", "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "node", "-file", cert.toString(),
        "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", PASSWORD);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
  }

  private static Config tls() {
    return ConfigFactory.parseMap(Map.of(
        "linecommerce.remote.transport", "tls-tcp",
        "linecommerce.remote.tls.key-store", keyStore.toAbsolutePath().toString(),
        "linecommerce.remote.tls.key-store-password", PASSWORD,
        "linecommerce.remote.tls.trust-store", trustStore.toAbsolutePath().toString(),
        "linecommerce.remote.tls.trust-store-password", PASSWORD), "ARTERY_* variables");
  }

  @Test
  void theTlsVariablesLandInPekkosConfigSslEngineWithTheKeyPasswordDefaultingToTheStorePassword() {
    Config config = NodeConfig.withoutClusterConf(tls());
    Config ssl = config.getConfig("pekko.remote.artery.ssl.config-ssl-engine");
    assertThat(config.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
    assertThat(ssl.getString("key-store")).isEqualTo(keyStore.toAbsolutePath().toString());
    assertThat(ssl.getString("trust-store")).isEqualTo(trustStore.toAbsolutePath().toString());
    assertThat(ssl.getString("key-store-password")).isEqualTo(PASSWORD);
    assertThat(ssl.getString("trust-store-password")).isEqualTo(PASSWORD);
    assertThat(ssl.getString("key-password")).isEqualTo(PASSWORD);
    assertThat(ssl.getBoolean("require-mutual-authentication")).isTrue();

    Config ownKeyPassword = NodeConfig.withoutClusterConf(
        ConfigFactory.parseMap(Map.of("linecommerce.remote.tls.key-password", "other"), "ARTERY_KEY_PASSWORD").withFallback(tls()));
    assertThat(ownKeyPassword.getString("pekko.remote.artery.ssl.config-ssl-engine.key-password")).isEqualTo("other");
    assertThat(NodeConfig.withoutClusterConf(ConfigFactory.empty()).getString("pekko.remote.artery.transport")).isEqualTo("tcp");
  }

  @Test
  void twoNodesFormAClusterOverMutualTlsAndAPlainTcpNodeCannotJoinThem() {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(2, db, List.of(), tls())) {
      for (int i = 0; i < 2; i++) {
        assertThat(cluster.system(i).settings().config().getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
        assertThat(members(cluster, i)).isEqualTo(2);
      }

      int plain = cluster.startNode(ConfigFactory.parseString("linecommerce.remote.transport = tcp"));
      Awaitility.await("the plain TCP node stays outside")
          .during(Duration.ofSeconds(8))
          .atMost(Duration.ofSeconds(12))
          .pollInSameThread()
          .until(() -> members(cluster, 0) == 2
              && Cluster.get(cluster.system(plain)).selfMember().status() != MemberStatus.up());
    }
  }

  private static long members(InProcessCluster cluster, int index) {
    long n = 0;
    for (var ignored : Cluster.get(cluster.system(index)).state().getMembers()) n++;
    return n;
  }
}
