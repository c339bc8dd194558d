package org.linecommerce.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@link MemoryBenchmark}'s passivation run as a PNG (JFreeChart): x is the number of distinct users
 * that have sent their message; on top the heap after GC (MiB, left axis) and the active
 * conversation and customer entities (right axis); below the turn latency p50/p99 of each batch.
 */
final class HeapCurvePlot {

  private HeapCurvePlot() {}

  static void write(Path png, String title, List<MemoryBenchmark.Sample> samples) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeries heap = new XYSeries("heap after GC (MiB)");
    XYSeries conversations = new XYSeries("active conversations");
    XYSeries customers = new XYSeries("active customers");
    XYSeries p50 = new XYSeries("turn p50 (ms)");
    XYSeries p99 = new XYSeries("turn p99 (ms)");
    for (MemoryBenchmark.Sample s : samples) {
      heap.add(s.users(), s.heapMiB());
      conversations.add(s.users(), s.conversations());
      customers.add(s.users(), s.customers());
      if (s.users() > 0) {
        p50.add(s.users(), s.p50Ms());
        p99.add(s.users(), s.p99Ms());
      }
    }
    NumberAxis users = new NumberAxis("distinct users that sent a message (passivation run)");

    XYPlot memory = new XYPlot(new XYSeriesCollection(heap), null, new NumberAxis("heap after GC (MiB)"),
        renderer(new Color(0xC0, 0x30, 0x30)));
    memory.setRangeAxis(1, new NumberAxis("active entities"));
    XYSeriesCollection entities = new XYSeriesCollection();
    entities.addSeries(conversations);
    entities.addSeries(customers);
    memory.setDataset(1, entities);
    memory.mapDatasetToRangeAxis(1, 1);
    memory.setRenderer(1, renderer(new Color(0x20, 0x60, 0xC0), new Color(0x30, 0xA0, 0x30)));

    XYSeriesCollection latency = new XYSeriesCollection();
    latency.addSeries(p50);
    latency.addSeries(p99);
    XYPlot turns = new XYPlot(latency, null, new NumberAxis("turn latency (ms)"),
        renderer(new Color(0x60, 0x60, 0x60), new Color(0xE0, 0x80, 0x00)));

    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(users);
    combined.add(memory, 2);
    combined.add(turns, 1);
    for (XYPlot p : List.of(memory, turns)) {
      p.setBackgroundPaint(Color.WHITE);
      p.setDomainGridlinePaint(Color.LIGHT_GRAY);
      p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 1100, 750);
  }

  private static XYLineAndShapeRenderer renderer(Color... colors) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < colors.length; i++) {
      r.setSeriesPaint(i, colors[i]);
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    return r;
  }
}
