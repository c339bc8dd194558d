package org.linecommerce.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
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

  /** Seconds of traffic per scenario: {@code -Dreliability.seconds} [30, the short form]. */
  static final int SECONDS = Integer.getInteger("reliability.seconds", 30);
  /** New events a second: {@code -Dreliability.rate} [20]. */
  static final int RATE = Integer.getInteger("reliability.rate", 20);

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
  /**
   * One webhook request: to which node, when it started and ended (wall-clock millis), its status
   * (-1: refused connection or no answer) and whether it was the event's first acknowledgement.
   */
  record Attempt(String eventId, int node, long startedAt, long endedAt, int status, boolean firstAcknowledgement) {}

  final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
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
    long startedAt = System.currentTimeMillis();
    try {
      status = cluster.line.sendWebhook(cluster.webhookUrl(node), e);
    } catch (RuntimeException refusedConnection) {
      status = -1;
    }
    boolean first = status == 200 && acknowledged.add(e.webhookEventId());
    attempts.add(new Attempt(e.webhookEventId(), node, startedAt, System.currentTimeMillis(), status, first));
    if (status == 200) {
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

  /** From {@code since} (wall-clock millis) to the last refusal by a live node, 0 if none came after it. */
  long millisSinceLastLiveRefusal(long since) {
    return Math.max(0, lastRefusalByLiveNode.get() - since);
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
    return LineChecks.notAnswered(cluster.line, acknowledgedChats());
  }

  /** Chats of acknowledged events answered more than once (each chat has exactly one event). */
  List<String> answeredTwice() {
    return LineChecks.answeredMoreThanOnce(cluster.line, acknowledgedChats());
  }

  private List<String> acknowledgedChats() {
    return acknowledged.stream().map(id -> sent.get(id).chatId()).toList();
  }

  /**
   * The end of a scenario: stops new events, waits until every event is acknowledged (redelivery
   * goes on) and every acknowledged one answered, prints the figures under {@code title} with
   * {@code notes}, and fails unless every event was acknowledged, each acknowledged event was
   * answered exactly once at LINE (a late duplicate is given 3 s to show up), each chat's inbox
   * journal holds exactly one accepted and one handled event, and nothing sent to LINE broke its
   * OpenAPI schemas. {@code notes} (lines, printed) is asked once the run settled.
   */
  void assertExactlyOnce(String title, Supplier<String> notes) throws Exception {
    stopNew();
    boolean allAcknowledged = awaitAllAcknowledged(Duration.ofMinutes(3));
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!unanswered().isEmpty() && System.nanoTime() < deadline) Thread.sleep(500);
    Thread.sleep(3_000);

    List<String> unanswered = unanswered();
    List<String> twice = answeredTwice();
    List<String> journalProblems = new ArrayList<>();
    for (String id : acknowledged) {
      String chat = sent.get(id).chatId();
      Map<String, Integer> kinds = cluster.inboxJournal(chat);
      if (kinds.getOrDefault("EventAccepted", 0) != 1 || kinds.getOrDefault("EventHandled", 0) != 1) {
        journalProblems.add(chat + " " + kinds);
      }
    }
    System.out.printf("%n== Reliability %s ==%n", title);
    System.out.printf("events sent %d, webhook requests %d, acknowledged %d, refused or failed %d (redelivered %d),"
            + " duplicates delivered %d%n", sent.size(), requests.get(), acknowledged.size(), refused.get(),
        redeliveries.get(), duplicatesSent.get());
    System.out.printf("answered %d, unanswered %d, answered twice %d, journal problems %d, schema violations %d%n",
        acknowledged.size() - unanswered.size(), unanswered.size(), twice.size(), journalProblems.size(),
        cluster.line.violations().size());
    String more = notes.get();
    if (!more.isEmpty()) System.out.println(more);

    assertThat(allAcknowledged).as("every event acknowledged in the end (LINE redelivers)").isTrue();
    assertThat(unanswered).as("acknowledged events without an answer").isEmpty();
    assertThat(twice).as("acknowledged events answered more than once").isEmpty();
    assertThat(journalProblems).as("chats whose inbox journal does not hold one accepted and one handled event").isEmpty();
    assertThat(cluster.line.violations()).as("requests to LINE breaking its OpenAPI schemas").isEmpty();
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
