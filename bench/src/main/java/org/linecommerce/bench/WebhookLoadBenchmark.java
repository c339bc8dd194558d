package org.linecommerce.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.linecommerce.bench.support.BenchReport;
import org.linecommerce.bench.support.Load;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.NodeProcess;

/**
 * Issue 11, item 2: LINE webhooks end to end. A load generator builds, signs and POSTs webhooks
 * (one text event per request, a unique {@code webhookEventId}, 10,000 distinct users, messages in
 * en/ja/th asking for products and prices) to a node from the real {@code node.jar} in its own JVM
 * on PostgreSQL, with the {@code local} AI provider and the testkit's {@link FakeLinePlatform} as
 * LINE (in this JVM): every reply or push the node sends is recorded there and matched to its event.
 *
 * <p>Phases, one run: (1) warm-up of the node (other users) and of the bare route; (2) the
 * <b>bare route</b> ({@link BareRouteServer}, its own JVM started like the node) saturated by
 * {@code --callers} closed-loop callers; (3) the node at a <b>fixed rate</b> (open loop,
 * {@code --rate} events/s for {@code --duration}): acknowledgement latency, and webhook → reply
 * latency at the fake; (4) the node <b>saturated</b> by the same callers: acknowledgements/s
 * (compared with the bare route) and the rate at which answers reach LINE while the inboxes work off
 * what was acknowledged. Finally every event sent must have exactly one answer.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.linecommerce.bench.WebhookLoadBenchmark [--rate 1000]
 *     [--duration 60] [--saturation 30] [--callers 64] [--users 10000] [--quick] [--jfr]
 *     [--validate-schemas] [--node-heap 1g]
 * </pre>
 */
public final class WebhookLoadBenchmark {

  private static final String[][] MESSAGES = {
      {"do you have matcha?", "how much is it?", "do you have green tea?", "how much is it?", "do you have a rice cooker?",
          "how much is the rice cooker?"},
      {"抹茶はありますか", "それはいくら？", "ほうじ茶はありますか", "それはいくら？", "炊飯器はありますか", "それはいくら？"},
      {"มีชาไทยไหมคะ", "อันนี้ราคาเท่าไหร่", "มีชาเขียวไหม", "อันนี้ราคาเท่าไหร่", "มีครีมกันแดดไหม", "อันนี้ราคาเท่าไหร่"},
  };

  /** What was sent and what came back, per event. */
  static final class Tracker {
    final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    final java.util.Set<String> acked = ConcurrentHashMap.newKeySet();
    final Map<String, ConcurrentLinkedDeque<String>> unansweredByChat = new ConcurrentHashMap<>();
    final Histogram endToEnd = new ConcurrentHistogram(Duration.ofMinutes(10).toNanos(), 3);
    final AtomicLong deliveries = new AtomicLong();
    final AtomicLong replies = new AtomicLong();
    final AtomicLong pushes = new AtomicLong();
    final AtomicLong unmatched = new AtomicLong();
    final AtomicLongArray perSecond = new AtomicLongArray(3600);
    final long origin = System.nanoTime();
    volatile long lastDeliveryNanos;

    void sent(FakeLinePlatform.WebhookEvent e, long at) {
      sentAt.put(e.webhookEventId(), at);
      answers.put(e.webhookEventId(), new AtomicInteger());
      unansweredByChat.computeIfAbsent(e.chatId(), c -> new ConcurrentLinkedDeque<>()).add(e.webhookEventId());
    }

    void delivered(FakeLinePlatform.Delivery d) {
      long now = System.nanoTime();
      deliveries.incrementAndGet();
      lastDeliveryNanos = now;
      int second = (int) ((now - origin) / 1_000_000_000L);
      if (second < perSecond.length()) perSecond.incrementAndGet(second);
      ConcurrentLinkedDeque<String> open = unansweredByChat.get(d.chatId());
      String eventId;
      if ("reply".equals(d.via())) {
        replies.incrementAndGet();
        eventId = d.webhookEventId();
        if (open != null) open.remove(eventId);
      } else {
        pushes.incrementAndGet(); // a push names no event: the chat's oldest unanswered one (a chat's events are answered in order)
        eventId = open == null ? null : open.poll();
      }
      AtomicInteger count = eventId == null ? null : answers.get(eventId);
      if (count == null) {
        unmatched.incrementAndGet();
        return;
      }
      if (count.incrementAndGet() == 1) endToEnd.recordValue(Math.min(now - sentAt.get(eventId), endToEnd.getHighestTrackableValue()));
    }

