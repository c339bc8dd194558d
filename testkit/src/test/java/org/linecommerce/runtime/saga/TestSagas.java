package org.linecommerce.runtime.saga;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/** Saga definitions and helpers the saga tests share; every step applies an effect on a {@link Ledger}. */
final class TestSagas {

  private TestSagas() {}

  /** The input of every test saga: which ledger its steps write to. */
  public record LedgerInput(String ledgerId) {}

  static final Duration ASK = Duration.ofSeconds(10);

  /** Three ledger steps {@code step-1..3}, each compensated by an undo. */
  static SagaDefinition<LedgerInput> threeSteps(String name, Duration timeout, RetryPolicy retry) {
    return threeSteps(name, timeout, retry, timeout);
  }

  static SagaDefinition<LedgerInput> threeSteps(String name, Duration timeout, RetryPolicy retry, Duration askTimeout) {
    return SagaDefinition.builder(name, LedgerInput.class)
        .step(ledgerStep("step-1", timeout, retry, askTimeout))
        .step(ledgerStep("step-2", timeout, retry, askTimeout))
        .step(ledgerStep("step-3", timeout, retry, askTimeout))
        .build();
  }

  /** {@code step-1}, then {@code approval} waiting for a signal for {@code wait}, then {@code step-3}. */
  static SagaDefinition<LedgerInput> withApproval(String name, Duration wait, StepOutcome onDeadline) {
    Duration timeout = Duration.ofSeconds(3);
    RetryPolicy retry = RetryPolicy.exponential(2, Duration.ofMillis(50), Duration.ofMillis(200));
    return SagaDefinition.builder(name, LedgerInput.class)
        .step(ledgerStep("step-1", timeout, retry))
        .step(SagaStep.<LedgerInput>awaitSignal("approval", wait)
            .onSignal((ctx, payload) -> payload.path("approved").asBoolean()
                ? StepOutcome.success("approved by " + payload.path("by").asText())
                : StepOutcome.failure("rejected by " + payload.path("by").asText()))
            .onDeadline(onDeadline))
        .step(ledgerStep("step-3", timeout, retry))
        .build();
  }

  static SagaStep<LedgerInput> ledgerStep(String effect, Duration timeout, RetryPolicy retry) {
    return ledgerStep(effect, timeout, retry, timeout);
  }

  /** {@code askTimeout} longer than {@code timeout} lets late replies of timed-out attempts reach the saga. */
  static SagaStep<LedgerInput> ledgerStep(String effect, Duration timeout, RetryPolicy retry, Duration askTimeout) {
    return SagaStep.<LedgerInput>action(effect, ctx ->
            Ledger.ref(ctx.system(), ctx.input().ledgerId()).<String>askWithStatus(
                replyTo -> new Ledger.Apply(ctx.commandId(), effect, replyTo), askTimeout))
        .compensatedBy(ctx ->
            Ledger.ref(ctx.system(), ctx.input().ledgerId()).<String>askWithStatus(
                replyTo -> new Ledger.Undo(ctx.actionCommandId(), ctx.commandId(), effect, replyTo), ctx.timeout()))
        .withTimeout(timeout)
        .withRetry(retry)
        .withCompensationRetry(retry);
  }

  static void configure(ActorSystem<?> system, String ledgerId, String effect, Ledger.Mode mode, Duration delay)
      throws Exception {
    Ledger.ref(system, ledgerId)
        .<Done>ask(replyTo -> new Ledger.Configure(effect, mode, delay, replyTo), ASK)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static Ledger.Snapshot ledger(ActorSystem<?> system, String ledgerId) throws Exception {
    return Ledger.ref(system, ledgerId).ask(Ledger.Get::new, ASK).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static Saga.Summary status(ActorSystem<?> system, String sagaId) throws Exception {
    return Sagas.get(system).status(sagaId).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Waits until the saga reaches {@code status}; fails fast if it finishes with another one. */
  static Saga.Summary awaitStatus(ActorSystem<?> system, String sagaId, Saga.Status status) {
    return await("saga " + sagaId + " " + status.code())
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          Saga.Summary s = status(system, sagaId);
          if (s.status() != status && s.status().isFinished()) {
            throw new AssertionError("saga " + sagaId + " ended " + s.status().code() + ": " + s);
          }
          return s;
        }, s -> s.status() == status);
  }

  /** The timeline's "event step" pairs matching {@code filter}, in order. */
  static List<String> events(Saga.Summary summary, Predicate<Saga.TimelineEntry> filter) {
    return summary.timeline().stream()
        .filter(filter)
        .map(e -> e.step() == null ? e.event() : e.event() + " " + e.step())
        .collect(Collectors.toList());
  }

  static List<String> events(Saga.Summary summary) {
    return events(summary, e -> true);
  }
}
