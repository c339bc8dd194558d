package org.linecommerce.catalog.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductCommand;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.persistence.Database;

/**
 * Imports the seed catalog once, on the first start of an empty database. The seed is
 * {@code linecommerce.catalog.seed} ({@code CATALOG_SEED}): empty for the bundled sample catalog
 * ({@code catalog/sample-products.json}), a file path for another catalog, {@code off} for none.
 *
 * <p>It runs as a cluster singleton on the {@code catalog} role, so one node seeds however many
 * start at once, and it is event-sourced (persistence id {@code CatalogSeed|catalog}), so the
 * decision survives restarts: {@code SeedSkipped} when products already existed (no event of a
 * {@code Product|…} persistence id may be in the journal), {@code SeedStarted} before importing and
 * {@code SeedCompleted} after. A seed interrupted by a crash is resumed on the next start
 * (upserts are idempotent); a completed or skipped one never runs again, so admin changes are never
 * overwritten. Entries the import could not deliver (no answer from a product) make it retry the
 * whole import with backoff; entries the products refused are logged and stay out.
 */
public final class CatalogSeeder
    extends EventSourcedBehaviorWithEnforcedReplies<CatalogSeeder.Command, CatalogSeeder.Event, CatalogSeeder.State> {

  static final String BUNDLED = CatalogFile.SAMPLE_RESOURCE;
  static final String PERSISTENCE_ID = "CatalogSeed|catalog";
  private static final String RETRY_TIMER = "retry";
  private static final Duration MIN_BACKOFF = Duration.ofSeconds(2);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  public enum Phase { NEW, RUNNING, COMPLETED, SKIPPED }

  /** Persisted progress of the one-time seed. */
  public record State(Phase phase, String source, String detail, int created, int updated, int unchanged, int rejected)
      implements CborSerializable {
    static State empty() {
      return new State(Phase.NEW, null, null, 0, 0, 0, 0);
    }
  }

  /** Reply of {@link GetStatus}: the persisted state and what the seeder is doing now. */
  public record Status(State state, String activity) implements CborSerializable {}

  public sealed interface Command extends CborSerializable {}

  /** Replies the {@link Status}. */
  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  private enum Begin implements Command { INSTANCE }

  private record CatalogChecked(boolean empty, String error) implements Command {}

  private record ImportFinished(CatalogImport.Report report, String error) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record SeedStarted(String source, Instant at) implements Event {}

  public record SeedCompleted(int created, int updated, int unchanged, int rejected, Instant at) implements Event {}

  public record SeedSkipped(String reason, Instant at) implements Event {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String seed;
  private Duration backoff = MIN_BACKOFF;
  private String activity = "starting";

  private CatalogSeeder(ActorContext<Command> context, TimerScheduler<Command> timers) {
    super(PersistenceId.ofUniqueId(PERSISTENCE_ID),
        SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    this.context = context;
    this.timers = timers;
    this.seed = context.getSystem().settings().config().getString("linecommerce.catalog.seed").trim();
  }

  /** Starts the seeder singleton (on the oldest {@code catalog} node; a proxy elsewhere). Idempotent. */
  public static ActorRef<Command> init(ActorSystem<?> system) {
    return ClusterSingleton.get(system).init(
        SingletonActor.of(create(), "catalog-seeder")
            .withSettings(ClusterSingletonSettings.create(system).withRole(Product.ROLE)));
  }

  /** The seeder's status, through the singleton proxy. */
  public static CompletionStage<Status> status(ActorSystem<?> system, Duration timeout) {
    return AskPattern.ask(init(system), GetStatus::new, timeout, system.scheduler());
  }

  static Behavior<Command> create() {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new CatalogSeeder(ctx, timers)));
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(s -> s.phase() == Phase.NEW)
        .onCommand(Begin.class, this::onBeginNew)
        .onCommand(CatalogChecked.class, this::onCatalogChecked);
    builder.forState(s -> s.phase() == Phase.RUNNING)
        .onCommand(Begin.class, (state, cmd) -> {
          if (seed.equalsIgnoreCase("off")) {
            activity = "seeding is off (linecommerce.catalog.seed = off); an interrupted seed stays unfinished";
          } else {
            runImport(state.source());
          }
          return Effect().noReply();
        })
        .onCommand(ImportFinished.class, this::onImportFinished);
    builder.forAnyState()
        .onCommand(GetStatus.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Status(state, activity)))
        .onAnyCommand(() -> Effect().noReply());
    return builder.build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(SeedStarted.class, (s, e) -> new State(Phase.RUNNING, e.source(), null, 0, 0, 0, 0))
        .onEvent(SeedCompleted.class, (s, e) ->
            new State(Phase.COMPLETED, s.source(), null, e.created(), e.updated(), e.unchanged(), e.rejected()))
        .onEvent(SeedSkipped.class, (s, e) -> new State(Phase.SKIPPED, s.source(), e.reason(), 0, 0, 0, 0))
        .build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          switch (state.phase()) {
            case NEW -> context.getSelf().tell(Begin.INSTANCE);
            case RUNNING -> {
              context.getLog().info("Catalog seed from {} was interrupted; resuming it", state.source());
              context.getSelf().tell(Begin.INSTANCE);
            }
            default -> activity = "done";
          }
        })
        .build();
  }

  private ReplyEffect<Event, State> onBeginNew(State state, Begin cmd) {
    if (seed.equalsIgnoreCase("off")) {
      activity = "seeding is off (linecommerce.catalog.seed = off)";
      return Effect().noReply();
    }
    activity = "checking whether the catalog is empty";
    context.pipeToSelf(catalogIsEmpty(), (empty, error) -> error == null
        ? new CatalogChecked(empty, null)
        : new CatalogChecked(false, String.valueOf(error.getMessage())));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onCatalogChecked(State state, CatalogChecked cmd) {
    if (cmd.error() != null) {
      context.getLog().warn("Catalog seed: could not check the journal ({}); retrying in {}", cmd.error(), backoff);
      retryLater();
      return Effect().noReply();
    }
    if (!cmd.empty()) {
      activity = "done";
      context.getLog().info("Catalog seed skipped: the catalog already has products");
      return Effect().persist(new SeedSkipped("the catalog already has products", Instant.now())).thenNoReply();
    }
    String source = seed.isEmpty() ? "bundled sample catalog (" + BUNDLED + ")" : seed;
    context.getLog().info("Catalog is empty: seeding it from {}", source);
    return Effect().persist(new SeedStarted(source, Instant.now()))
        .thenRun(s -> runImport(s.source()))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onImportFinished(State state, ImportFinished cmd) {
    if (cmd.error() != null) {
      activity = "failed: " + cmd.error();
      context.getLog().error("Catalog seed from {} failed: {}. Fix the seed and restart the node.", state.source(), cmd.error());
      return Effect().noReply();
    }
    CatalogImport.Report report = cmd.report();
    for (CatalogImport.Rejection r : report.rejected()) {
      context.getLog().warn("Catalog seed: entry {} ({}) not imported: {}", r.index(), r.id(), r.reason());
    }
    if (report.failed() > 0) {
      context.getLog().warn("Catalog seed: {} product(s) did not answer; importing again in {}", report.failed(), backoff);
      retryLater();
      return Effect().noReply();
    }
    activity = "done";
    context.getLog().info("Catalog seeded from {}: {} created, {} updated, {} unchanged, {} rejected",
        state.source(), report.created(), report.updated(), report.unchanged(), report.rejected().size());
    return Effect().persist(new SeedCompleted(report.created(), report.updated(), report.unchanged(),
        report.rejected().size(), Instant.now())).thenNoReply();
  }

  private void retryLater() {
    activity = "retrying in " + backoff;
    timers.startSingleTimer(RETRY_TIMER, Begin.INSTANCE, backoff);
    Duration doubled = backoff.multipliedBy(2);
    backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  private void runImport(String source) {
    activity = "importing";
    CatalogFile file;
    try {
      file = CatalogFile.parse(read(context.getSystem(), seed));
    } catch (IOException | CatalogFile.FormatException | RuntimeException e) {
      context.getSelf().tell(new ImportFinished(null, "cannot read the seed catalog " + source + ": " + e.getMessage()));
      return;
    }
    ActorSystem<?> system = context.getSystem();
    MessageMeta meta = MessageMeta.root("catalog-seed", null);
    context.pipeToSelf(new CatalogImport(system, new CatalogClient(system)).run(file, meta), (report, error) ->
        error == null ? new ImportFinished(report, null) : new ImportFinished(null, String.valueOf(error.getMessage())));
  }

  /** The seed catalog as JSON: the bundled sample when {@code seed} is empty, else the file it names. */
  static JsonNode read(ActorSystem<?> system, String seed) throws IOException {
    ObjectMapper mapper = Json.mapper(system).copy().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    if (seed.isEmpty()) {
      try (InputStream in = CatalogSeeder.class.getClassLoader().getResourceAsStream(BUNDLED)) {
        if (in == null) throw new IOException(BUNDLED + " is not on the classpath");
        return mapper.readTree(in);
      }
    }
    return mapper.readTree(Files.readAllBytes(Path.of(seed)));
  }

  /** True when no product was ever persisted: no journal row of a {@code Product|…} persistence id. */
  private CompletionStage<Boolean> catalogIsEmpty() {
    Config tables = context.getSystem().settings().config().getConfig("jdbc-journal.tables.event_journal");
    String schema = tables.getString("schemaName");
    String table = (schema.isEmpty() ? "" : schema + ".") + tables.getString("tableName");
    String prefix = ProductCommand.ENTITY_KEY.name() + "|";
    try {
      return Database.get(context.getSystem()).withConnection(c -> {
        try (PreparedStatement s = c.prepareStatement("SELECT persistence_id FROM " + table + " WHERE persistence_id LIKE ?")) {
          s.setMaxRows(1);
          s.setString(1, prefix + "%");
          try (ResultSet rs = s.executeQuery()) {
            return !rs.next();
          }
        }
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