    long delivered(long fromSecond, long toSecond) {
      long n = 0;
      for (long s = Math.max(0, fromSecond); s < Math.min(toSecond, perSecond.length()); s++) n += perSecond.get((int) s);
      return n;
    }

    /** Acknowledged events still without an answer. */
    long unanswered() {
      long n = 0;
      for (String id : acked) if (answers.get(id).get() == 0) n++;
      return n;
    }

    long second(long nanos) {
      return (nanos - origin) / 1_000_000_000L;
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    BenchReport report = new BenchReport("webhook-end-to-end", "Webhook end to end: acknowledgement and reply at LINE (item 2)");
    report.param("rate", o.rate).param("durationSeconds", o.duration).param("saturationSeconds", o.saturation)
        .param("callers", o.callers).param("users", o.users).param("nodeHeap", o.nodeHeap)
        .param("validateSchemasDuringMeasurement", o.validateSchemas).param("eventsPerRequest", 1)
        .param("nodeOptions", o.nodeOptions);

    FakeLinePlatform line = new FakeLinePlatform();
    line.recordRequests(false);
    line.keepDeliveries(false).replyTokenLifetime(Duration.ofMinutes(10));
    Tracker tracker = new Tracker();
    line.onDelivery(tracker::delivered);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    List<String> jvm = new ArrayList<>(List.of("-Xms" + o.nodeHeap, "-Xmx" + o.nodeHeap));

    try (NodeUnderLoad env = new NodeUnderLoad("webhook"); line) {
      List<String> nodeJvm = new ArrayList<>(jvm);
      nodeJvm.addAll(o.nodeOptions);
      if (o.jfr) nodeJvm.add("-XX:StartFlightRecording=filename=" + env.dir.resolve("node.jfr") + ",settings=profile,dumponexit=true");
      NodeUnderLoad.BareProcess bare = env.startBare(jvm);
      NodeProcess node = env.startNode("webhook-node", nodeJvm, Map.of(
          "LINE_API_BASE_URL", line.apiBaseUrl(),
          "LINE_CHANNEL_ACCESS_TOKEN", line.channelAccessToken(),
          "LINE_CHANNEL_SECRET", line.channelSecret(),
          "AI_PROVIDERS", "local",
          "API_TOKEN", "bench-api-token",
          "LINE_RATE_LIMIT", "5000"));
      NodeUnderLoad.awaitCatalog(node, "bench-api-token");
      System.out.println("node up (pid " + node.process.pid() + ", log " + node.log + "), bare route on " + bare.port());
      String webhook = "http://127.0.0.1:" + node.httpPort + "/webhook";
      String bareUrl = "http://127.0.0.1:" + bare.port() + "/webhook";

      // 1. warm-up: other users, LINE's schemas checked on every reply (a violation fails the run)
      Sender warm = new Sender(line, client, tracker, webhook, o.users, "W");
      Load.Result w = Load.fixedRate(Math.min(o.rate, 500), Duration.ofSeconds(o.warmup), Duration.ofSeconds(30), warm::send);
      Sender bareWarm = new Sender(line, client, null, bareUrl, o.users, "B");
      Load.saturate(o.callers, Duration.ofSeconds(Math.max(3, o.warmup / 3)), bareWarm::send);
      awaitAnswers(tracker, Duration.ofSeconds(Math.min(60, o.drain)));
      System.out.printf(Locale.ROOT, "warm-up: %d acknowledged, %d answered, %d schema violations%n", w.succeeded(),
          tracker.deliveries.get(), line.violations().size());
      if (!line.violations().isEmpty()) throw new IllegalStateException("LINE schema violations: " + line.violations().get(0));
      line.validateSchemas(o.validateSchemas);
      tracker.endToEnd.reset();
      env.analyze();

      // 2. bare route at saturation
      Load.Result bareSat = Load.saturate(o.callers, Duration.ofSeconds(o.saturation), new Sender(line, client, null, bareUrl, o.users, "B")::send);
      report.latency("bare route, saturated (" + o.callers + " callers)", bareSat.latency());
      System.out.printf(Locale.ROOT, "bare route: %.0f/s%n", bareSat.succeededPerSecond());

      // 3. node at a fixed rate
      Sender users = new Sender(line, client, tracker, webhook, o.users, "U");
      long[] db0 = env.databaseCounters();
      long answers0 = tracker.deliveries.get();
      long cpu0 = NodeUnderLoad.cpuNanos(node.process.pid());
      long pg0 = env.databaseCpuNanos();
      long own0 = NodeUnderLoad.ownCpuNanos();
      long fixedStart = System.nanoTime();
      Load.Result fixed = Load.fixedRate(o.rate, Duration.ofSeconds(o.duration), Duration.ofSeconds(30), users::send);
      long fixedEnd = System.nanoTime();
      long cpu1 = NodeUnderLoad.cpuNanos(node.process.pid());
      boolean drainedFixed = awaitAnswers(tracker, Duration.ofSeconds(o.drain));
      Thread.sleep(1500); // PostgreSQL publishes its counters about once a second
      long[] db1 = env.databaseCounters();
      long pg1 = env.databaseCpuNanos();
      long own1 = NodeUnderLoad.ownCpuNanos();
      long cpu1b = NodeUnderLoad.cpuNanos(node.process.pid());
      long fixedAnswers = Math.max(1, tracker.deliveries.get() - answers0);
      long fixedDeliveredInWindow = tracker.delivered(tracker.second(fixedStart) + 5, tracker.second(fixedEnd));
      double fixedWindow = Math.max(1, tracker.second(fixedEnd) - tracker.second(fixedStart) - 5);
      report.latency("node ack, " + (int) o.rate + "/s fixed rate", fixed.latency());
      report.latency("node webhook -> reply at LINE, " + (int) o.rate + "/s", tracker.endToEnd);
      tracker.endToEnd.reset();

      // 4. node at saturation
      long cpu2 = NodeUnderLoad.cpuNanos(node.process.pid());
      long satStart = System.nanoTime();
      long deliveredBefore = tracker.deliveries.get();
      Load.Result sat = Load.saturate(o.callers, Duration.ofSeconds(o.saturation), users::send);
      long satEnd = System.nanoTime();
      long deliveredDuringSat = tracker.deliveries.get() - deliveredBefore;
      boolean drainedSat = awaitAnswers(tracker, Duration.ofSeconds(o.drain));
      long cpu3 = NodeUnderLoad.cpuNanos(node.process.pid());
      long lastDelivery = tracker.lastDeliveryNanos;
      double deliveringSeconds = (lastDelivery - satStart) / 1e9;
      long satDelivered = tracker.deliveries.get() - deliveredBefore;
      double e2eRate = satDelivered / deliveringSeconds;
      // the highest delivery rate held for 10 s once the backlog is there
      double best10s = 0;
      for (long s = tracker.second(satStart); s + 10 <= tracker.second(lastDelivery); s++) {
        best10s = Math.max(best10s, tracker.delivered(s, s + 10) / 10.0);
      }
      report.latency("node ack, saturated (" + o.callers + " callers)", sat.latency());
      report.latency("node webhook -> reply at LINE, saturated", tracker.endToEnd);

      // exactly one answer per acknowledged event (an event answered 503 is LINE's to send again)
      long none = 0, twice = 0, unackedAnswered = 0;
      for (var e : tracker.answers.entrySet()) {
        int n = e.getValue().get();
        if (!tracker.acked.contains(e.getKey())) {
          if (n > 0) unackedAnswered++;
          continue;
        }
        if (n == 0) none++;
        if (n > 1) twice++;
      }
      long sent = tracker.answers.size();

      double bareRate = bareSat.succeededPerSecond();
      double nodeAckRate = sat.succeededPerSecond();
      report.figure("bare route acks/s at saturation", bareRate, "req/s");
      report.figure("node webhook acks/s at saturation", nodeAckRate, "req/s");
      double ratio = report.ratio("node acks/s / bare route acks/s", nodeAckRate, bareRate);
      report.figure("fixed rate: offered", o.rate, "events/s");
      report.figure("fixed rate: acknowledged", fixed.succeededPerSecond(), "events/s");
      report.figure("fixed rate: answers at LINE during the run (after 5 s)", fixedDeliveredInWindow / fixedWindow, "events/s");
      report.figure("fixed rate: node CPU per event", (cpu1 - cpu0) / 1e6 / fixed.succeeded(), "ms");
      report.figure("fixed rate: node CPU use", (cpu1 - cpu0) / 1e9 / ((fixedEnd - fixedStart) / 1e9), "cores");
      report.figure("saturated: events acknowledged", sat.succeeded(), "events");
      report.figure("saturated: answers at LINE during the saturation", deliveredDuringSat / ((satEnd - satStart) / 1e9), "events/s");
      report.figure("saturated: end to end (all answered / start to last answer)", e2eRate, "events/s");
      report.figure("saturated: best 10 s of answers at LINE", best10s, "events/s");
      report.figure("saturated: node CPU per event (acks + answers)", (cpu3 - cpu2) / 1e6 / Math.max(1, satDelivered), "ms");
      report.figure("events sent (warm-up, fixed, saturated)", sent, "events");
      report.figure("answers delivered", tracker.deliveries.get(), "batches");
      report.figure("events acknowledged (200)", tracker.acked.size(), "events");
      report.figure("answers by reply", tracker.replies.get(), "replies");
      report.figure("answers by push (reply window over)", tracker.pushes.get(), "pushes");
      report.figure("acknowledged events without an answer", none, "events");
      report.figure("events answered 503 (not acknowledged) but answered anyway", unackedAnswered, "events");
      report.figure("events answered more than once", twice, "events");
      report.figure("answers matching no event", tracker.unmatched.get(), "batches");
      report.figure("failed webhook requests (fixed + saturated)", fixed.failed() + sat.failed(), "requests");
      if (!fixed.firstFailures().isEmpty()) report.note("fixed-rate failures: " + fixed.firstFailures());
      if (!sat.firstFailures().isEmpty()) report.note("saturation failures: " + sat.firstFailures());
      report.note("answers at LINE per second from the start of the fixed rate: " + timeline(tracker, fixedStart, lastDelivery));
      report.note("drained after fixed rate: " + drainedFixed + "; after saturation: " + drainedSat);

      double nodeMs = (cpu1b - cpu0) / 1e6 / fixedAnswers, pgMs = (pg1 - pg0) / 1e6 / fixedAnswers;
      report.figure("fixed rate + drain: node CPU per answered event", nodeMs, "ms");
      report.figure("fixed rate + drain: PostgreSQL CPU per answered event", pgMs, "ms");
      report.figure("fixed rate + drain: load generator + fake LINE CPU per answered event", (own1 - own0) / 1e6 / fixedAnswers, "ms");
      report.figure("events/s the machine's cores could answer at that CPU cost (node + PostgreSQL)",
          Runtime.getRuntime().availableProcessors() * 1000.0 / (nodeMs + pgMs), "events/s");
      report.figure("fixed rate: PostgreSQL transactions per answered event", (double) (db1[0] - db0[0]) / fixedAnswers, "transactions");
      report.figure("fixed rate: PostgreSQL rows inserted per answered event", (double) (db1[1] - db0[1]) / fixedAnswers, "rows");
      report.figure("fixed rate: PostgreSQL rows returned per answered event", (double) (db1[2] - db0[2]) / fixedAnswers, "rows");
      Map<String, Long> rows = env.journalRowsByType();
      long allRows = rows.values().stream().mapToLong(Long::longValue).sum();
      report.figure("journal rows written per acknowledged event (whole run)", (double) allRows / Math.max(1, tracker.acked.size()), "rows");
      report.note("journal rows by entity type (whole run, " + tracker.acked.size() + " events acknowledged): " + rows);
      report.check("p99 ack at " + (int) o.rate + " events/s for " + o.duration + " s", fixed.latency().getValueAtPercentile(99) / 1e6, "<=", 100, "ms");
      report.check("end-to-end events/s (webhook to reply at LINE) at saturation", e2eRate, ">=", 2000, "events/s");
      report.check("ack throughput vs bare Pekko HTTP route", ratio * 100, ">=", 30, "%");
      report.check("acknowledged events without exactly one answer", none + twice, "<=", 0, "events");
      report.finish();
      if (o.jfr) System.out.println("JFR: " + env.dir.resolve("node.jfr") + " (written when the node stops)");
    }
    System.exit(0);
  }

