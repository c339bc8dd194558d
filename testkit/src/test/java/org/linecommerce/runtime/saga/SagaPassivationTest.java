package org.linecommerce.runtime.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.runtime.saga.TestSagas.awaitStatus;
import static org.linecommerce.runtime.saga.TestSagas.status;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.runtime.saga.TestSagas.LedgerInput;
import org.linecommerce.testkit.NodeTestKit;

/**
 * Sagas are remembered entities: a live one stays in memory (so it resumes after a crash without a
 * message), one that is not live leaves its shard after {@code passivate-finished-after} without
 * commands, and comes back from the journal when asked again.
 */
class SagaPassivationTest {

  @RegisterExtension
  static final NodeTestKit kit = NodeTestKit.h2().withConfig("linecommerce.sagas.passivate-finished-after = 500ms");

  static final SagaDefinition<LedgerInput> QUICK =
      TestSagas.threeSteps("quick", Duration.ofSeconds(3), RetryPolicy.none());
  static final SagaDefinition<LedgerInput> APPROVAL =
      TestSagas.withApproval("slow-approval", Duration.ofMinutes(5), StepOutcome.failure("approval expired"));

  @Test
  void aFinishedSagaLeavesMemoryWhenIdleWhileAWaitingOneStaysAndBothStayReadable() throws Exception {
    ActorSystem<Void> system = kit.system();
    Ledger.init(system);
    Sagas sagas = Sagas.get(system);
    sagas.register(QUICK);
    sagas.register(APPROVAL);
    Saga.init(system);

    sagas.start("quick-1", QUICK, new LedgerInput("ledger-quick")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    sagas.start("waiting-1", APPROVAL, new LedgerInput("ledger-waiting")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    awaitStatus(system, "quick-1", Saga.Status.COMPLETED);
    awaitStatus(system, "waiting-1", Saga.Status.WAITING);
    sagas.status("never-started").toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(liveSagas(system)).contains("quick-1", "waiting-1", "never-started");

    await("the finished saga and the looked-up id passivated").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !liveSagas(system).contains("quick-1") && !liveSagas(system).contains("never-started"));
    assertThat(liveSagas(system)).as("a waiting saga stays").contains("waiting-1");

    Saga.Summary again = status(system, "quick-1");
    assertThat(again.status()).isEqualTo(Saga.Status.COMPLETED);
    assertThat(again.timeline()).isNotEmpty();
  }

  private static Set<String> liveSagas(ActorSystem<?> system) {
    TestProbe<CurrentShardRegionState> probe = kit.testKit().createTestProbe();
    ClusterSharding.get(system).shardState().tell(new GetShardRegionState(Saga.ENTITY_KEY, probe.ref()));
    Set<String> ids = new TreeSet<>();
    for (var shard : probe.receiveMessage(Duration.ofSeconds(5)).getShards()) ids.addAll(shard.getEntityIds());
    return ids;
  }
}
