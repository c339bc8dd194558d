package org.linecommerce.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.linecommerce.bench.support.BenchReport;
import org.linecommerce.bench.support.Machine;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.resilience.Stages;
import org.linecommerce.runtime.subscription.EventTags;

/**
 * Issue 11, item 3 ("journal"): events per second persisted through the project's journal
 * (pekko-persistence-jdbc behind {@code TimedJdbcJournal}, configured as in production by
 * {@link JournalNode}) by <b>1</b> entity and by <b>100</b> concurrent entities, against raw JDBC
 * batch inserts of the same rows into the same {@code event_journal}/{@code event_tag} tables of
 * the same database, on PostgreSQL and on H2 (file), in one run; and the persist latency (command
 * sent → reply after the event is persisted) against the disk's {@code fdatasync} latency measured
 * by {@code pg_test_fsync} in the same run.
 *
 * <p>The entity ({@link Ledger}) persists one small event per command, tagged like every domain
 * entity's events ({@link EventTags}, {@code linecommerce.subscriptions.tag-count} tags), and
 * replies once it is persisted. Each entity has one closed-loop caller (the next command goes when
 * the previous reply came). Raw baselines on one connection from the node's pool: {@code raw
 * batch} — {@code --entities} rows (events plus tags) per transaction, what the journal could at
 * best group for that many writers; {@code raw single} — one row per transaction, what one entity
 * can at best do (one commit per event).
 */
public final class JournalBenchmark {

  // ---------------------------------------------------------------- the bench entity

  /** A command of the bench entity (local only: sent in this JVM). */
  public sealed interface LedgerCommand {}

  /** Persists one {@link Entry}; replies the entry's sequence number once persisted. */
  public record Append(String note, ActorRef<Long> replyTo) implements LedgerCommand {}

  /** The bench entity's one event, serialized by the project's binding (Jackson CBOR). */
  public record Entry(String ledgerId, long number, String note, Instant at) implements CborSerializable {}

  /** An event-sourced entity that persists one small event per command and replies after persist. */
  static final class Ledger extends EventSourcedBehaviorWithEnforcedReplies<LedgerCommand, Entry, Long> {
    private final String id;
    private final Set<String> tags;

    Ledger(String id, EventTags tags) {
      super(PersistenceId.of("JournalBench", id));
      this.id = id;
      this.tags = tags.tagsFor(id);
    }

    static Behavior<LedgerCommand> create(ActorSystem<?> system, String id) {
      return new Ledger(id, EventTags.fromConfig(system, "journal-bench"));
    }

    @Override
    public Long emptyState() {
      return 0L;
    }

    @Override
    public CommandHandlerWithReply<LedgerCommand, Entry, Long> commandHandler() {
      return newCommandHandlerWithReplyBuilder().forAnyState()
          .onCommand(Append.class, (n, cmd) -> Effect().persist(new Entry(id, n + 1, cmd.note(), Instant.now()))
              .thenReply(cmd.replyTo(), s -> s))
          .build();
    }

    @Override
    public EventHandler<Long, Entry> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onEvent(Entry.class, (n, e) -> e.number()).build();
    }

