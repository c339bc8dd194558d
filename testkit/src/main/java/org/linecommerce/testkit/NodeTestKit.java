package org.linecommerce.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.linecommerce.runtime.persistence.Database;
import org.linecommerce.runtime.persistence.SchemaMigrations;

/**
 * JUnit 5 extension that gives a test class one ActorTestKit with the project's configuration on
 * its own database (in-memory H2 by default, or a fresh PostgreSQL database), the schema migrated
 * and the node Up in a one-node cluster. Register it in a static field so it lives for the class
 * whatever the test-instance lifecycle (Pekko's own TestKitJUnit5Extension only sees instance
 * fields and shuts down in afterAll):
 *
 * <pre>{@code
 * @RegisterExtension static final NodeTestKit kit = NodeTestKit.h2();
 * }</pre>
 *
 * Shutdown of the system and removal of the database happen in afterAll, also when tests fail.
 * Outside the extension model (e.g. one kit per parameter of a parameterized test) use
 * {@code try (NodeTestKit kit = NodeTestKit.on(kind).start("name")) { ... }}.
 */
public final class NodeTestKit implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

  private final TestDatabase.Kind kind;
  private final Config overrides;
  private TestDatabase database;
  private ActorTestKit testKit;

  private NodeTestKit(TestDatabase.Kind kind, Config overrides) {
    this.kind = kind;
    this.overrides = overrides;
  }

  public static NodeTestKit h2() {
    return new NodeTestKit(TestDatabase.Kind.H2, ConfigFactory.empty());
  }

  public static NodeTestKit postgres() {
    return new NodeTestKit(TestDatabase.Kind.POSTGRES, ConfigFactory.empty());
  }

  public static NodeTestKit on(TestDatabase.Kind kind) {
    return new NodeTestKit(kind, ConfigFactory.empty());
  }

  /** The same kit with extra configuration (HOCON) on top of the test defaults. */
  public NodeTestKit withConfig(String hocon) {
    return new NodeTestKit(kind, ConfigFactory.parseString(hocon).withFallback(overrides));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start(context.getRequiredTestClass().getSimpleName());
  }

  /** Creates the database and starts the system named after {@code name}; {@link #close()} undoes both. */
  public NodeTestKit start(String name) {
    database = TestDatabase.of(kind);
    try {
      String systemName = name.replaceAll("[^A-Za-z0-9]", "");
      Config config = TestNodeConfig.node(database, overrides);
      testKit = ActorTestKit.create(systemName.isEmpty() ? "test" + UUID.randomUUID() : systemName, config);
      prepare(testKit.system());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    return this;
  }

  /** What a node does before modules start: migrate the schema, then join itself as a cluster. */
  static void prepare(ActorSystem<?> system) {
    Database db = Database.get(system);
    SchemaMigrations.migrate(db.dataSource(), db.settings());
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    Awaitility.await("node Up")
        .atMost(Duration.ofSeconds(20))
        .until(() -> cluster.selfMember().status() == MemberStatus.up());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Terminates the system and drops the database. */
  @Override
  public void close() {
    try {
      if (testKit != null) testKit.shutdownTestKit();
    } finally {
      if (database != null) database.close();
    }
  }

  /**
   * Simulates a node restart: terminates the current system (no graceful hand-off needed, the
   * journal is the truth) and starts a new one on the same database. Returns the new kit.
   */
  public ActorTestKit restart() {
    String name = testKit.system().name();
    testKit.shutdownTestKit();
    testKit = ActorTestKit.create(name, TestNodeConfig.node(database, overrides));
    prepare(testKit.system());
    return testKit;
  }

  public ActorTestKit testKit() {
    return testKit;
  }

  public ActorSystem<Void> system() {
    return testKit.system();
  }

  public TestDatabase database() {
    return database;
  }
}
