package org.linecommerce.bench.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a result depends on: cores, load, JVM. Every report carries it (machines here are shared). */
public final class Machine {

  private Machine() {}

  /** The 1-minute load average (what else ran beside the benchmark), or -1 where unknown. */
  public static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
  }

  public static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  public static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", cores());
    m.put("loadAverage1m", loadAverage());
    m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    return m;
  }
}
