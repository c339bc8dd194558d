package org.linecommerce.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.reliability.WebhookTraffic.SECONDS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.linecommerce.testkit.FakeLinePlatform;

/**
 * Scenario 5, saga crash: shoppers order through the chat (the order button's postback, then the
 * summary's confirm or cancel button, or nothing until the reservation expires) while nodes, which
 * all run checkout sagas, get SIGKILL at random moments and are started again. Afterwards every
 * order and its checkout saga ended (order {@code confirmed}, {@code cancelled}, {@code expired}
 * or {@code failed}; saga {@code completed} or {@code failed}, none live or needing an operator),
 * and each product's stock reconciles exactly: stock before minus the units of its confirmed
 * orders, with no unit left reserved.
 */
class SagaCrashScenarioTest {

  private static final Pattern ORDER_ID = Pattern.compile("action=confirm_order&orderId=([A-Za-z0-9_-]+)");
  private static final Set<String> ORDER_FINAL = Set.of("confirmed", "cancelled", "expired", "failed");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A shopper's order as the chat showed it, and what the shopper then did. */
  record Shopped(String userId, String orderId, String choice) {}

  @Test
  void everyCheckoutEndsAndStockReconcilesAfterRandomKills() throws Exception {
    try (ShopCluster cluster = new ShopCluster(3, ShopCluster.Options.defaults().withEnv("ORDER_RESERVATION_TTL", "20s"))) {
      FakeLinePlatform line = cluster.line;
      String run = Long.toString(System.nanoTime() % 1_000_000, 36);
      List<String> products = new ArrayList<>();
      for (JsonNode p : get(cluster, 0, "/api/v1/products?limit=100", ShopCluster.API_TOKEN).path("items")) {
        if (p.path("stock").asInt(0) >= 300 && products.size() < 3) products.add(p.path("id").asText());
      }
      assertThat(products).as("products with 300 units in stock").hasSize(3);
      Map<String, JsonNode> before = new HashMap<>();
      for (String p : products) before.put(p, get(cluster, 0, "/admin/products/" + p, ShopCluster.ADMIN_TOKEN));

      List<Shopped> shopped = new ArrayList<>();
      AtomicLong noSummary = new AtomicLong();
      AtomicLong webhooksRepeated = new AtomicLong();
      ExecutorService shoppers = Executors.newFixedThreadPool(24);
      Random random = new Random(7);
      List<String> kills = new ArrayList<>();
      long end = System.currentTimeMillis() + SECONDS * 1000L;
      long nextKill = System.currentTimeMillis() + SECONDS * 1000L / 4;
      int n = 0;
      while (System.currentTimeMillis() < end) {
        int shopper = n++;
        String user = "U" + run + "s" + shopper;
        String product = products.get(shopper % products.size());
        int quantity = 1 + shopper % 3;
        String choice = switch (shopper % 10) { case 7, 8 -> "cancel"; case 9 -> "nothing"; default -> "confirm"; };
        shoppers.execute(() -> {
          deliver(cluster, line, line.postbackEvent(user,
              "action=order_product&productId=" + product + "&quantity=" + quantity), webhooksRepeated);
          String orderId = awaitOrderId(line, user, Duration.ofSeconds(90));
          if (orderId == null) {
            noSummary.incrementAndGet();
            return;
          }
          synchronized (shopped) {
            shopped.add(new Shopped(user, orderId, choice));
          }
          if (!choice.equals("nothing")) {
            deliver(cluster, line, line.postbackEvent(user, "action=" + choice + "_order&orderId=" + orderId), webhooksRepeated);
          }
        });
        if (System.currentTimeMillis() >= nextKill) {
          int victim = random.nextInt(cluster.size());
          long at = System.currentTimeMillis();
          cluster.kill(victim);
          Thread.sleep(2_000);
          cluster.start(victim);
          cluster.node(victim).awaitReady(Duration.ofMinutes(3));
          kills.add("node " + victim + " (ready again after " + (System.currentTimeMillis() - at) + " ms)");
          nextKill = System.currentTimeMillis() + SECONDS * 1000L / 4;
        }
        Thread.sleep(250);
      }
      shoppers.shutdown();
      assertThat(shoppers.awaitTermination(5, TimeUnit.MINUTES)).as("every shopper done").isTrue();

      // every order and its saga end (unconfirmed ones expire after the 20 s reservation)
      Map<String, String> orderStatus = new TreeMap<>();
      Map<String, String> sagaStatus = new TreeMap<>();
      Map<String, Integer> confirmedUnits = new HashMap<>();
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      for (Shopped s : shopped) {
        while (true) {
          JsonNode order = get(cluster, 0, "/api/v1/orders/" + s.orderId(), ShopCluster.API_TOKEN);
          JsonNode saga = get(cluster, 0, "/admin/sagas/checkout-" + s.orderId(), ShopCluster.ADMIN_TOKEN);
          String os = order.path("status").asText("unknown");
          String ss = saga.path("status").asText("unknown");
          if ((ORDER_FINAL.contains(os) && Set.of("completed", "failed").contains(ss)) || System.nanoTime() > deadline) {
            orderStatus.put(s.orderId(), os);
            sagaStatus.put(s.orderId(), ss);
            if (os.equals("confirmed")) {
              for (JsonNode item : order.path("items")) {
                confirmedUnits.merge(item.path("productId").asText(), item.path("quantity").asInt(), Integer::sum);
              }
            }
            break;
          }
          Thread.sleep(500);
        }
      }
      List<String> stockProblems = new ArrayList<>();
      for (String p : products) {
        JsonNode after = get(cluster, 0, "/admin/products/" + p, ShopCluster.ADMIN_TOKEN);
        int expected = before.get(p).path("stock").asInt() - confirmedUnits.getOrDefault(p, 0);
        if (after.path("stock").asInt() != expected || after.path("reserved").asInt() != before.get(p).path("reserved").asInt()) {
          stockProblems.add(p + ": before " + before.get(p) + ", confirmed units " + confirmedUnits.getOrDefault(p, 0)
              + ", after " + after);
        }
      }
      Map<String, Long> orders = count(orderStatus);
      Map<String, Long> sagas = count(sagaStatus);
      System.out.printf("%n== Reliability scenario 5: checkout sagas under SIGKILL (%d kills: %s) ==%n", kills.size(), kills);
      System.out.printf("shoppers %d, orders shown in the chat %d, no summary %d, webhooks repeated %d%n",
          n, shopped.size(), noSummary.get(), webhooksRepeated.get());
      System.out.printf("orders by status %s, sagas by status %s, confirmed units %s, stock problems %d%n",
          orders, sagas, confirmedUnits, stockProblems.size());

      assertThat(noSummary.get()).as("shoppers whose order button never brought a summary").isZero();
      assertThat(orderStatus.values()).as("orders not final").allMatch(ORDER_FINAL::contains);
      assertThat(sagaStatus.values()).as("checkout sagas not ended (live, or needing an operator)")
          .allMatch(s -> s.equals("completed") || s.equals("failed"));
      assertThat(stockProblems).as("products whose stock does not reconcile with the confirmed orders").isEmpty();
      assertThat(line.violations()).as("requests to LINE breaking its OpenAPI schemas").isEmpty();
    }
  }

