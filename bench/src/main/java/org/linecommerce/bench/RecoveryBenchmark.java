package org.linecommerce.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.linecommerce.bench.support.BenchReport;
import org.linecommerce.bench.support.Machine;
import org.linecommerce.customer.api.Activity;
import org.linecommerce.customer.api.CustomerCommand;
import org.linecommerce.customer.api.CustomerEvent.ActivityRecorded;
import org.linecommerce.customer.api.CustomerEvent.CustomerRegistered;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.customer.api.CustomerView;
import org.linecommerce.customer.api.UpdateResult;
import org.linecommerce.customer.internal.Customer;
import org.linecommerce.runtime.MessageMeta;

/**
 * Issue 11, item 4 ("recovery"): how long a real domain entity takes from its start to its first
 * reply when it has a long journal, with and without snapshots, on the project's persistence
 * configuration ({@link JournalNode}: pekko-persistence-jdbc as in production).
 *
 * <p>The entity is the {@code Customer} (its real behaviour, events and snapshot policy:
 * {@code snapshotEvery(100, 2)}), with a journal of one {@code CustomerRegistered} and then
 * {@code ActivityRecorded} events (product views, searches, messages), the customer's activity
 * history. Each journal is laid down with raw JDBC batches of the rows the plugin writes
 * ({@link JournalRows}: same columns, tags, CBOR payloads), except its <b>last</b> event, which the
 * entity itself persists through a {@code RecordActivity} command, so the snapshot it takes there
 * (sequence number a multiple of 100) is the project's own. Three customers:
 * <ul>
 *   <li>{@code snapshot}: 10,000 events, the snapshot at 10,000 kept (recovery loads the snapshot
 *       and replays the events after it: none here; at most 99 with {@code snapshotEvery(100)});
 *   <li>{@code full}: the same 10,000 events, its snapshots deleted (recovery replays every event);
 *   <li>{@code small}: 1,000 events, snapshots deleted.
 * </ul>
 * A recovery is timed from spawning the entity (a fresh incarnation, the previous one stopped) to
 * the reply of its first command ({@code Get}): the highest-sequence-number query, the snapshot
 * load, the replay through the event handler, the reply. Pekko 1.2's typed persistence saves a
 * snapshot right after a recovery that replayed at least {@code snapshotEvery} events (here 100)
 * and only then handles the stashed {@code Get}, so the "without snapshot" times include saving
 * that snapshot (what a real entity without a snapshot pays), and the benchmark deletes it again
 * (untimed) before the next round. Rounds alternate the three customers;
 * the first {@code --warmup} rounds are not counted.
 */
public final class RecoveryBenchmark {

  /** The host of the entity under test: spawns a fresh incarnation, forwards commands, stops it. */
  sealed interface HostCommand {}

  record Recover(String userId, ActorRef<CustomerView> replyTo) implements HostCommand {}

  record Forward(CustomerCommand command) implements HostCommand {}

  record Stop(ActorRef<Done> replyTo) implements HostCommand {}

  private record Stopped(ActorRef<Done> replyTo) implements HostCommand {}

  static Behavior<HostCommand> host() {
    return Behaviors.setup(ctx -> {
      ActorRef<CustomerCommand>[] current = new ActorRef[1];
      int[] incarnation = {0};
      return Behaviors.receive(HostCommand.class)
          .onMessage(Recover.class, r -> {
            current[0] = ctx.spawn(Customer.create(r.userId()), "customer-" + (++incarnation[0]));
            current[0].tell(new CustomerCommand.Get(r.replyTo()));
            return Behaviors.same();
          })
          .onMessage(Forward.class, f -> {
            current[0].tell(f.command());
            return Behaviors.same();
          })
          .onMessage(Stop.class, s -> {
            ctx.watchWith(current[0], new Stopped(s.replyTo()));
            ctx.stop(current[0]);
            return Behaviors.same();
          })
          .onMessage(Stopped.class, s -> {
            s.replyTo().tell(Done.getInstance());
            return Behaviors.same();
          })
          .build();
    });
  }