  private static String timeline(Tracker t, long from, long to) {
    StringBuilder b = new StringBuilder();
    for (long s = t.second(from); s <= t.second(to); s += 5) {
      b.append(t.delivered(s, s + 5) / 5).append(' ');
    }
    return b.toString().trim();
  }

  /** Waits until every acknowledged event has its answer; false if some are still missing after {@code within}. */
  private static boolean awaitAnswers(Tracker t, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (t.unanswered() > 0 && System.nanoTime() < deadline) Thread.sleep(250);
    Thread.sleep(1000); // a duplicate would show up now
    return t.unanswered() == 0;
  }

  /** Builds, signs and POSTs one webhook with one text event per call. */
  static final class Sender {
    final FakeLinePlatform line;
    final HttpClient client;
    final Tracker tracker;
    final URI url;
    final int users;
    final String prefix;

    Sender(FakeLinePlatform line, HttpClient client, Tracker tracker, String url, int users, String prefix) {
      this.line = line;
      this.client = client;
      this.tracker = tracker;
      this.url = URI.create(url);
      this.users = users;
      this.prefix = prefix;
    }

    CompletableFuture<Integer> send(long i) {
      int user = (int) (i % users);
      int turn = (int) (i / users);
      String[] script = MESSAGES[user % 3];
      String userId = "U" + prefix + String.format(Locale.ROOT, "%031x", user);
      FakeLinePlatform.WebhookEvent e = line.textEvent(userId, script[turn % script.length]);
      byte[] body = line.webhookBody(List.of(e)).getBytes(StandardCharsets.UTF_8);
      HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json; charset=utf-8")
          .header("x-line-signature", line.sign(body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      if (tracker != null) tracker.sent(e, System.nanoTime());
      return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(r -> {
        if (r.statusCode() != 200) throw new IllegalStateException("webhook answered " + r.statusCode());
        if (tracker != null) tracker.acked.add(e.webhookEventId());
        return r.statusCode();
      });
    }
  }

  record Options(double rate, int duration, int saturation, int warmup, int drain, int callers, int users,
      String nodeHeap, boolean jfr, boolean validateSchemas, List<String> nodeOptions) {
    static Options parse(String[] args) {
      double rate = 1000;
      int duration = 60, saturation = 30, warmup = 20, drain = 120, callers = 64, users = 10_000;
      String heap = "1g";
      boolean jfr = false, validate = false;
      List<String> nodeOptions = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--rate" -> rate = Double.parseDouble(args[++i]);
          case "--duration" -> duration = Integer.parseInt(args[++i]);
          case "--saturation" -> saturation = Integer.parseInt(args[++i]);
          case "--warmup" -> warmup = Integer.parseInt(args[++i]);
          case "--drain" -> drain = Integer.parseInt(args[++i]);
          case "--callers" -> callers = Integer.parseInt(args[++i]);
          case "--users" -> users = Integer.parseInt(args[++i]);
          case "--node-heap" -> heap = args[++i];
          case "--jfr" -> jfr = true;
          case "--validate-schemas" -> validate = true;
          // a JVM option of the node, e.g. -Dlinecommerce.gateway.inbox.reactions.max=32 (repeatable)
          case "--node-opt" -> nodeOptions.add(args[++i]);
          case "--quick" -> {
            duration = 10;
            saturation = 8;
            warmup = 5;
            drain = 60;
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Options(rate, duration, saturation, warmup, drain, callers, users, heap, jfr, validate, List.copyOf(nodeOptions));
    }
  }
}
