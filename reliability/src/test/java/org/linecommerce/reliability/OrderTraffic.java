package org.linecommerce.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A shop's back office during a run: one order a period for a new user (one unit of a product with
 * plenty of stock), placed through {@code POST /api/v1/orders} and then confirmed, each call
 * repeated with the same {@code Idempotency-Key} until it gets an answer that is not a 5xx or a
 * refused connection, on the nodes in turn. The customer domain's order events reach the user's
 * chat as pushes (the gateway's order notifications), so each user's chat at the fake LINE
 * platform must end with exactly one message per order state told (confirmed, expired, failed,
 * cancelled).
 */
final class OrderTraffic implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FINAL = Set.of("confirmed", "cancelled", "expired", "failed");

  private final ShopCluster cluster;
  private final String run = Long.toString(System.nanoTime() % 1_000_000, 36);
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService workers = Executors.newFixedThreadPool(8);
  private final List<String> products;
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean placing;

  /** Users (one order each) → order id, once placed. */
  final Map<String, String> orders = new ConcurrentHashMap<>();
  final Set<String> users = ConcurrentHashMap.newKeySet();
  final AtomicLong repeatedCalls = new AtomicLong();

  OrderTraffic(ShopCluster cluster) throws Exception {
    this.cluster = cluster;
    this.products = new ArrayList<>();
    JsonNode page = JSON.readTree(call(0, "GET", "/api/v1/products?limit=100", null, null).body());
    for (JsonNode p : page.path("items")) if (p.path("stock").asInt(0) >= 200) products.add(p.path("id").asText());
    if (products.isEmpty()) throw new IllegalStateException("no product with 200 units in stock: " + page);
  }

  void start(Duration every) {
    placing = true;
    clock.scheduleAtFixedRate(() -> {
      if (!placing) return;
      long n = sequence.incrementAndGet();
      String user = "U" + run + "o" + n;
      users.add(user);
      workers.execute(() -> placeAndConfirm(user, products.get((int) (n % products.size())), n));
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  void stopNew() {
    placing = false;
  }

  private void placeAndConfirm(String user, String product, long n) {
    String body = "{\"userId\":\"" + user + "\",\"items\":[{\"productId\":\"" + product + "\",\"quantity\":1}]}";
    HttpResponse<String> placed = untilAnswered(n, "POST", "/api/v1/orders", body, "order-" + user);
    if (placed.statusCode() != 202) throw new IllegalStateException("order of " + user + ": " + placed.statusCode() + " " + placed.body());
    String orderId = field(placed.body(), "orderId");
    orders.put(user, orderId);
    untilAnswered(n + 1, "POST", "/api/v1/orders/" + orderId + "/confirm", null, null);
  }

  /** Repeats the call (every 500 ms, on the next node) while it fails with a 5xx, a 202 of a confirm, or no answer. */
  private HttpResponse<String> untilAnswered(long n, String method, String path, String body, String key) {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    for (long attempt = n; ; attempt++) {
      try {
        HttpResponse<String> r = call((int) (attempt % cluster.size()), method, path, body, key);
        boolean again = r.statusCode() >= 500 || (r.statusCode() == 202 && path.endsWith("/confirm"));
        if (!again) return r;
      } catch (Exception refused) {
        // a node down or the call timed out: the same request again
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException(method + " " + path + " never answered");
      repeatedCalls.incrementAndGet();
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private HttpResponse<String> call(int node, String method, String path, String body, String key) throws Exception {
    if (!cluster.alive(node)) node = (node + 1) % cluster.size();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.apiUrl(node, path)))
        .timeout(Duration.ofSeconds(15))
        .header("Authorization", "Bearer " + ShopCluster.API_TOKEN)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    if (key != null) b.header("Idempotency-Key", key);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String field(String json, String name) {
    try {
      return JSON.readTree(json).path(name).asText();
    } catch (Exception e) {
      throw new IllegalStateException(json, e);
    }
  }

  /** Each placed order's status (as {@code GET /api/v1/orders/{id}} tells it), waiting up to {@code within} for every one to be final. */
  Map<String, String> awaitFinal(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    Map<String, String> statuses = new ConcurrentHashMap<>();
    while (true) {
      boolean all = orders.size() == users.size();
      for (Map.Entry<String, String> o : orders.entrySet()) {
        if (FINAL.contains(statuses.get(o.getValue()))) continue;
        String status;
        try {
          status = field(call(0, "GET", "/api/v1/orders/" + o.getValue(), null, null).body(), "status");
        } catch (Exception e) {
          status = "unknown";
        }
        statuses.put(o.getValue(), status);
        all &= FINAL.contains(status);
      }
      if (all || System.nanoTime() > deadline) return statuses;
      Thread.sleep(1_000);
    }
  }

  /** Users whose chat did not get exactly one message batch (the notification of their order's final state). */
  List<String> notNotifiedOnce() {
    List<String> out = new ArrayList<>();
    for (String user : orders.keySet()) {
      int n = cluster.line.deliveriesTo(user).size();
      if (n != 1) out.add(user + " (" + n + " notifications, order " + orders.get(user) + ")");
    }
    return out;
  }

  @Override
  public void close() {
    placing = false;
    clock.shutdownNow();
    workers.shutdownNow();
  }
}
