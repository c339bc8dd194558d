package org.linecommerce.runtime.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.NodeContext;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** A subscription limited to a role runs its projections only on nodes with that role. */
class SubscriptionRoleTest {

  @Test
  void projectionsRunOnlyOnNodesWithTheSubscriptionsRole() {
    // event id → address of the node whose handler got it
    Map<String, String> handledOn = new ConcurrentHashMap<>();
    // every node starts the subscription (so every node could redeliver dead letters); only catalog nodes run it
    DomainModule module = new DomainModule() {
      @Override
      public String name() {
        return "beacon-everywhere";
      }

      @Override
      public String role() {
        return "gateway";
      }

      @Override
      public void init(NodeContext context) {
        ActorSystem<?> system = context.system();
        Beacon.init(system);
        EventSubscription.start(system, "catalog-only", Beacon.TAGS, Beacon.Event.class,
            delivery -> {
              handledOn.put(((Beacon.Emitted) delivery.event()).eventId(), system.address().toString());
              return CompletableFuture.completedFuture(Done.getInstance());
            },
            SubscriptionSettings.create(system).withRole("catalog"));
      }
    };
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, List.of(module),
            ConfigFactory.parseString("linecommerce.node.roles = gateway"))) {
      cluster.startNode(ConfigFactory.parseString("linecommerce.node.roles = catalog"));
      cluster.awaitAllUp();
      ActorSystem<?> gateway = cluster.system(0);
      String catalogAddress = cluster.system(1).address().toString();
      assertThat(SubscriptionRegistry.get(gateway).names()).contains("catalog-only");

      List<CompletableFuture<?>> emitted = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        emitted.add(Beacon.emit(gateway, "role-" + (i % 10), "event-" + i).toCompletableFuture());
      }
      CompletableFuture.allOf(emitted.toArray(CompletableFuture[]::new)).join();
      Set<String> expected = IntStream.range(0, 100).mapToObj(i -> "event-" + i).collect(Collectors.toSet());

      Awaitility.await("every event delivered")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> handledOn.keySet().containsAll(expected));
      assertThat(Set.copyOf(handledOn.values())).containsExactly(catalogAddress);
    }
  }
}
