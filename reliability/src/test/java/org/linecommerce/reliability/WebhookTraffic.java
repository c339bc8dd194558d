package org.linecommerce.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.FakeLinePlatform.WebhookEvent;

/**
 * LINE's side of a run: one text event per new user (so every answer at the fake platform belongs
 * to exactly one event), sent at a steady rate to the nodes in turn (as a load balancer that skips
 * the nodes it was told are down); 20% of the events are delivered a second time after their first
 * acknowledgement (LINE's at-least-once delivery); an event not acknowledged with 200 (503,
 * refused connection, timeout) is redelivered a second later, as LINE does with redelivery on, until
 * it is. Counts what a scenario reports.
 */
final class WebhookTraffic implements AutoCloseable {

  private static final List<String> TEXTS = List.of("do you have matcha?", "green tea please", "抹茶ありますか",
      "มีชาเขียวไหม", "hello", "do you have sunscreen?", "how much is the coffee?", "ありがとう");

  private final ShopCluster cluster;
  private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
  private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
  private final ExecutorService senders = Executors.newFixedThreadPool(32);
  private final Random random = new Random(42);
  private final AtomicLong sequence = new AtomicLong();
  private volatile IntPredicate up = i -> true;
  private volatile boolean sending;

  /** Every event sent (by id), and the acknowledged ones. */
  final Map<String, WebhookEvent> sent = new ConcurrentHashMap<>();
  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong duplicatesSent = new AtomicLong();
  final AtomicLong redeliveries = new AtomicLong();
  /** Wall-clock millis of the last webhook refused by a node that was up. */
  final AtomicLong lastRefusalByLiveNode = new AtomicLong();

  WebhookTraffic(ShopCluster cluster) {
    this.cluster = cluster;
  }

  /** Which nodes the load balancer sends to. */
  void route(IntPredicate up) {
    this.up = up;
  }

  /** Sends {@code perSecond} new events a second until {@link #stopNew}. */
  void start(int perSecond) {
    sending = true;
    long period = 1_000_000L / perSecond;
    clock.scheduleAtFixedRate(() -> {
      if (!sending) return;
      long n = sequence.incrementAndGet();
      WebhookEvent e = cluster.line.textEvent("U" + run + "r" + n, TEXTS.get((int) (n % TEXTS.size())));
      sent.put(e.webhookEventId(), e);
      senders.execute(() -> deliver(e, random.nextInt(100) < 20));
    }, 0, period, TimeUnit.MICROSECONDS);
  }

  void stopNew() {
    sending = false;
  }

  private int nextNode(long n) {
    int size = cluster.size();
    for (int k = 0; k < size; k++) {
      int i = (int) ((n + k) % size);
      if (up.test(i)) return i;
    }
    return (int) (n % size);
  }

  private void deliver(WebhookEvent e, boolean duplicate) {
    int node = nextNode(requests.incrementAndGet());
    int status;
    try {
      status = cluster.line.sendWebhook(cluster.webhookUrl(node), e);
    } catch (RuntimeException refusedConnection) {
      status = -1;
    }
    if (status == 200) {
      acknowledged.add(e.webhookEventId());
      if (duplicate) {
        duplicatesSent.incrementAndGet();
        clock.schedule(() -> senders.execute(() -> deliver(e.redelivered(cluster.line), false)), 200, TimeUnit.MILLISECONDS);
      }
      return;
    }
    refused.incrementAndGet();
    if (up.test(node) && cluster.alive(node)) lastRefusalByLiveNode.set(System.currentTimeMillis());
    if (acknowledged.contains(e.webhookEventId())) return; // a duplicate refused: the first delivery counts
    redeliveries.incrementAndGet();
    clock.schedule(() -> senders.execute(() -> deliver(e.redelivered(cluster.line), duplicate)), 1, TimeUnit.SECONDS);
  }

  /** Until every event sent was acknowledged (redeliveries go on meanwhile), or {@code within}. */
  boolean awaitAllAcknowledged(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (acknowledged.size() < sent.size()) {
      if (System.nanoTime() > deadline) return false;
      Thread.sleep(200);
    }
    return true;
  }

  /** Chats of acknowledged events with no answer at the fake LINE platform yet. */
  List<String> unanswered() {
    List<String> out = new ArrayList<>();
    for (String id : acknowledged) {
      String chat = sent.get(id).chatId();
      if (cluster.line.deliveriesTo(chat).isEmpty()) out.add(chat);
    }
    return out;
  }

  /** Chats of acknowledged events answered more than once (each chat has exactly one event). */
  List<String> answeredTwice() {
    List<String> out = new ArrayList<>();
    for (String id : acknowledged) {
      String chat = sent.get(id).chatId();
      if (cluster.line.deliveriesTo(chat).size() > 1) out.add(chat);
    }
    return out;
  }

  @Override
  public void close() {
    sending = false;
    clock.shutdownNow();
    senders.shutdownNow();
  }

  FakeLinePlatform line() {
    return cluster.line;
  }
}
