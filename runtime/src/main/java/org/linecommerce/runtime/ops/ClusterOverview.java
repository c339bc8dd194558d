package org.linecommerce.runtime.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.linecommerce.runtime.resilience.Stages;

/**
 * What {@code GET /admin/cluster} shows: the members as this node sees them (address, roles,
 * status, reachability, which one is leader, oldest, and this node), and the shards and entities
 * of every sharded entity type on every node.
 *
 * <p>The entity types are the ones sharding knows on this node
 * ({@code ClusterSharding.getShardTypeNames}: every type started here, as host or proxy, including
 * the sharded daemon processes that run subscriptions), so no module has to register anything.
 * For each, the cluster-wide statistics come from the typed query {@link GetClusterShardingStats}
 * (the shard coordinator asks every region), so counts on other nodes are theirs, not guesses. A
 * type whose query fails or times out ({@code linecommerce.ops.sharding-stats-timeout}) is named
 * in {@link Overview#shardingErrors} and left out of the counts.
 */
public final class ClusterOverview {

  /** The name prefix Pekko gives the entity types of sharded daemon processes. */
  static final String DAEMON_PREFIX = "sharded-daemon-process-";

  public record MemberView(
      String address, List<String> roles, String dataCenter, String status, boolean reachable,
      boolean leader, boolean oldest, boolean self) {}

  /** One entity type on one node: its shards there and their entities; {@code failedShards} did not answer. */
  public record TypeOnNode(String entityType, boolean daemonProcess, int shards, int entities, int failedShards) {}

  /** One node's share of sharding: per entity type, and the totals. */
  public record NodeSharding(String address, int shards, int entities, List<TypeOnNode> types) {}

  public record ShardingError(String entityType, String error) {}

  public record Overview(
      String self, String leader, String oldest, List<MemberView> members, List<String> entityTypes,
      List<NodeSharding> sharding, List<ShardingError> shardingErrors) {}

  private final ActorSystem<?> system;
  private final Duration statsTimeout;

  public ClusterOverview(ActorSystem<?> system) {
    this.system = system;
    this.statsTimeout = system.settings().config().getDuration("linecommerce.ops.sharding-stats-timeout");
  }

  /** The members now and the sharding statistics once every type answered (or failed). */
  public CompletionStage<Overview> overview() {
    Cluster cluster = Cluster.get(system);
    ClusterEvent.CurrentClusterState state = cluster.state();
    Member selfMember = cluster.selfMember();
    Address leader = state.getLeader();
    List<Member> members = StreamSupport.stream(state.getMembers().spliterator(), false)
        .sorted(Comparator.comparing(m -> m.address().toString()))
        .toList();
    Member oldest = members.stream()
        .filter(m -> m.status() == org.apache.pekko.cluster.MemberStatus.up())
        .reduce((a, b) -> b.isOlderThan(a) ? b : a)
        .orElse(null);
    Set<Member> unreachable = state.getUnreachable();
    List<MemberView> views = members.stream()
        .map(m -> new MemberView(
            m.address().toString(),
            m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList(),
            m.dataCenter(),
            m.status().toString(),
            !unreachable.contains(m),
            m.address().equals(leader),
            oldest != null && m.equals(oldest),
            m.equals(selfMember)))
        .toList();

    List<String> typeNames = new ArrayList<>(new TreeSet<>(
        org.apache.pekko.cluster.sharding.ClusterSharding.get(Adapter.toClassic(system)).getShardTypeNames()));
    List<CompletableFuture<Object>> queries = new ArrayList<>();
    for (String type : typeNames) queries.add(stats(type).toCompletableFuture());

    return Stages.onSystem(CompletableFuture.allOf(queries.toArray(CompletableFuture[]::new)), system)
        .thenApply(ignored -> {
          Map<String, List<TypeOnNode>> byNode = new TreeMap<>();
          for (MemberView m : views) byNode.put(m.address(), new ArrayList<>());
          List<ShardingError> errors = new ArrayList<>();
          for (int i = 0; i < typeNames.size(); i++) {
            String type = typeNames.get(i);
            Object result = queries.get(i).join();
            if (result instanceof ShardRegion.ClusterShardingStats stats) {
              for (Map.Entry<Address, ShardRegion.ShardRegionStats> region : stats.getRegions().entrySet()) {
                int entities = 0;
                for (Object count : region.getValue().getStats().values()) entities += ((Number) count).intValue();
                byNode.computeIfAbsent(region.getKey().toString(), k -> new ArrayList<>())
                    .add(new TypeOnNode(type, type.startsWith(DAEMON_PREFIX), region.getValue().getStats().size(),
                        entities, region.getValue().getFailed().size()));
              }
            } else {
              errors.add(new ShardingError(type, String.valueOf(result)));
            }
          }
          List<NodeSharding> sharding = byNode.entrySet().stream()
              .map(e -> new NodeSharding(e.getKey(),
                  e.getValue().stream().mapToInt(TypeOnNode::shards).sum(),
                  e.getValue().stream().mapToInt(TypeOnNode::entities).sum(),
                  e.getValue()))
              .toList();
          return new Overview(selfMember.address().toString(), leader == null ? null : leader.toString(),
              oldest == null ? null : oldest.address().toString(), views, typeNames, sharding, errors);
        });
  }

  /** The cluster-wide statistics of {@code type}, or a short error text when they did not come. */
  private CompletionStage<Object> stats(String type) {
    EntityTypeKey<Object> key = EntityTypeKey.create(Object.class, type); // the query goes by name only
    CompletionStage<ShardRegion.ClusterShardingStats> asked = AskPattern.ask(
        ClusterSharding.get(system).shardState(),
        replyTo -> new GetClusterShardingStats(key, statsTimeout, replyTo),
        statsTimeout.plusSeconds(1),
        system.scheduler());
    return Stages.onSystem(asked, system)
        .<Object>thenApply(stats -> stats)
        .exceptionally(error -> "no statistics: " + (error.getCause() != null ? error.getCause() : error));
  }
}