  private static Map<String, Long> count(Map<String, String> statuses) {
    return new TreeMap<>(statuses.values().stream().collect(Collectors.groupingBy(s -> s, Collectors.counting())));
  }

  /** Sends {@code e} to the nodes in turn until one acknowledges it with 200 (as LINE redelivers). */
  private static void deliver(ShopCluster cluster, FakeLinePlatform line, FakeLinePlatform.WebhookEvent e, AtomicLong repeated) {
    FakeLinePlatform.WebhookEvent attempt = e;
    for (int i = 0; ; i++) {
      int node = (int) ((e.chatId().hashCode() & 0x7fffffff) + i) % cluster.size();
      int status;
      try {
        status = cluster.alive(node) ? line.sendWebhook(cluster.webhookUrl(node), attempt) : -1;
      } catch (RuntimeException refused) {
        status = -1;
      }
      if (status == 200) return;
      repeated.incrementAndGet();
      attempt = e.redelivered(line);
      sleep(1_000);
    }
  }

  /** The order id in the confirm button of the summary the chat of {@code user} received, or null. */
  private static String awaitOrderId(FakeLinePlatform line, String user, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      for (FakeLinePlatform.Delivery d : line.deliveriesTo(user)) {
        Matcher m = ORDER_ID.matcher(String.join("\n", d.messages()));
        if (m.find()) return m.group(1);
      }
      sleep(300);
    }
    return null;
  }

  private static JsonNode get(ShopCluster cluster, int node, String path, String token) throws Exception {
    for (int i = 0; ; i++) {
      int target = (node + i) % cluster.size();
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.apiUrl(target, path)))
            .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() < 500 || i >= 20) return JSON.readTree(r.body());
      } catch (java.io.IOException refused) {
        if (i >= 20) throw refused;
      }
      Thread.sleep(500);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
