package org.linecommerce.bench.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One benchmark run's results, in the shape every benchmark of issue 11 reports: the machine
 * (cores, load), the parameters, latency distributions (p50/p90/p99/p99.9/max), figures, and checks
 * of ratios or figures against their targets. {@link #finish()} prints a summary and writes
 * {@code <out>/<name>.json} and, when there are latencies, {@code <out>/<name>.png} (percentile
 * distribution, {@link LatencyPlot}). {@code out} is the system property {@code bench.out}, by
 * default {@code bench/target/results} when run from the repository root, else {@code target/results}.
 *
 * <p>Latency histograms record <b>nanoseconds</b>; reports show milliseconds.
 */
public final class BenchReport {

  /** A measured value against its target: {@code measured comparison target}, e.g. ratio ≥ 10. */
  public record Check(String what, double measured, String comparison, double target, String unit, boolean met) {}

  /** A latency distribution in milliseconds. */
  public record Latency(long count, double mean, double p50, double p90, double p99, double p999, double max) {
    static Latency of(Histogram h) {
      return new Latency(h.getTotalCount(), ms(h.getMean()), ms(h.getValueAtPercentile(50)),
          ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
          ms(h.getMaxValue()));
    }

    private static double ms(double nanos) {
      return Math.round(nanos / 1_000.0) / 1_000.0;
    }
  }

  private final String name;
  private final String title;
  private final String startedAt = Instant.now().toString();
  private final Map<String, Object> machineAtStart = Machine.describe();
  private final Map<String, Object> params = new LinkedHashMap<>();
  private final Map<String, Histogram> histograms = new LinkedHashMap<>();
  private final Map<String, Map<String, Object>> figures = new LinkedHashMap<>();
  private final List<Check> checks = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  /** {@code name}: file name of the JSON and PNG (e.g. {@code webhook-end-to-end}); {@code title}: headline. */
  public BenchReport(String name, String title) {
    this.name = name;
    this.title = title;
  }

  public BenchReport param(String key, Object value) {
    params.put(key, value);
    return this;
  }

  /** A latency distribution (nanoseconds recorded); the histogram is copied. */
  public BenchReport latency(String label, Histogram nanos) {
    histograms.put(label, nanos.copy());
    return this;
  }

  public BenchReport figure(String label, double value, String unit) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("value", value);
    f.put("unit", unit);
    figures.put(label, f);
    return this;
  }

  /** Records {@code numerator / denominator} as a figure (unit ×) and returns it. */
  public double ratio(String label, double numerator, double denominator) {
    double r = numerator / denominator;
    figure(label, r, "x");
    return r;
  }

  /** A target: {@code comparison} is {@code ">="} or {@code "<="}. */
  public Check check(String what, double measured, String comparison, double target, String unit) {
    boolean met = switch (comparison) {
      case ">=" -> measured >= target;
      case "<=" -> measured <= target;
      default -> throw new IllegalArgumentException("comparison must be >= or <=: " + comparison);
    };
    Check c = new Check(what, measured, comparison, target, unit, met);
    checks.add(c);
    return c;
  }

  public BenchReport note(String text) {
    notes.add(text);
    return this;
  }

  public Latency latencyOf(String label) {
    return Latency.of(histograms.get(label));
  }

  public static Path outputDirectory() {
    String configured = System.getProperty("bench.out");
    if (configured != null) return Path.of(configured);
    return Files.isDirectory(Path.of("bench", "target")) ? Path.of("bench", "target", "results") : Path.of("target", "results");
  }

  /** Prints the summary, writes the JSON (and the PNG plot); returns the JSON's path. */
  public Path finish() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("benchmark", name);
    root.put("title", title);
    root.put("startedAt", startedAt);
    root.put("finishedAt", Instant.now().toString());
    root.put("machine", machineAtStart);
    root.put("loadAverage1mAtEnd", Machine.loadAverage());
    root.put("params", params);
    Map<String, Latency> latencies = new LinkedHashMap<>();
    histograms.forEach((k, v) -> latencies.put(k, Latency.of(v)));
    root.put("latenciesMs", latencies);
    root.put("figures", figures);
    root.put("checks", checks);
    root.put("notes", notes);
    try {
      Path dir = outputDirectory();
      Files.createDirectories(dir);
      Path json = dir.resolve(name + ".json");
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), root);
      Path png = null;
      if (!histograms.isEmpty()) {
        png = dir.resolve(name + ".png");
        LatencyPlot.write(png, title, histograms);
      }
      System.out.println(summary(latencies));
      System.out.println("results: " + json.toAbsolutePath() + (png == null ? "" : " and " + png.toAbsolutePath()));
      return json;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String summary(Map<String, Latency> latencies) {
    StringBuilder out = new StringBuilder();
    out.append("\n== ").append(title).append(" ==\n");
    out.append(String.format(Locale.ROOT, "machine: %s cores, load average %.2f at start, %.2f at end; %s%n",
        machineAtStart.get("cores"), (double) machineAtStart.get("loadAverage1m"), Machine.loadAverage(),
        machineAtStart.get("jvm")));
    if (!params.isEmpty()) out.append("params: ").append(params).append('\n');
    if (!latencies.isEmpty()) {
      out.append(String.format(Locale.ROOT, "%-34s %10s %9s %9s %9s %9s %9s%n", "latency (ms)", "count", "p50", "p90",
          "p99", "p99.9", "max"));
      latencies.forEach((k, l) -> out.append(String.format(Locale.ROOT, "%-34s %10d %9.3f %9.3f %9.3f %9.3f %9.3f%n",
          k, l.count(), l.p50(), l.p90(), l.p99(), l.p999(), l.max())));
    }
    figures.forEach((k, f) -> out.append(String.format(Locale.ROOT, "%-48s %14.2f %s%n", k, (double) f.get("value"),
        f.get("unit"))));
    for (Check c : checks) {
      out.append(String.format(Locale.ROOT, "[%s] %s: %.2f %s (target %s %.2f)%n", c.met() ? "MET" : "NOT MET",
          c.what(), c.measured(), c.unit(), c.comparison(), c.target()));
    }
    notes.forEach(n -> out.append("note: ").append(n).append('\n'));
    return out.toString();
  }
}
