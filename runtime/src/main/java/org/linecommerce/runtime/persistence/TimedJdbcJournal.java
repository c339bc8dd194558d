package org.linecommerce.runtime.persistence;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.jdbc.journal.JdbcAsyncWriteJournal;
import org.linecommerce.runtime.health.Metrics;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * pekko-persistence-jdbc's journal, each batch write timed into {@code persistence_write_seconds}
 * (with histogram buckets), tagged {@code result=ok} or {@code failed} (the write failed, or
 * the journal rejected some of its events). A batch is what one {@code persist}/{@code persistAll}
 * of one or more entities became in the journal: the time covers serialization, the database round
 * trip and the commit, i.e. what a persisting entity waits for before it replies. Configured as
 * {@code jdbc-journal.class} in {@code linecommerce-pekko.conf}; everything else is the plugin's.
 */
public final class TimedJdbcJournal extends JdbcAsyncWriteJournal {

  private final Timer ok;
  private final Timer failed;

  public TimedJdbcJournal(Config config) {
    super(config);
    var registry = Metrics.get(Adapter.toTyped(context().system())).registry();
    this.ok = timer(registry, "ok");
    this.failed = timer(registry, "failed");
  }

  private static Timer timer(io.micrometer.core.instrument.MeterRegistry registry, String result) {
    return Timer.builder("persistence_write")
        .description("journal batch writes, from the write request to the database's commit")
        .tag("result", result)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    long start = System.nanoTime();
    Future<Seq<Try<BoxedUnit>>> written = super.asyncWriteMessages(messages);
    // on the journal's dispatcher: a Java view of the future (FutureConverters) would run this on a
    // new thread per write, since the JDK's common pool has no thread to spare on a small machine
    written.onComplete(outcome -> {
      boolean allWritten = outcome.isSuccess() && outcome.get().forall(Try::isSuccess);
      (allWritten ? ok : failed).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return BoxedUnit.UNIT;
    }, context().dispatcher());
    return written;
  }
}
