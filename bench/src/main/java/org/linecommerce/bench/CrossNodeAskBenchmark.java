package org.linecommerce.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.linecommerce.bench.support.BenchReport;
import org.linecommerce.bench.support.Load;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.CustomerCommand;
import org.linecommerce.customer.api.CustomerView;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.testkit.NodeProcess;
import org.linecommerce.testkit.TestDatabase;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * Issue 11, item 6 ("cross-node ask"): the customer-profile lookup ({@code CustomerClient.get}, the
 * resilient sharded ask of {@link InternalHopBenchmark}) to an entity on <b>another node JVM</b>,
 * over Artery TCP on loopback, against the same ask to an entity on the benchmark's own node, in
 * one run.
 *
 * <p>Set-up: a PostgreSQL database both nodes share (the customer entities persist there); a
 * second node started from {@code node/target/node.jar} as its own JVM ({@code NODE_ROLES=customer},
 * the cluster's seed); then this JVM's node (customer module, role {@code customer}) joins it. Both
 * host Customer shards, so the coordinator spreads new shards over the two; after registering
 * {@code --entities} customers, this node's shard region is asked which entities it hosts
 * ({@code GetShardRegionState}): those are the <em>local</em> ids, the others live on the remote
 * node (checked with {@code GetClusterShardingStats}, again after the measurement, so a rebalance
 * during the run would be seen). Every measured ask starts in this JVM.
 *
 * <p>Phases, alternated local/remote in {@code --rounds} rounds so drift in the machine's load
 * hits both sides alike: latency with one caller (closed loop, next ask when the previous answered,
 * over the ids of that side) and throughput at saturation ({@code --callers} concurrent callers).
 *
 * <pre>
 * java -Xmx1g -cp bench/target/benchmarks.jar org.linecommerce.bench.CrossNodeAskBenchmark [--quick]
 *     [--seconds 10] [--rounds 3] [--callers 64] [--entities 64] [--remote-jvm "JVM options"]
 * </pre>
 */
public final class CrossNodeAskBenchmark {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    boolean quick = options.containsKey("quick");
    int seconds = Integer.parseInt(options.getOrDefault("seconds", quick ? "3" : "10"));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", quick ? "1" : "3"));
    int callers = Integer.parseInt(options.getOrDefault("callers", "64"));
    int entities = Integer.parseInt(options.getOrDefault("entities", "64"));
    int warmupSeconds = quick ? 3 : 8;

    BenchReport report = new BenchReport("cross-node-ask",
        "Cross-node ask: CustomerClient.get to an entity on another node JVM (Artery TCP, loopback) vs on this node");
    report.param("secondsPerPhase", seconds).param("rounds", rounds).param("saturationCallers", callers)
        .param("entities", entities).param("warmupSecondsPerSide", warmupSeconds);

    Path dir = Files.createTempDirectory("bench-crossnode");
    TestDatabase database = TestDatabase.postgres();
    NodeProcess remote = null;
    Node node = null;
    try {
      Config db = database.config();
      int remotePort = TestNodeConfig.freePort();
      Map<String, String> env = new HashMap<>();
      env.put("NODE_PORT", String.valueOf(remotePort));
      env.put("HTTP_PORT", String.valueOf(TestNodeConfig.freePort()));
      env.put("MANAGEMENT_PORT", String.valueOf(TestNodeConfig.freePort()));
      env.put("CLUSTER_SEED_NODES", "127.0.0.1:" + remotePort);
      env.put("NODE_ROLES", "customer");
      env.put("DB_PROFILE", "postgres");
      env.put("DB_URL", db.getString("linecommerce.db.url"));
      env.put("DB_USER", db.getString("linecommerce.db.user"));
      env.put("DB_PASSWORD", db.getString("linecommerce.db.password"));
      env.put("CATALOG_SEED", "off");
      List<String> remoteJvm = new ArrayList<>(List.of("-Xms384m", "-Xmx384m"));
      // e.g. --remote-jvm "-XX:StartFlightRecording=duration=60s,filename=/tmp/remote.jfr"
      if (options.containsKey("remote-jvm")) remoteJvm.addAll(List.of(options.get("remote-jvm").trim().split("\\s+")));
      report.param("remoteJvm", String.join(" ", remoteJvm) + " -jar node.jar (NODE_ROLES=customer)");
      remote = NodeProcess.start(dir, "remote-node", remoteJvm, env,
          Integer.parseInt(env.get("HTTP_PORT")), Integer.parseInt(env.get("MANAGEMENT_PORT")));
      NodeProcess started = remote;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close));
      remote.awaitReady(Duration.ofSeconds(120));
      System.out.println("remote node ready: pekko://linecommerce@127.0.0.1:" + remotePort);

      node = Node.start(TestNodeConfig.node(database, ConfigFactory.parseString("""
          linecommerce.node.roles = "customer"
          linecommerce.node.seed-nodes = "127.0.0.1:%d"
          pekko.loglevel = WARNING
          """.formatted(remotePort))), List.of(new CustomerModule()));
      ActorSystem<?> system = node.system();
      awaitUp(system, 2, Duration.ofSeconds(60));
      // this node's Customer region registered with the coordinator before shards are allocated
      Thread.sleep(2_000);

      CustomerClient customers = new CustomerClient(system);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < entities; i++) ids.add(String.format("Ucrossnode%024d", i));
      for (String id : ids) {
        AskResult<?> r = customers.register(id, "Bench " + id.substring(id.length() - 4), "en", null, null,
            MessageMeta.root("bench", null)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (!(r instanceof AskResult.Ok<?>)) throw new IllegalStateException("register " + id + ": " + r);
      }

      Set<String> hostedHere = localEntities(system);
      List<String> local = ids.stream().filter(hostedHere::contains).toList();
      List<String> remoteIds = ids.stream().filter(id -> !hostedHere.contains(id)).toList();
      Map<Address, Integer> before = entitiesPerNode(system);
      System.out.println("placement: " + local.size() + " entities on this node, " + remoteIds.size()
          + " on the remote node; sharding stats " + before);
      if (local.isEmpty() || remoteIds.isEmpty()) {
        throw new IllegalStateException("sharding put every entity on one node (" + before + "); cannot compare");
      }
      Address self = Cluster.get(system).selfMember().address();
      int remoteHosted = before.entrySet().stream().filter(e -> !e.getKey().equals(self))
          .mapToInt(Map.Entry::getValue).sum();
      if (remoteHosted < remoteIds.size()) {
        throw new IllegalStateException("the remote node hosts " + remoteHosted + " entities, expected "
            + remoteIds.size() + ": " + before);
      }
      report.param("entitiesLocal", local.size()).param("entitiesRemote", remoteIds.size());

      // warm-up: both JVMs' JIT, Artery's connections and buffers
      Load.saturate(callers, Duration.ofSeconds(warmupSeconds), i -> get(customers, local, i));
      Load.saturate(callers, Duration.ofSeconds(warmupSeconds), i -> get(customers, remoteIds, i));
      Load.saturate(1, Duration.ofSeconds(warmupSeconds), i -> get(customers, remoteIds, i));

      Histogram localLatency = null, remoteLatency = null;
      long localAsks = 0, remoteAsks = 0, failures = 0;
      double localSeconds = 0, remoteSeconds = 0;
      Histogram localSatLatency = null, remoteSatLatency = null;
      Duration phase = Duration.ofSeconds(seconds);
      for (int round = 1; round <= rounds; round++) {
        Load.Result l = Load.saturate(1, phase, i -> get(customers, local, i));
        Load.Result r = Load.saturate(1, phase, i -> get(customers, remoteIds, i));
        localLatency = add(localLatency, l.latency());
        remoteLatency = add(remoteLatency, r.latency());
        Load.Result ls = Load.saturate(callers, phase, i -> get(customers, local, i));
        Load.Result rs = Load.saturate(callers, phase, i -> get(customers, remoteIds, i));
        localAsks += ls.succeeded();
        localSeconds += ls.seconds();
        remoteAsks += rs.succeeded();
        remoteSeconds += rs.seconds();
        localSatLatency = add(localSatLatency, ls.latency());
        remoteSatLatency = add(remoteSatLatency, rs.latency());
        for (Load.Result x : List.of(l, r, ls, rs)) {
          failures += x.failed();
          if (!x.firstFailures().isEmpty()) System.out.println("failures: " + x.firstFailures());
        }
        System.out.printf("round %d: one caller p50 local %.3f ms / remote %.3f ms; %d callers local %.0f/s remote %.0f/s%n",
            round, l.latency().getValueAtPercentile(50) / 1e6, r.latency().getValueAtPercentile(50) / 1e6, callers,
            ls.succeededPerSecond(), rs.succeededPerSecond());
      }

      Map<Address, Integer> after = entitiesPerNode(system);
      Set<String> hostedHereAfter = localEntities(system);
      boolean placementKept = local.stream().allMatch(hostedHereAfter::contains)
          && remoteIds.stream().noneMatch(hostedHereAfter::contains);
      report.param("placementKeptDuringRun", placementKept);
      report.note("entities per node before " + before + ", after " + after);

      report.latency("local ask, 1 caller", localLatency);
      report.latency("remote ask, 1 caller", remoteLatency);
      report.latency("local ask, " + callers + " callers", localSatLatency);
      report.latency("remote ask, " + callers + " callers", remoteSatLatency);
      double localRate = localAsks / localSeconds;
      double remoteRate = remoteAsks / remoteSeconds;
      report.figure("local asks/s at saturation", localRate, "asks/s");
      report.figure("remote asks/s at saturation", remoteRate, "asks/s");
      report.figure("failed asks", failures, "asks");
      report.ratio("p50 remote/local (1 caller)", ms(remoteLatency, 50), ms(localLatency, 50));
      report.ratio("p99 remote/local (1 caller)", ms(remoteLatency, 99), ms(localLatency, 99));
      report.ratio("throughput remote/local", remoteRate, localRate);
      report.ratio("p99 at saturation remote/local", ms(remoteSatLatency, 99), ms(localSatLatency, 99));
      report.check("failed asks", failures, "<=", 0, "asks");
      report.check("placement unchanged during the run (1 = yes)", placementKept ? 1 : 0, ">=", 1, "");
      report.note("remote phases load both JVMs (the caller's and the entity's), local phases only this one; "
          + "both JVMs share the machine's cores");
      report.finish();
    } finally {
      if (node != null) node.shutdown().toCompletableFuture().get(60, TimeUnit.SECONDS);
      if (remote != null) {
        try {
          remote.terminate();
        } finally {
          remote.close();
        }
      }
      database.close();
    }
  }

  private static CompletionStage<CustomerView> get(CustomerClient customers, List<String> ids, long i) {
    String id = ids.get((int) (i % ids.size()));
    return customers.get(id).thenApply(r -> {
      if (r instanceof AskResult.Ok<CustomerView> ok && ok.value().exists()) return ok.value();
      throw new IllegalStateException("get " + id + ": " + r);
    });
  }

  private static Histogram add(Histogram sum, Histogram h) {
    if (sum == null) return h.copy();
    sum.add(h);
    return sum;
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1e6;
  }

  /** Customer entity ids hosted by this node's shard region. */
  private static Set<String> localEntities(ActorSystem<?> system) throws Exception {
    ShardRegion.CurrentShardRegionState state = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
            ShardRegion.CurrentShardRegionState>ask(ClusterSharding.get(system).shardState(),
            replyTo -> new GetShardRegionState(CustomerCommand.ENTITY_KEY, replyTo), TIMEOUT, system.scheduler())
        .toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Set<String> ids = new HashSet<>();
    for (ShardRegion.ShardState shard : state.getShards()) ids.addAll(shard.getEntityIds());
    return ids;
  }

  /** Customer entities per node, from the coordinator's view of every region. */
  private static Map<Address, Integer> entitiesPerNode(ActorSystem<?> system) throws Exception {
    ShardRegion.ClusterShardingStats stats = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
            ShardRegion.ClusterShardingStats>ask(ClusterSharding.get(system).shardState(),
            replyTo -> new GetClusterShardingStats(CustomerCommand.ENTITY_KEY, TIMEOUT, replyTo), TIMEOUT.plusSeconds(1),
            system.scheduler())
        .toCompletableFuture().get(TIMEOUT.toMillis() + 2_000, TimeUnit.MILLISECONDS);
    Map<Address, Integer> perNode = new HashMap<>();
    stats.getRegions().forEach((address, region) ->
        perNode.put(address, region.getStats().values().stream().mapToInt(v -> ((Number) v).intValue()).sum()));
    return perNode;
  }

  private static void awaitUp(ActorSystem<?> system, int members, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    Cluster cluster = Cluster.get(system);
    while (true) {
      long up = 0;
      for (var m : cluster.state().getMembers()) if (m.status() == MemberStatus.up()) up++;
      if (up >= members && cluster.selfMember().status() == MemberStatus.up()) return;
      if (System.nanoTime() > deadline) throw new IllegalStateException("cluster has " + up + " members Up, expected " + members);
      Thread.sleep(200);
    }
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("unknown argument " + args[i]);
      String key = args[i].substring(2);
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) options.put(key, args[++i]);
      else options.put(key, "true");
    }
    return options;
  }
}