  record Options(List<String> databases, int events, int smallEvents, int rounds, int warmup) {
    static Options parse(String[] args) {
      List<String> dbs = List.of("postgres", "h2");
      int events = 10_000;
      int small = 1_000;
      int rounds = 9;
      int warmup = 3;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--db" -> dbs = Arrays.asList(args[++i].split(","));
          case "--events" -> events = Integer.parseInt(args[++i]);
          case "--small-events" -> small = Integer.parseInt(args[++i]);
          case "--rounds" -> rounds = Integer.parseInt(args[++i]);
          case "--warmup" -> warmup = Integer.parseInt(args[++i]);
          case "--quick" -> {
            rounds = 3;
            warmup = 2;
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]
              + " (options: --db postgres,h2 --events 10000 --small-events 1000 --rounds 9 --warmup 3 --quick)");
        }
      }
      if (events % 100 != 0 || small % 100 != 0) throw new IllegalArgumentException("event counts must be multiples of 100");
      return new Options(dbs, events, small, rounds, warmup);
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    BenchReport report = new BenchReport("recovery", "Recovery: Customer with " + o.events()
        + " events, with and without snapshots");
    report.param("databases", o.databases()).param("events", o.events()).param("smallEvents", o.smallEvents())
        .param("rounds", o.rounds()).param("warmupRounds", o.warmup());
    for (String db : o.databases()) {
      try (JournalNode jn = JournalNode.start(db, "")) {
        ActorSystem<Void> system = jn.node.system();
        ActorRef<HostCommand> host = system.systemActorOf(host(), "recovery-host", Props.empty());
        Map<String, String> customers = new LinkedHashMap<>();
        customers.put("snapshot", prepare(jn, host, "snap", o.events(), true));
        customers.put("full", prepare(jn, host, "full", o.events(), false));
        customers.put("small", prepare(jn, host, "small", o.smallEvents(), false));
        report.param(db + ".snapshotPayloadBytes", snapshotBytes(jn, customers.get("snapshot")));

        Map<String, Histogram> times = new LinkedHashMap<>();
        Map<String, List<Double>> all = new LinkedHashMap<>();
        customers.keySet().forEach(k -> {
          times.put(k, new Histogram(TimeUnit.MINUTES.toNanos(5), 3));
          all.put(k, new ArrayList<>());
        });
        for (int round = 0; round < o.warmup() + o.rounds(); round++) {
          boolean counted = round >= o.warmup();
          for (Map.Entry<String, String> c : customers.entrySet()) {
            // the entity saved a snapshot after its last replay (see the class comment): gone again, untimed
            if (!c.getKey().equals("snapshot")) deleteSnapshots(jn, c.getValue());
            long nanos = recover(system, host, c.getValue());
            all.get(c.getKey()).add(nanos / 1e6);
            if (counted) times.get(c.getKey()).recordValue(nanos);
          }
          System.out.printf(Locale.ROOT, "[%s] round %d%s: snapshot %.1f ms, full %.1f ms, small %.1f ms%n", db, round + 1,
              counted ? "" : " (warm-up)", last(all.get("snapshot")), last(all.get("full")), last(all.get("small")));
        }
        String snapLabel = db + ": " + o.events() + " events, snapshot at " + o.events();
        String fullLabel = db + ": " + o.events() + " events, no snapshot";
        String smallLabel = db + ": " + o.smallEvents() + " events, no snapshot";
        report.latency(snapLabel, times.get("snapshot"));
        report.latency(fullLabel, times.get("full"));
        report.latency(smallLabel, times.get("small"));
        all.forEach((k, v) -> report.param(db + ".recoveryMs." + k + " (all rounds, warm-up first)", v));
        double snap = times.get("snapshot").getValueAtPercentile(50) / 1e6;
        double full = times.get("full").getValueAtPercentile(50) / 1e6;
        double small = times.get("small").getValueAtPercentile(50) / 1e6;
        report.figure(db + ": p50 recovery, " + o.events() + " events with snapshot", snap, "ms");
        report.figure(db + ": p50 recovery, " + o.events() + " events without snapshot", full, "ms");
        report.figure(db + ": p50 recovery, " + o.smallEvents() + " events without snapshot", small, "ms");
        report.figure(db + ": replay rate without snapshot (" + o.events() + " events / p50)", o.events() / (full / 1000),
            "events/s");
        double speedup = report.ratio(db + ": without / with snapshot (p50)", full, snap);
        report.check(db + ": with snapshots vs without (" + o.events() + " events)", speedup, ">=", 10, "x");
        report.check(db + ": " + o.smallEvents() + " events recover (p50)", small, "<=", 100, "ms");
      }
    }
    report.note("cores " + Machine.cores() + ", load average at end " + Machine.loadAverage());
    report.finish();
    System.exit(0);
  }

  private static double last(List<Double> values) {
    return values.get(values.size() - 1);
  }

  /** Spawns a fresh incarnation, waits for its first reply, stops it; returns spawn → reply nanos. */
  static long recover(ActorSystem<Void> system, ActorRef<HostCommand> host, String userId) throws Exception {
    long t0 = System.nanoTime();
    CustomerView view = AskPattern.<HostCommand, CustomerView>ask(host, r -> new Recover(userId, r), TIMEOUT,
        system.scheduler()).toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    long nanos = System.nanoTime() - t0;
    if (!view.exists() || view.recentActivity().isEmpty()) throw new IllegalStateException("not recovered: " + view);
    AskPattern.<HostCommand, Done>ask(host, Stop::new, TIMEOUT, system.scheduler()).toCompletableFuture()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return nanos;
  }

  /**
   * A customer with {@code events} events: raw rows 1..events-1, then the last one persisted by
   * the entity (which snapshots there); the snapshots deleted unless {@code keepSnapshot}.
   */
  static String prepare(JournalNode jn, ActorRef<HostCommand> host, String kind, int events, boolean keepSnapshot)
      throws Exception {
    ActorSystem<Void> system = jn.node.system();
    String userId = "U" + UUID.randomUUID().toString().replace("-", "");
    String pid = PersistenceId.of(CustomerCommand.ENTITY_KEY.name(), userId).id();
    Set<String> tags = Customer.tags(system).tagsFor(userId);
    String writer = UUID.randomUUID().toString();
    long start = System.nanoTime();
    Instant t = Instant.now().minus(Duration.ofDays(365));
    try (Connection c = jn.connect()) {
      List<JournalRows.Row> batch = new ArrayList<>();
      CustomerProfile profile = new CustomerProfile("Bench " + kind, "ja", null, null, List.of("green tea"),
          List.of("tea", "snacks"), true);
      batch.add(JournalRows.row(pid, 1, writer,
          JournalRows.serialize(system, new CustomerRegistered(userId, profile, meta(t))), tags));
      for (long seq = 2; seq < events; seq++) {
        t = t.plusSeconds(60);
        batch.add(JournalRows.row(pid, seq, writer, JournalRows.serialize(system, activity(userId, seq, t)), tags));
        if (batch.size() == 1_000) {
          JournalRows.insert(c, batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) JournalRows.insert(c, batch);
    }
    // the last event through the entity: its snapshot (events is a multiple of snapshotEvery = 100)
    AskPattern.<HostCommand, CustomerView>ask(host, r -> new Recover(userId, r), TIMEOUT, system.scheduler())
        .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    StatusReply<UpdateResult> recorded = AskPattern.<HostCommand, StatusReply<UpdateResult>>ask(host,
        r -> new Forward(new CustomerCommand.RecordActivity(Activity.PRODUCT_VIEWED, "{\"productId\":\"P-00001\"}",
            Instant.now(), "line", MessageMeta.root("line", null), r)), TIMEOUT, system.scheduler())
        .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!recorded.isSuccess()) throw new IllegalStateException("RecordActivity: " + recorded);
    AskPattern.<HostCommand, Done>ask(host, Stop::new, TIMEOUT, system.scheduler()).toCompletableFuture()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    try (Connection c = jn.connect()) {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (highest(c, "SELECT MAX(sequence_number) FROM snapshot WHERE persistence_id = ?", pid) < events) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("no snapshot at " + events + " for " + pid);
        Thread.sleep(20);
      }
      long journal = highest(c, "SELECT MAX(sequence_number) FROM event_journal WHERE persistence_id = ?", pid);
      if (journal != events) throw new IllegalStateException(pid + ": journal ends at " + journal + ", expected " + events);
    }
    if (!keepSnapshot) deleteSnapshots(jn, userId);
    System.out.printf(Locale.ROOT, "[%s] prepared %s: %d events%s in %.1f s%n", jn.db, kind, events,
        keepSnapshot ? ", snapshot at " + events : ", snapshots deleted", (System.nanoTime() - start) / 1e9);
    return userId;
  }

  static void deleteSnapshots(JournalNode jn, String userId) throws Exception {
    String pid = PersistenceId.of(CustomerCommand.ENTITY_KEY.name(), userId).id();
    try (Connection c = jn.connect(); PreparedStatement s = c.prepareStatement("DELETE FROM snapshot WHERE persistence_id = ?")) {
      s.setString(1, pid);
      s.executeUpdate();
    }
  }

  private static long highest(Connection c, String sql, String pid) throws Exception {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, pid);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }

  private static int snapshotBytes(JournalNode jn, String userId) throws Exception {
    String pid = PersistenceId.of(CustomerCommand.ENTITY_KEY.name(), userId).id();
    try (Connection c = jn.connect();
        PreparedStatement s = c.prepareStatement(
            "SELECT snapshot_payload FROM snapshot WHERE persistence_id = ? ORDER BY sequence_number DESC")) {
      s.setString(1, pid);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getBytes(1).length : -1;
      }
    }
  }

  private static final String[] QUERIES = {"green tea", "matcha", "sunscreen", "bento box", "ปากกาเจล", "日焼け止め"};

  /** The customer's activity history: product views, searches, messages, as the gateway and catalog record them. */
  private static ActivityRecorded activity(String userId, long seq, Instant at) {
    MessageMeta meta = meta(at);
    return switch ((int) (seq % 3)) {
      case 0 -> new ActivityRecorded(userId, Activity.PRODUCT_VIEWED,
          "{\"productId\":\"P-" + String.format(Locale.ROOT, "%05d", seq % 997) + "\"}", at, "catalog", meta);
      case 1 -> new ActivityRecorded(userId, Activity.SEARCHED,
          "{\"query\":\"" + QUERIES[(int) (seq % QUERIES.length)] + "\"}", at, "catalog", meta);
      default -> new ActivityRecorded(userId, Activity.MESSAGE_SENT, "{\"kind\":\"text\"}", at, "line", meta);
    };
  }

  private static MessageMeta meta(Instant at) {
    MessageMeta root = MessageMeta.root("line", null);
    return new MessageMeta(root.messageId(), root.correlationId(), null, root.traceparent(), at, root.source());
  }

  private RecoveryBenchmark() {}
}