    @Override
    public Set<String> tagsFor(Entry event) {
      return tags;
    }
  }

  // ---------------------------------------------------------------- options

  record Options(List<String> databases, Duration measure, Duration warmup, int entities, int noteChars,
      int fsyncSeconds, Path fsyncDir, String journalDao, boolean before) {
    static Options parse(String[] args) {
      List<String> dbs = List.of("postgres", "h2");
      Duration measure = Duration.ofSeconds(15);
      Duration warmup = Duration.ofSeconds(8);
      int entities = 100;
      int noteChars = 64;
      int fsyncSeconds = 2;
      Path fsyncDir = Path.of("bench", "target");
      String journalDao = "";
      boolean before = true;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--db" -> dbs = Arrays.asList(args[++i].split(","));
          case "--seconds" -> measure = Duration.ofSeconds(Long.parseLong(args[++i]));
          case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(args[++i]));
          case "--entities" -> entities = Integer.parseInt(args[++i]);
          case "--note-chars" -> noteChars = Integer.parseInt(args[++i]);
          case "--fsync-seconds" -> fsyncSeconds = Integer.parseInt(args[++i]);
          case "--fsync-dir" -> fsyncDir = Path.of(args[++i]);
          case "--journal-dao" -> journalDao = args[++i];
          case "--no-before" -> before = false;
          case "--quick" -> {
            measure = Duration.ofSeconds(4);
            warmup = Duration.ofSeconds(3);
            fsyncSeconds = 1;
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]
              + " (options: --db postgres,h2 --seconds 15 --warmup 8 --entities 100 --note-chars 64"
              + " --fsync-seconds 2 --fsync-dir bench/target --journal-dao <class> --no-before --quick)");
        }
      }
      return new Options(dbs, measure, warmup, entities, noteChars, fsyncSeconds, fsyncDir, journalDao, before);
    }
  }

  /** What one measured phase did. */
  record Phase(long events, double seconds, Histogram latency) {
    double perSecond() {
      return events / seconds;
    }
  }

  private static final AtomicLong RUN = new AtomicLong();
  private static final String PLUGIN_DAO = "org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao";

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    BenchReport report = new BenchReport("journal", "Journal: events/s and persist latency, 1 vs "
        + o.entities() + " entities vs raw JDBC batch");
    report.param("databases", o.databases()).param("measureSeconds", o.measure().toSeconds())
        .param("warmupSeconds", o.warmup().toSeconds()).param("entities", o.entities())
        .param("noteChars", o.noteChars())
        .param("journalDao", o.journalDao().isEmpty() ? "(the project's)" : o.journalDao());

    // the disk first, alone: what one fdatasync costs on the filesystem of PostgreSQL's data
    Fsync fsync = Fsync.measure(o.fsyncDir(), o.fsyncSeconds());
    report.figure("disk: fdatasync ops/s (pg_test_fsync, one 8 kB write)", fsync.opsPerSecond(), "ops/s");
    report.figure("disk: fdatasync latency", fsync.latencyMs(), "ms");
    report.note("pg_test_fsync on " + fsync.file() + " (" + fsync.fileStore() + ")");

    String note = "n".repeat(o.noteChars());
    Map<String, Double> rawPerSecond = new java.util.HashMap<>();
    for (String db : o.databases()) {
      String daoConfig = o.journalDao().isEmpty() ? "" : "jdbc-journal.dao = \"" + o.journalDao() + "\"";
      try (JournalNode jn = JournalNode.start(db, daoConfig)) {
        ActorSystem<Void> system = jn.node.system();
        Map<String, String> settings = jn.commitSettings();
        if (!settings.isEmpty()) {
          report.param(db + ".settings", settings);
          String dataDir = settings.get("data_directory");
          report.note(db + ": " + settings + "; data directory "
              + (fsync.sameFileStoreAs(dataDir) ? "on the same filesystem as" : "NOT known to be on the filesystem of")
              + " the pg_test_fsync file");
        }
        JournalRows.Payload payload =
            JournalRows.serialize(system, new Entry("run-0-0", 1, note, Instant.now()));
        report.param(db + ".eventPayloadBytes", payload.bytes().length);

        System.out.printf(Locale.ROOT, "[%s] warm-up %d s with %d entities%n", db, o.warmup().toSeconds(), o.entities());
        persist(system, o.entities(), o.warmup(), note);
        rawBatch(jn, payload, o.entities(), o.warmup().dividedBy(2), EventTags.fromConfig(system, "journal-bench"));

        Phase one = persist(system, 1, o.measure(), note);
        print(db, "1 entity", one);
        Phase many = persist(system, o.entities(), o.measure(), note);
        print(db, o.entities() + " entities", many);
        EventTags tags = EventTags.fromConfig(system, "journal-bench");
        Phase raw = rawBatch(jn, payload, o.entities(), o.measure(), tags);
        rawPerSecond.put(db, raw.perSecond());
        print(db, "raw JDBC batch of " + o.entities(), raw);
        Phase rawSingle = rawBatch(jn, payload, 1, o.measure(), tags);
        print(db, "raw JDBC single-row commits", rawSingle);

        report.latency(db + ": 1 entity", one.latency());
        report.latency(db + ": " + o.entities() + " entities", many.latency());
        report.latency(db + ": raw batch of " + o.entities() + " (per batch)", raw.latency());
        report.latency(db + ": raw single row (per commit)", rawSingle.latency());
        report.figure(db + ": events/s, 1 entity", one.perSecond(), "events/s");
        report.figure(db + ": events/s, " + o.entities() + " entities", many.perSecond(), "events/s");
        report.figure(db + ": events/s, raw JDBC batch of " + o.entities(), raw.perSecond(), "events/s");
        report.figure(db + ": events/s, raw JDBC single-row commits", rawSingle.perSecond(), "events/s");
        double scale = report.ratio(db + ": " + o.entities() + " entities / 1 entity", many.perSecond(), one.perSecond());
        double ofRaw = report.ratio(db + ": " + o.entities() + " entities / raw batch", many.perSecond(), raw.perSecond());
        report.ratio(db + ": 1 entity / raw single-row commits", one.perSecond(), rawSingle.perSecond());
        double p50One = ms(one.latency().getValueAtPercentile(50));
        double p50Many = ms(many.latency().getValueAtPercentile(50));
        report.ratio(db + ": p50 persist, 1 entity / fdatasync", p50One, fsync.latencyMs());
        report.ratio(db + ": p50 persist, " + o.entities() + " entities / fdatasync", p50Many, fsync.latencyMs());
        report.figure(db + ": " + o.entities() + " entities, Little's law wait (entities / events/s)",
            1000.0 * o.entities() / many.perSecond(), "ms");
        report.check(db + ": " + o.entities() + " entities vs 1 entity", scale, ">=", 10, "x");
        report.check(db + ": " + o.entities() + " entities vs raw JDBC batch", ofRaw, ">=", 0.5, "x");
        if (db.equals("postgres")) {
          report.check(db + ": p50 persist latency (1 entity) vs 3 x fdatasync", p50One, "<=", 3 * fsync.latencyMs(), "ms");
        }
      }
      if (o.before()) {
        // before issue 11's fix: the plugin's own DAO (one INSERT ... RETURNING per tagged event), same phases
        try (JournalNode jn = JournalNode.start(db, "jdbc-journal.dao = \"" + PLUGIN_DAO + "\"")) {
          ActorSystem<Void> system = jn.node.system();
          persist(system, o.entities(), o.warmup(), note);
          Phase one = persist(system, 1, o.measure(), note);
          print(db, "1 entity, plugin DAO", one);
          Phase many = persist(system, o.entities(), o.measure(), note);
          print(db, o.entities() + " entities, plugin DAO", many);
          report.latency(db + ": " + o.entities() + " entities, plugin DAO (before)", many.latency());
          report.figure(db + ": events/s, 1 entity, plugin DAO (before)", one.perSecond(), "events/s");
          report.figure(db + ": events/s, " + o.entities() + " entities, plugin DAO (before)", many.perSecond(), "events/s");
          report.ratio(db + ": " + o.entities() + " entities / 1 entity, plugin DAO (before)", many.perSecond(),
              one.perSecond());
          report.figure(db + ": events/s, " + o.entities() + " entities, plugin DAO / raw batch (before)",
              many.perSecond() / rawPerSecond.get(db), "x");
        }
      }
    }
    report.note("cores " + Machine.cores() + ", load average at end " + Machine.loadAverage());
    report.finish();
    System.exit(0);
  }

  private static double ms(double nanos) {
    return nanos / 1e6;
  }

  private static void print(String db, String what, Phase p) {
    System.out.printf(Locale.ROOT, "[%s] %-30s %10.0f events/s  p50 %7.2f ms  p99 %7.2f ms  (%d events in %.1f s)%n",
        db, what, p.perSecond(), ms(p.latency().getValueAtPercentile(50)), ms(p.latency().getValueAtPercentile(99)),
        p.events(), p.seconds());
  }

  // ---------------------------------------------------------------- entities, closed loop

  /** {@code n} fresh entities, one closed-loop caller each, for {@code duration}. */
  static Phase persist(ActorSystem<Void> system, int n, Duration duration, String note) throws Exception {
    long run = RUN.incrementAndGet();
    List<ActorRef<LedgerCommand>> ledgers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "run-" + run + "-" + i;
      ledgers.add(system.systemActorOf(Ledger.create(system, id), "ledger-" + id, Props.empty()));
    }
    // every entity recovered (an empty journal) and answering before the clock starts
    for (ActorRef<LedgerCommand> l : ledgers) call(system, l, note).toCompletableFuture().get(30, TimeUnit.SECONDS);

    Histogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(1), 3);
    AtomicLong events = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (ActorRef<LedgerCommand> l : ledgers) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      loop(system, l, note, end, latency, events, done);
      loops.add(done);
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(duration.toSeconds() + 60, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    // the entities of a finished phase stay idle in memory (a few hundred actors per run)
    return new Phase(events.get(), seconds, latency);
  }

  private static java.util.concurrent.CompletionStage<Long> call(ActorSystem<Void> system, ActorRef<LedgerCommand> l,
      String note) {
    return AskPattern.ask(l, (ActorRef<Long> r) -> new Append(note, r), Duration.ofSeconds(30), system.scheduler());
  }

  private static void loop(ActorSystem<Void> system, ActorRef<LedgerCommand> l, String note, long end, Histogram latency,
      AtomicLong events, CompletableFuture<Void> done) {
    long t0 = System.nanoTime();
    // on the replying actor's thread: a plain whenComplete on the stage Pekko's Java API converted
    // from a Scala future runs as whenCompleteAsync, a new thread per event on 2 cores (Stages)
    Stages.onCompletingThread(call(system, l, note), (seq, error) -> {
      if (error != null) {
        done.completeExceptionally(error);
        return;
      }
      long now = System.nanoTime();
      latency.recordValue(Math.min(now - t0, TimeUnit.MINUTES.toNanos(1)));
      events.incrementAndGet();
      if (now < end) loop(system, l, note, end, latency, events, done);
      else done.complete(null);
    });
  }

  // ---------------------------------------------------------------- raw JDBC

  /** Batches of {@code batch} rows (plus tags) per transaction on one pooled connection; latency per batch. */
  static Phase rawBatch(JournalNode jn, JournalRows.Payload payload, int batch, Duration duration, EventTags tags)
      throws Exception {
    long run = RUN.incrementAndGet();
    String writer = "raw-" + run;
    Histogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(1), 3);
    long events = 0;
    long[] seq = new long[batch];
    try (Connection c = jn.connect()) {
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long now = start;
      while (now < end) {
        List<JournalRows.Row> rows = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          String pid = "JournalBench|raw-" + run + "-" + i;
          rows.add(JournalRows.row(pid, ++seq[i], writer, payload, tags.tagsFor("raw-" + run + "-" + i)));
        }
        long t0 = System.nanoTime();
        JournalRows.insert(c, rows);
        now = System.nanoTime();
        latency.recordValue(now - t0);
        events += batch;
      }
      return new Phase(events, (now - start) / 1e9, latency);
    }
  }

  // ---------------------------------------------------------------- the disk

  /** {@code pg_test_fsync}'s fdatasync figure (one 8 kB write per sync). */
  record Fsync(double opsPerSecond, Path file, String fileStore) {
    double latencyMs() {
      return 1000.0 / opsPerSecond;
    }

    boolean sameFileStoreAs(String directory) {
      try {
        return directory != null && Files.getFileStore(Path.of(directory)).name().equals(fileStore);
      } catch (Exception e) {
        return false;
      }
    }

    private static final Pattern FDATASYNC = Pattern.compile("^\\s+fdatasync\\s+([0-9.]+) ops/sec");

    static Fsync measure(Path dir, int seconds) throws Exception {
      Files.createDirectories(dir);
      Path file = dir.toAbsolutePath().resolve("pg_test_fsync.tmp");
      String binary = System.getenv().getOrDefault("PG_TEST_FSYNC", "/usr/lib/postgresql/15/bin/pg_test_fsync");
      Process p = new ProcessBuilder(binary, "-s", String.valueOf(seconds), "-f", file.toString())
          .redirectErrorStream(true).start();
      Double ops = null;
      StringBuilder out = new StringBuilder();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          out.append(line).append('\n');
          Matcher m = FDATASYNC.matcher(line);
          if (ops == null && m.find()) ops = Double.parseDouble(m.group(1));
        }
      }
      p.waitFor();
      Files.deleteIfExists(file);
      if (ops == null) throw new IllegalStateException("no fdatasync line in pg_test_fsync's output:\n" + out);
      System.out.printf(Locale.ROOT, "pg_test_fsync: fdatasync %.1f ops/s = %.3f ms per sync (%s)%n", ops, 1000 / ops, file);
      return new Fsync(ops, file, Files.getFileStore(dir).name());
    }
  }

  private JournalBenchmark() {}
}
