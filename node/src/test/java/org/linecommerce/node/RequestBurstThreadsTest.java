package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * A burst of requests on a whole node starts (almost) no threads. On a 2-core machine or pod the
 * JDK's common pool has parallelism 1, and then {@code CompletableFuture}'s default async
 * executor starts a new thread per task: every stage that falls back to it (an {@code *Async}
 * stage without an executor, {@code delayedExecutor}, or a plain {@code thenApply} on a stage
 * that Pekko converted from a Scala future) shows up here. Surefire runs this module with
 * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=1} to reproduce that machine.
 */
class RequestBurstThreadsTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String USER = "U0123456789abcdef0123456789abcdef";

  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static int port;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, Main.modules());
    port = cluster.node(0).httpPort();
    HttpResponse<String> created = send("PUT", "/api/v1/customers/" + USER,
        "{\"displayName\":\"Aiko\",\"language\":\"ja\",\"preferences\":[],\"interests\":[\"tea\"]}");
    assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
    Awaitility.await("the seeded catalog is searchable").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          HttpResponse<String> r = send("GET", "/api/v1/products?search=tea", null);
          return r.statusCode() == 200 && !r.body().contains("\"items\":[]");
        });
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  @Test
  void theCommonPoolIsAsSmallAsOnATwoCoreMachine() {
    assertThat(ForkJoinPool.getCommonPoolParallelism())
        .as("run with -Djava.util.concurrent.ForkJoinPool.common.parallelism=1 (node's surefire argLine)")
        .isEqualTo(1);
  }

  @Test
  void aBurstOfCustomerReadsAndSearchesStartsAlmostNoThreads() {
    // warm-up as large as the burst measured: a fixed pool (e.g. the JDBC dispatcher, one thread per
    // connection) starts a thread per task until it is full, even while its threads are idle
    burst(100, 50);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long before = threads.getTotalStartedThreadCount();

    Set<String> namesBefore = threadNames();

    burst(100, 50);

    long started = threads.getTotalStartedThreadCount() - before;
    assertThat(started).as("threads started by 100 customer reads and 50 searches (new ones alive: %s)",
        newThreads(namesBefore)).isLessThanOrEqualTo(10);
  }

  private static Set<String> threadNames() {
    Set<String> names = new TreeSet<>();
    Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
    return names;
  }

  /** Names of the threads alive now that were not before: where a failure's threads come from. */
  private static Set<String> newThreads(Set<String> before) {
    Set<String> now = threadNames();
    now.removeAll(before);
    return now;
  }

  @Test
  void aBurstOfOrdersStartsAlmostNoThreads() {
    // a product in stock (orders are placed and cancelled one at a time: one unit is enough); the
    // first hit may be one of the sample's sold-out products, and the index may still be filling
    String productId = Awaitility.await("a tea in stock").atMost(Duration.ofSeconds(30)).pollInSameThread()
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          String body = send("GET", "/api/v1/products?search=tea&limit=50", null).body();
          for (com.fasterxml.jackson.databind.JsonNode p : new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(body).path("items")) {
            if (p.path("stock").asInt(0) >= 1) return p.path("id").asText();
          }
          return null;
        }, java.util.Objects::nonNull);
    // warm-up: the saga, order and projection machinery start their threads, and fixed pools fill up
    // (a thread pool executor starts a thread per task until it has its core size: the catalog's
    // search pool, asked for product names by every order the bot shows, has 16)
    orders(productId, "warm-up", 20);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long before = threads.getTotalStartedThreadCount();
    Set<String> namesBefore = threadNames();

    orders(productId, "burst", 30);

    long started = threads.getTotalStartedThreadCount() - before;
    assertThat(started).as("threads started by 30 orders placed, read and cancelled (new ones alive: %s)",
        newThreads(namesBefore)).isLessThanOrEqualTo(10);
  }

  /** Places {@code count} orders one after the other, reads each and cancels it (its stock returns). */
  private static void orders(String productId, String keyPrefix, int count) {
    for (int i = 0; i < count; i++) {
      HttpRequest place = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
          .timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer dev-api-token")
          .header("Idempotency-Key", keyPrefix + "-" + i)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"userId\":\"" + USER + "\",\"items\":[{\"productId\":\"" + productId + "\",\"quantity\":1}]}"))
          .build();
      HttpResponse<String> placed;
      try {
        placed = HTTP.send(place, HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new AssertionError("POST /api/v1/orders failed", e);
      }
      assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
      Matcher orderId = Pattern.compile("\"orderId\":\"([^\"]+)\"").matcher(placed.body());
      assertThat(orderId.find()).as(placed.body()).isTrue();
      Awaitility.await("order " + orderId.group(1) + " is created").atMost(Duration.ofSeconds(30))
          .pollInSameThread() // Awaitility would start a poller thread per await
          .pollInterval(Duration.ofMillis(20))
          .until(() -> {
            String order = send("GET", "/api/v1/orders/" + orderId.group(1), null).body();
            return order.contains("\"unitPrice\":") && !order.contains("\"unitPrice\":null"); // priced: created
          });
      HttpResponse<String> cancelled = send("POST", "/api/v1/orders/" + orderId.group(1) + "/cancel", null);
      assertThat(cancelled.statusCode()).as(cancelled.body()).isIn(200, 202);
    }
  }

  private static void burst(int customerReads, int searches) {
    for (int i = 0; i < customerReads; i++) {
      HttpResponse<String> r = send("GET", "/api/v1/customers/" + USER, null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    for (int i = 0; i < searches; i++) {
      HttpResponse<String> r = send("GET", "/api/v1/products?search=tea&limit=5", null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> send(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer dev-api-token")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", "application/json");
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }
}
