package org.linecommerce.runtime.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.MessageMeta;

/**
 * {@link RememberedEntities} with {@link IdlePassivation} (and its {@link ActiveEntities} limit) on a
 * one-node cluster (in-memory journal), and {@link IdlePassivation} outside sharding, with the test entity {@link Tally}.
 */
class IdlePassivationTest {

  private static final Duration IDLE = Duration.ofMillis(300);
  private static final Duration ASK = Duration.ofSeconds(5);

  static ActorTestKit testKit;

  static Config config() {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.actor.allow-java-serialization = off
        pekko.actor.serialization-bindings { "org.linecommerce.runtime.CborSerializable" = jackson-cbor }
        """).withFallback(EventSourcedBehaviorTestKit.config()).withFallback(ConfigFactory.load());
  }

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("IdlePassivationTest", config());
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.selfMember().status() == org.apache.pekko.cluster.MemberStatus.up());
    RememberedEntities.init(testKit.system(), Tally.KEY, null, (id, shard) -> Tally.create(id, shard, IDLE));
    ActiveEntities limited = ActiveEntities.of(testKit.system(), LIMITED.name(), 2);
    RememberedEntities.init(testKit.system(), LIMITED, null,
        (id, shard) -> Tally.create(id, shard, Duration.ofHours(1), limited));
  }

  /** Tallies of which at most two stay in memory, never idle long enough to leave on their own. */
  static final EntityTypeKey<Tally.Command> LIMITED = EntityTypeKey.create(Tally.Command.class, "LimitedTally");

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void anIdleRememberedEntityThatMayPassivateLeavesItsShardAndOneThatMayNotStays() throws Exception {
    ClusterSharding sharding = ClusterSharding.get(testKit.system());
    EntityRef<Tally.Command> free = sharding.entityRefFor(Tally.KEY, "free");
    EntityRef<Tally.Command> held = sharding.entityRefFor(Tally.KEY, "held");
    free.<Tally.State>ask(r -> new Tally.Add(3, MessageMeta.root("test", null), r), ASK).toCompletableFuture().get();
    held.<Tally.State>ask(r -> new Tally.Hold(true, r), ASK).toCompletableFuture().get();
    assertThat(liveEntities()).contains("free", "held");

    await("the free tally passivated").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> !liveEntities().contains("free"));
    assertThat(liveEntities()).contains("held");

    // a passivated entity comes back with its state on the next message
    Tally.State again = free.<Tally.State>ask(Tally.Get::new, ASK).toCompletableFuture().get();
    assertThat(again.count()).isEqualTo(3);

    // once it may, the held one leaves too
    held.<Tally.State>ask(r -> new Tally.Hold(false, r), ASK).toCompletableFuture().get();
    await("the released tally passivated").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> !liveEntities().contains("held"));
  }

  @Test
  void aboveTheActiveLimitTheLeastRecentlyUsedRememberedEntityLeavesAndComesBackWithItsState() throws Exception {
    ClusterSharding sharding = ClusterSharding.get(testKit.system());
    EntityRef<Tally.Command> a = sharding.entityRefFor(LIMITED, "lru-a");
    EntityRef<Tally.Command> b = sharding.entityRefFor(LIMITED, "lru-b");
    EntityRef<Tally.Command> c = sharding.entityRefFor(LIMITED, "lru-c");
    EntityRef<Tally.Command> d = sharding.entityRefFor(LIMITED, "lru-d");
    a.<Tally.State>ask(r -> new Tally.Add(1, MessageMeta.root("test", null), r), ASK).toCompletableFuture().get();
    b.<Tally.State>ask(r -> new Tally.Add(2, MessageMeta.root("test", null), r), ASK).toCompletableFuture().get();
    c.<Tally.State>ask(r -> new Tally.Add(3, MessageMeta.root("test", null), r), ASK).toCompletableFuture().get();
    await("the least recently used tally left").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> liveEntities(LIMITED).equals(Set.of("lru-b", "lru-c")));

    // b used again: c is now the least recently used
    b.<Tally.State>ask(Tally.Get::new, ASK).toCompletableFuture().get();
    d.<Tally.State>ask(r -> new Tally.Add(4, MessageMeta.root("test", null), r), ASK).toCompletableFuture().get();
    await("the next least recently used tally left").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> liveEntities(LIMITED).equals(Set.of("lru-b", "lru-d")));

    // the first one comes back with its state on its next message (and another one leaves)
    assertThat(a.<Tally.State>ask(Tally.Get::new, ASK).toCompletableFuture().get().count()).isEqualTo(1);
    await("still at most two").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> liveEntities(LIMITED).size() == 2 && liveEntities(LIMITED).contains("lru-a"));
    assertThat(ActiveEntities.of(testKit.system(), LIMITED.name(), 2).evicted()).isEqualTo(3);
  }

  @Test
  void outsideShardingAnIdleEntityThatMayPassivateStopsItself() {
    TestProbe<Tally.State> replies = testKit.createTestProbe();
    ActorRef<Tally.Command> tally = testKit.spawn(Tally.create("alone", null, IDLE));
    tally.tell(new Tally.Add(1, null, replies.ref()));
    replies.expectMessageClass(Tally.State.class);
    replies.expectTerminated(tally, Duration.ofSeconds(5));
  }

  @Test
  void outsideShardingAnEntityThatMayNotPassivateStaysUntilItMay() {
    TestProbe<Tally.State> replies = testKit.createTestProbe();
    ActorRef<Tally.Command> tally = testKit.spawn(Tally.create("kept", null, IDLE));
    tally.tell(new Tally.Hold(true, replies.ref()));
    replies.expectMessageClass(Tally.State.class);
    // several idle periods pass; it still answers
    replies.expectNoMessage(IDLE.multipliedBy(3));
    tally.tell(new Tally.Get(replies.ref()));
    assertThat(replies.expectMessageClass(Tally.State.class).held()).isTrue();

    tally.tell(new Tally.Hold(false, replies.ref()));
    replies.expectMessageClass(Tally.State.class);
    replies.expectTerminated(tally, Duration.ofSeconds(5));
  }

  @Test
  void rememberedEntitySettingsUseTheEventSourcedStore() {
    var settings = RememberedEntities.settings(testKit.system());
    assertThat(settings.rememberEntities()).isTrue();
    assertThat(settings.rememberEntitiesStoreMode())
        .isEqualTo(org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings.rememberEntitiesStoreModeEventSourced());
  }

  private static Set<String> liveEntities() {
    return liveEntities(Tally.KEY);
  }

  private static Set<String> liveEntities(EntityTypeKey<Tally.Command> key) {
    TestProbe<CurrentShardRegionState> probe = testKit.createTestProbe();
    ClusterSharding.get(testKit.system()).shardState().tell(new GetShardRegionState(key, probe.ref()));
    Set<String> ids = new TreeSet<>();
    for (var shard : probe.receiveMessage(Duration.ofSeconds(5)).getShards()) ids.addAll(shard.getEntityIds());
    return ids;
  }
}
