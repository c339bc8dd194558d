package org.linecommerce.catalog.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.UpsertResult;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskResult;

/**
 * Imports a {@link CatalogFile} through the Product entities: every valid entry is one
 * {@code Upsert} (idempotent: an unchanged product persists nothing), at most
 * {@code linecommerce.catalog.import-parallelism} at a time. A bad entry never stops the others:
 * entries the file reader or the entity refuse are reported with their index and reason; entries
 * whose upsert got no answer (timeout, catalog unavailable) are reported too and counted in
 * {@link Report#failed()}, since importing the file again is safe.
 */
public final class CatalogImport {

  /** One entry that was not imported. */
  public record Rejection(int index, String id, String reason) {}

  /**
   * What an import did.
   *
   * @param rejected entries not imported, by index (refused ones and failed ones)
   * @param failed how many of {@code rejected} failed for a transient reason (no answer) rather than being refused
   */
  public record Report(int created, int updated, int unchanged, List<Rejection> rejected, int failed) {}

  private final ActorSystem<?> system;
  private final CatalogClient client;
  private final int parallelism;

  public CatalogImport(ActorSystem<?> system, CatalogClient client) {
    this.system = system;
    this.client = client;
    this.parallelism = Math.max(1, system.settings().config().getInt("linecommerce.catalog.import-parallelism"));
  }

  /** Upserts every valid entry of {@code file}; completes with the report (never exceptionally). */
  public CompletionStage<Report> run(CatalogFile file, MessageMeta meta) {
    return Source.from(file.entries())
        .mapAsyncUnordered(parallelism, entry -> entry.isValid()
            ? client.upsert(entry.data(), meta.causes("catalog-import")).thenApply(result -> new Outcome(entry, result))
            : CompletableFuture.completedFuture(new Outcome(entry, null)))
        .runWith(Sink.fold(new Tally(), Tally::add), system)
        .thenApplyAsync(Tally::report, system.executionContext()); // never the JDK's default executor
  }

  private record Outcome(CatalogFile.Entry entry, AskResult<UpsertResult> result) {}

  /** Accumulates outcomes; only touched by the fold's single stage. */
  private static final class Tally {
    int created;
    int updated;
    int unchanged;
    int failed;
    final List<Rejection> rejected = new ArrayList<>();

    Tally add(Outcome o) {
      CatalogFile.Entry e = o.entry();
      if (o.result() == null) {
        rejected.add(new Rejection(e.index(), e.id(), e.error()));
      } else if (o.result() instanceof AskResult.Ok<UpsertResult> ok) {
        switch (ok.value().outcome()) {
          case CREATED -> created++;
          case UPDATED -> updated++;
          case UNCHANGED -> unchanged++;
        }
      } else if (o.result() instanceof AskResult.Failed<UpsertResult> failure) {
        if (failure.failure() == AskResult.Failure.REJECTED) {
          rejected.add(new Rejection(e.index(), e.id(), failure.detail()));
        } else {
          failed++;
          rejected.add(new Rejection(e.index(), e.id(),
              "not imported (" + failure.failure().name().toLowerCase() + ": " + failure.detail()
                  + "); importing the catalog again is safe"));
        }
      }
      return this;
    }

    Report report() {
      rejected.sort(Comparator.comparingInt(Rejection::index));
      return new Report(created, updated, unchanged, List.copyOf(rejected), failed);
    }
  }
}
