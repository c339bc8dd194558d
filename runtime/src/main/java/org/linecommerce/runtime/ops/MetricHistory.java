package org.linecommerce.runtime.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.linecommerce.runtime.health.Metrics;

/**
 * A short memory of a few meters of this node's registry, for the dashboard's small charts: every
 * {@code linecommerce.ops.metric-history.interval} (10 s) each meter named in
 * {@code …metric-history.meters} is sampled into a ring buffer reaching back
 * {@code …metric-history.window} (15 min). A name covers every meter with that name, whatever its
 * tags (all outcomes of {@code line_webhook_events_total} together).
 *
 * <p>A sample holds what happened during its interval: for a counter the increase and the rate per
 * second; for a timer also the mean duration of the calls recorded in the interval and the timer's
 * recent maximum (Micrometer's time-window max, which spans the registry's step of about a minute,
 * not exactly the interval). A meter not registered (yet) on this node counts as zero. The
 * figures are this node's only: every node keeps its own history.
 */
public final class MetricHistory implements Extension {

  /** One interval of one meter. {@code meanMs} and {@code maxMs} are null for counters and for timers without calls. */
  public record Sample(Instant at, long count, double ratePerSecond, Double meanMs, Double maxMs) {}

  /** The samples of one meter name, oldest first. {@code kind} is {@code counter}, {@code timer}, or {@code absent}. */
  public record Series(String name, String kind, long intervalSeconds, long windowSeconds, List<Sample> samples) {}

  private final MeterRegistry registry;
  private final Duration interval;
  private final Duration window;
  private final int capacity;
  private final Map<String, Track> tracks = new LinkedHashMap<>();

  MetricHistory(MeterRegistry registry, List<String> names, Duration interval, Duration window) {
    if (interval.isZero() || interval.isNegative()) throw new IllegalArgumentException("interval must be > 0");
    this.registry = registry;
    this.interval = interval;
    this.window = window;
    this.capacity = (int) Math.max(1, window.toMillis() / interval.toMillis());
    for (String name : names) tracks.put(name, new Track());
  }

  private static MetricHistory create(ActorSystem<?> system) {
    var config = system.settings().config().getConfig("linecommerce.ops.metric-history");
    MetricHistory history = new MetricHistory(Metrics.get(system).registry(), config.getStringList("meters"),
        config.getDuration("interval"), config.getDuration("window"));
    system.scheduler().scheduleAtFixedRate(history.interval, history.interval,
        () -> history.sample(Instant.now()), system.executionContext());
    return history;
  }

  public static MetricHistory get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** The meter names sampled, in configuration order. */
  public List<String> names() {
    return List.copyOf(tracks.keySet());
  }

  /** The history of {@code name}, or empty when it is not one of {@link #names()}. */
  public synchronized Optional<Series> series(String name) {
    Track track = tracks.get(name);
    if (track == null) return Optional.empty();
    return Optional.of(new Series(name, track.kind, interval.toSeconds(), window.toSeconds(), List.copyOf(track.samples)));
  }

  /** Takes one sample of every meter (the scheduler calls this every interval). */
  synchronized void sample(Instant now) {
    double seconds = interval.toMillis() / 1000.0;
    for (Map.Entry<String, Track> entry : tracks.entrySet()) {
      Track track = entry.getValue();
      long count = 0;
      double totalSeconds = 0;
      double maxSeconds = 0;
      boolean timer = false;
      boolean found = false;
      for (Meter meter : registry.find(entry.getKey()).meters()) {
        if (meter instanceof Timer t) {
          timer = found = true;
          count += t.count();
          totalSeconds += t.totalTime(TimeUnit.SECONDS);
          maxSeconds = Math.max(maxSeconds, t.max(TimeUnit.SECONDS));
        } else if (meter instanceof Counter c) {
          found = true;
          count += (long) c.count();
        } else if (meter instanceof FunctionCounter c) {
          found = true;
          count += (long) c.count();
        }
      }
      if (found) track.kind = timer ? "timer" : "counter";
      if (!track.started) {
        // the first look only sets the baseline: what happened before it is not in any interval
        track.started = true;
        track.lastCount = count;
        track.lastTotalSeconds = totalSeconds;
        continue;
      }
      long delta = count >= track.lastCount ? count - track.lastCount : count; // a re-registered meter starts at 0
      double deltaSeconds = totalSeconds >= track.lastTotalSeconds ? totalSeconds - track.lastTotalSeconds : totalSeconds;
      track.lastCount = count;
      track.lastTotalSeconds = totalSeconds;
      Double mean = timer && delta > 0 ? deltaSeconds * 1000.0 / delta : null;
      Double max = timer && delta > 0 ? maxSeconds * 1000.0 : null;
      track.samples.addLast(new Sample(now, delta, delta / seconds, mean, max));
      while (track.samples.size() > capacity) track.samples.removeFirst();
    }
  }

  private static final class Track {
    final Deque<Sample> samples = new ArrayDeque<>();
    String kind = "absent";
    boolean started;
    long lastCount;
    double lastTotalSeconds;
  }

  static final class Id extends ExtensionId<MetricHistory> {
    static final Id INSTANCE = new Id();

    @Override
    public MetricHistory createExtension(ActorSystem<?> system) {
      return create(system);
    }
  }
}
