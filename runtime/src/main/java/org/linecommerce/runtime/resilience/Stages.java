package org.linecommerce.runtime.resilience;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import scala.concurrent.ExecutionContext;
import scala.concurrent.ExecutionContextExecutor;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;

/**
 * {@code CompletionStage} helpers that never fall back to the JDK's default async executor.
 *
 * <p>That executor is the common pool, which on a 2-core machine has parallelism 1 and is then
 * replaced by a new thread per task. It is reached not only by {@code *Async} methods without an
 * executor and by {@code CompletableFuture.delayedExecutor}, but also by plain {@code thenApply},
 * {@code handle}, {@code whenComplete} (and {@code orTimeout}, which registers a
 * {@code whenComplete}) on a stage Pekko's Java API converted from a Scala future: Scala's wrapper
 * runs those as their {@code *Async} forms. The stages returned here are plain
 * {@code CompletableFuture}s whose dependent stages run on the completing thread, and timeouts use
 * Pekko's scheduler.
 */
public final class Stages {

  private Stages() {}

  /** {@code stage}'s outcome as a plain future, completed on {@code system}'s executor. */
  public static <T> CompletableFuture<T> onSystem(CompletionStage<T> stage, ActorSystem<?> system) {
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenCompleteAsync((value, error) -> complete(result, value, error), system.executionContext());
    return result;
  }

  /**
   * Calls {@code callback} with {@code stage}'s outcome on the thread that completes it (for an ask,
   * the thread of the actor that replied), without an executor hop and never on the JDK's default
   * executor, also for stages Pekko's Java API converted from Scala futures. {@code callback} must
   * be short and must not block: typically it completes another future or hands work to an executor.
   */
  public static <T> void onCompletingThread(CompletionStage<T> stage, BiConsumer<? super T, ? super Throwable> callback) {
    if (stage.getClass() == CompletableFuture.class) {
      // a plain future runs non-async dependents on the completing thread
      ((CompletableFuture<T>) stage).whenComplete(callback);
      return;
    }
    FutureConverters.asScala(stage).onComplete(attempt -> {
      if (attempt.isSuccess()) callback.accept(attempt.get(), null);
      else callback.accept(null, attempt.failed().get());
      return BoxedUnit.UNIT;
    }, ExecutionContext.parasitic$.MODULE$);
  }

  /**
   * {@code stage}'s outcome, or {@code fallback}'s value when it is not complete within
   * {@code timeout} (timed by Pekko's scheduler).
   */
  public static <T> CompletableFuture<T> within(
      CompletionStage<T> stage, Duration timeout, Supplier<T> fallback, ActorSystem<?> system) {
    return within(stage, timeout, system, result -> result.complete(fallback.get()));
  }

  /** {@code stage}'s outcome, or a {@link TimeoutException} when it is not complete within {@code timeout}. */
  public static <T> CompletableFuture<T> orTimeout(
      CompletionStage<T> stage, Duration timeout, ActorSystem<?> system) {
    return within(stage, timeout, system, result ->
        result.completeExceptionally(new TimeoutException("not completed within " + timeout.toMillis() + " ms")));
  }

  private static <T> CompletableFuture<T> within(
      CompletionStage<T> stage, Duration timeout, ActorSystem<?> system,
      java.util.function.Consumer<CompletableFuture<T>> onTimeout) {
    ExecutionContextExecutor executor = system.executionContext();
    CompletableFuture<T> result = new CompletableFuture<>();
    Cancellable timer = system.scheduler().scheduleOnce(timeout, () -> onTimeout.accept(result), executor);
    stage.whenCompleteAsync((value, error) -> {
      timer.cancel();
      complete(result, value, error);
    }, executor);
    return result;
  }

  /** The failure a stage's {@code CompletionException} or a future's {@code ExecutionException} wraps. */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static <T> void complete(CompletableFuture<T> result, T value, Throwable error) {
    if (error != null) result.completeExceptionally(error);
    else result.complete(value);
  }
}
