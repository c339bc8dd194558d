package org.linecommerce.runtime.node;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.Patterns;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.runtime.resilience.Stages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's view of the cluster, for {@code GET /metrics} and the operations dashboard.
 *
 * <ul>
 *   <li><b>Members</b> are read from Pekko Cluster's current state whenever asked: every member
 *       this node knows, with its roles, status and whether this node reaches it.
 *   <li><b>Sharding</b> is polled every {@code linecommerce.metrics.poll-interval}: for every
 *       entity type whose shard region runs on this node (typed entities, sharded daemon
 *       processes), {@code GetShardRegionState} to that region says how many shards and entities
 *       <i>this node</i> hosts. A region that does not answer within 5 s keeps its previous
 *       numbers; a region that lists failed shards counts only those it reported.
 * </ul>
 *
 * <p>Gauges (Prometheus names): {@code cluster_members{status}} (members by status as this node
 * sees them, 0 for statuses nobody is in), {@code cluster_unreachable_members},
 * {@code cluster_shards{entity_type}} and {@code cluster_entities{entity_type}} (this node's).
 *
 * <p>For a cross-node view (the dashboard), ask every node's {@link #snapshot()} (e.g. through a
 * route on each node) and add up {@link Snapshot#sharding()}; {@link Snapshot#members()} is
 * already cluster-wide. {@link #refresh()} polls now instead of waiting for the next round.
 * {@code ClusterStatus.get(system)} starts the polling; {@link Node} does it at start-up.
 */
public final class ClusterStatus implements Extension {

  private static final Logger log = LoggerFactory.getLogger(ClusterStatus.class);
  private static final Duration REGION_TIMEOUT = Duration.ofSeconds(5);
  private static final List<String> STATUSES = List.of(
      "joining", "weakly_up", "up", "preparing_for_shutdown", "ready_for_shutdown", "leaving", "exiting", "down", "removed");

  /** One cluster member as this node sees it. */
  public record Member(String address, Set<String> roles, String status, boolean reachable) {}

  /** How many shards and (started) entities of one entity type this node hosts. */
  public record Sharding(String entityType, int shards, int entities) {}

  /**
   * This node's view: {@code self} (its address), {@code members} (cluster-wide, sorted by
   * address), {@code sharding} (this node's regions, by entity type), {@code shardingAt} (when the
   * sharding numbers were polled; {@code null} before the first round).
   */
  public record Snapshot(String self, List<Member> members, Map<String, Sharding> sharding, Instant shardingAt) {}

  private final ActorSystem<?> system;
  private final Cluster cluster;
  private final MeterRegistry registry;
  private final Map<String, Sharding> sharding = new ConcurrentHashMap<>();
  private volatile Instant shardingAt;

  private ClusterStatus(ActorSystem<?> system) {
    this.system = system;
    this.cluster = Cluster.get(system);
    this.registry = Metrics.get(system).registry();
    for (String status : STATUSES) {
      Gauge.builder("cluster_members", this, s -> s.countWithStatus(status))
          .description("cluster members by status, as this node sees them")
          .tag("status", status)
          .register(registry);
    }
    Gauge.builder("cluster_unreachable_members", this, s -> s.cluster.state().getUnreachable().size())
        .description("members this node's failure detector marks unreachable")
        .register(registry);
    Duration every = system.settings().config().getDuration("linecommerce.metrics.poll-interval");
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, every, this::refresh, system.executionContext());
  }

  public static ClusterStatus get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** The members now, and the sharding numbers of the last poll. */
  public Snapshot snapshot() {
    ClusterEvent.CurrentClusterState state = cluster.state();
    Set<org.apache.pekko.cluster.Member> unreachable = state.getUnreachable();
    List<Member> members = StreamSupport.stream(state.getMembers().spliterator(), false)
        .map(m -> new Member(m.address().toString(), new TreeSet<>(m.getRoles()), statusName(m.status()),
            !unreachable.contains(m)))
        .sorted(Comparator.comparing(Member::address))
        .toList();
    return new Snapshot(cluster.selfMember().address().toString(), members, new TreeMap<>(sharding), shardingAt);
  }

  /** Polls every shard region of this node now; completes with the new snapshot. */
  public CompletionStage<Snapshot> refresh() {
    ClusterSharding classic = ClusterSharding.get(system.classicSystem());
    List<CompletableFuture<Void>> polls = new ArrayList<>();
    for (String type : classic.getShardTypeNames()) {
      CompletableFuture<Void> poll;
      try {
        poll = Stages.onSystem(
                Patterns.ask(classic.shardRegion(type), ShardRegion.getShardRegionStateInstance(), REGION_TIMEOUT), system)
            .thenAccept(reply -> {
              if (reply instanceof ShardRegion.CurrentShardRegionState state) record(type, state);
            })
            .toCompletableFuture();
      } catch (RuntimeException notARegionHere) {
        continue;
      }
      polls.add(poll.exceptionally(failure -> {
        log.debug("Shard region {} did not report its state: {}", type, failure.toString());
        return null;
      }));
    }
    return CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).thenApply(done -> {
      shardingAt = Instant.now();
      return snapshot();
    });
  }

  private void record(String type, ShardRegion.CurrentShardRegionState state) {
    int entities = state.getShards().stream().mapToInt(s -> s.getEntityIds().size()).sum();
    Sharding previous = sharding.put(type, new Sharding(type, state.getShards().size(), entities));
    if (previous == null) {
      Gauge.builder("cluster_shards", sharding, m -> m.containsKey(type) ? m.get(type).shards() : 0)
          .description("shards of this entity type hosted by this node")
          .tag("entity_type", type)
          .register(registry);
      Gauge.builder("cluster_entities", sharding, m -> m.containsKey(type) ? m.get(type).entities() : 0)
          .description("started entities of this entity type hosted by this node")
          .tag("entity_type", type)
          .register(registry);
    }
  }

  private double countWithStatus(String status) {
    return StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(m -> statusName(m.status()).equals(status))
        .count();
  }

  /** {@code Up} → {@code up}, {@code WeaklyUp} → {@code weakly_up}. */
  static String statusName(MemberStatus status) {
    return status.toString().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  static final class Id extends ExtensionId<ClusterStatus> {
    static final Id INSTANCE = new Id();

    @Override
    public ClusterStatus createExtension(ActorSystem<?> system) {
      return new ClusterStatus(system);
    }
  }
}
