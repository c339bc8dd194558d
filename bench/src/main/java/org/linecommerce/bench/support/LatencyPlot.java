package org.linecommerce.bench.support;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * HdrHistogram's percentile distribution drawn as a PNG with JFreeChart: x is the percentile on
 * HdrHistogram's usual log scale of 1 / (1 − p) (labels 50%, 90%, 99%, 99.9%…), y the latency in ms;
 * one line per histogram, so the compared paths of one run sit on one picture.
 */
public final class LatencyPlot {

  private LatencyPlot() {}

  public static void write(Path png, String title, Map<String, Histogram> nanos) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, Histogram> e : nanos.entrySet()) {
      Histogram h = e.getValue();
      if (h.getTotalCount() == 0) continue;
      XYSeries series = new XYSeries(e.getKey(), false, true);
      for (HistogramIterationValue v : h.percentiles(5)) {
        double p = v.getPercentileLevelIteratedTo() / 100.0;
        if (p >= 1.0) break;
        series.add(1.0 / (1.0 - p), h.highestEquivalentValue(v.getValueIteratedTo()) / 1e6);
      }
      series.add(1.0 / (1.0 - 0.99999), h.getMaxValue() / 1e6);
      data.addSeries(series);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, "percentile", "latency (ms)", data,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    LogAxis x = new LogAxis("percentile");
    x.setBase(10);
    x.setTickUnit(new NumberTickUnit(1.0)); // one tick per decade: 0%, 90%, 99%, 99.9%…
    x.setNumberFormatOverride(new PercentileFormat());
    x.setRange(1.0, 100_000.0);
    plot.setDomainAxis(x);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < data.getSeriesCount(); i++) renderer.setSeriesStroke(i, new BasicStroke(2f));
    plot.setRenderer(renderer);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 600);
  }

  /** 1 / (1 − p) as a percentile label: 10 → 90%, 100 → 99%, 1000 → 99.9%. */
  private static final class PercentileFormat extends NumberFormat {
    @Override
    public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
      double p = 100.0 * (1.0 - 1.0 / number);
      String s = String.format(Locale.ROOT, p >= 99.0 ? "%.3f" : "%.1f", p).replaceAll("\\.?0+$", "");
      return to.append(s).append('%');
    }

    @Override
    public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
      return format((double) number, to, pos);
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
      return null;
    }
  }
}
