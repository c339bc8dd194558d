package org.linecommerce.node.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.linecommerce.node.Main;
import org.linecommerce.runtime.saga.Saga;
import org.linecommerce.runtime.subscription.EventSubscription;
import org.linecommerce.runtime.subscription.SubscriptionSettings;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.HeadlessBrowser;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The operations dashboard in a real browser (headless Chromium through Selenium) against a
 * three-node cluster on PostgreSQL whose nodes have different roles: the page refuses to show
 * anything without the admin token, then shows the three members with their roles, the shards of
 * each node, the onboarding saga a follow started (with its timeline), a chat waiting in handoff
 * that an operator answers and hands back from the page, a dead letter retried from the page, the AI
 * providers and the webhook chart.
 * Screenshots go to {@code target/screenshots/dashboard-*.png}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String USER = "U" + "d".repeat(32);

  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static FakeLinePlatform line;
  private static HeadlessBrowser browser;
  private static final AtomicBoolean refusing = new AtomicBoolean(true);

  @BeforeAll
  static void start() {
    line = new FakeLinePlatform().addProfile(USER, "Chen", "en");
    db = TestDatabase.postgres();
    Config common = ConfigFactory.parseString(line.nodeConfig()
        + "linecommerce.catalog.seed = off\n"
        + "linecommerce.gateway.inbox.reorder-delay = 100 ms\n"
        + "linecommerce.ops.metric-history.interval = 1s\n");
    cluster = InProcessCluster.start(1, db, Main.modules(), common);
    cluster.startNode(ConfigFactory.parseString("linecommerce.node.roles = \"gateway,conversation\""));
    cluster.startNode(ConfigFactory.parseString("linecommerce.node.roles = \"customer,catalog\""));
    cluster.awaitAllUp();
    // a subscription that refuses finished sagas while told to, so the page has a dead letter to retry
    EventSubscription.start(cluster.system(0), "ops-dashboard-flaky", Saga.tags(cluster.system(0)), Saga.Event.class,
        delivery -> refusing.get() && delivery.event() instanceof Saga.SagaCompleted
            ? CompletableFuture.failedFuture(new IllegalStateException("refused " + delivery.eventKey()))
            : CompletableFuture.completedFuture(Done.getInstance()),
        SubscriptionSettings.create(cluster.system(0)).withMaxAttempts(1));
    browser = HeadlessBrowser.start();
    browser.driver().manage().window().setSize(new Dimension(1280, 1800));
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.close();
    if (cluster != null) cluster.close();
    if (db != null) db.close();
    if (line != null) line.close();
  }

  @Test
  @Order(1)
  void withoutTheAdminTokenThePageShowsNothingAndSaysWhy() {
    WebDriver d = browser.driver();
    d.get(base() + "/dev/dashboard");
    browser.waitUntil(WAIT, x -> x.findElement(By.id("auth-error")).isDisplayed());
    assertThat(d.findElement(By.id("auth-error")).getText()).contains("No admin token");

    d.findElement(By.id("token")).sendKeys("not-the-admin-token");
    d.findElement(By.id("token-save")).click();
    browser.waitUntil(WAIT, x -> x.findElement(By.id("auth-error")).getText().contains("401"));
    assertThat(d.findElements(By.cssSelector("#members tr.member"))).isEmpty();
    browser.screenshot("dashboard-401");
    browser.consoleLog(); // the refused requests are logged by Chromium; later checks start clean
  }

  @Test
  @Order(2)
  void withTheTokenItShowsTheThreeMembersWithTheirRolesAndTheShardsOfEachNode() {
    WebDriver d = browser.driver();
    d.findElement(By.id("token")).sendKeys("dev-admin-token");
    d.findElement(By.id("token-save")).click();
    browser.waitUntil(WAIT, x -> !x.findElement(By.id("auth-error")).isDisplayed()
        && x.findElements(By.cssSelector("#members tr.member")).size() == 3);

    Map<String, String> roles = retrying(x -> {
      Map<String, String> byAddress = new TreeMap<>();
      for (WebElement row : x.findElements(By.cssSelector("#members tr.member"))) {
        byAddress.put(row.getAttribute("data-address"), row.findElement(By.cssSelector("td.roles")).getText());
      }
      return byAddress;
    });
    Map<String, String> expected = new TreeMap<>();
    expected.put(address(0), "catalog, conversation, customer, gateway");
    expected.put(address(1), "conversation, gateway");
    expected.put(address(2), "catalog, customer");
    assertThat(roles).isEqualTo(expected);
    String marks = retrying(x -> x.findElement(By.cssSelector("#members tr.member[data-address='" + address(0) + "'] td.marks")).getText());
    assertThat(marks).contains("this node");
    List<String> statuses = retrying(x -> x.findElements(By.cssSelector("#members td.member-status")).stream().map(WebElement::getText).toList());
    assertThat(statuses).containsOnly("Up");
    browser.waitUntil(WAIT, x -> x.findElements(By.cssSelector("#sharding tr.node-sharding")).size() == 3);
    browser.screenshot("dashboard-cluster");
  }

  @Test
  @Order(3)
  void aFollowedUserWhoAsksForAPersonShowsUpAsASagaAndAHandoffChatTheOperatorAnswersAndHandsBack() {
    String webhook = base() + "/webhook";
    assertThat(line.sendWebhook(webhook, line.followEvent(USER, false))).isEqualTo(200);
    Awaitility.await("welcomed").atMost(WAIT).pollInSameThread().until(() -> !line.deliveriesTo(USER).isEmpty());
    assertThat(line.sendWebhook(webhook, line.textEvent(USER, "I want to talk to a human"))).isEqualTo(200);
    assertThat(line.sendWebhook(webhook, line.textEvent(USER, "hello? anyone?"))).isEqualTo(200);

    // the onboarding saga of the follow, and its timeline one click away
    By onboarding = By.cssSelector("#sagas tr.saga[data-saga-id^='onboarding-']");
    browser.waitUntil(WAIT, x -> !x.findElements(onboarding).isEmpty());
    browser.waitUntil(WAIT, x -> {
      try {
        x.findElement(onboarding).click();
        return !x.findElements(By.cssSelector("#timeline li.timeline-entry")).isEmpty();
      } catch (StaleElementReferenceException e) {
        return false;
      }
    });
    String timeline = retrying(x -> x.findElement(By.id("saga-timeline")).getText());
    assertThat(timeline).contains("saga.started", "onboarding");

    // the chat waiting for a person, with its held message
    By chat = By.cssSelector(".handoff-chat[data-chat-id='" + USER + "']");
    browser.waitUntil(WAIT, x -> !x.findElements(chat).isEmpty() && x.findElement(chat).getText().contains("hello? anyone?"));
    browser.screenshot("dashboard-saga-and-handoff");
    int before = line.deliveriesTo(USER).size();
    WebElement box = browser.driver().findElement(chat);
    box.findElement(By.cssSelector("input.reply-text")).sendKeys("Hi Chen, Mai from the shop here.");
    box.findElement(By.cssSelector("button.send")).click();
    browser.waitUntil(WAIT, x -> x.findElement(By.id("handoff-result")).getText().contains("Sent to " + USER));
    Awaitility.await("operator message pushed").atMost(WAIT).pollInSameThread().untilAsserted(() -> {
      assertThat(line.deliveriesTo(USER)).hasSizeGreaterThan(before);
      FakeLinePlatform.Delivery last = line.deliveriesTo(USER).get(line.deliveriesTo(USER).size() - 1);
      assertThat(last.via()).isEqualTo("push");
      assertThat(last.texts()).anySatisfy(t -> assertThat(t).contains("Mai from the shop"));
    });

    browser.driver().findElement(chat).findElement(By.cssSelector("button.handback")).click();
    browser.waitUntil(WAIT, x -> x.findElements(chat).isEmpty());
    assertThat(browser.driver().findElement(By.id("handoff-result")).getText()).contains("with the bot again");
  }

  @Test
  @Order(4)
  void aDeadLetterIsShownAndItsRetryButtonRedeliversIt() {
    By deadLetter = By.xpath("//table[@id='dead-letters']//tr[contains(@class,'dead-letter')][td[text()='ops-dashboard-flaky']]");
    browser.waitUntil(WAIT, x -> !x.findElements(deadLetter).isEmpty());
    String error = retrying(x -> x.findElement(deadLetter).getText());
    assertThat(error).contains("refused", "Saga");
    browser.screenshot("dashboard-dead-letter");

    refusing.set(false);
    browser.waitUntil(WAIT, x -> {
      try {
        x.findElement(deadLetter).findElement(By.cssSelector("button.retry")).click();
        return true;
      } catch (StaleElementReferenceException e) {
        return false;
      }
    });
    browser.waitUntil(WAIT, x -> x.findElement(By.id("dead-letter-result")).getText().contains("redelivered"));
    browser.waitUntil(WAIT, x -> x.findElements(deadLetter).isEmpty());
  }

  @Test
  @Order(5)
  void theAiProvidersAndTheWebhookChartAreShownWithoutErrors() {
    browser.waitUntil(WAIT, x -> !x.findElements(By.cssSelector("#providers tr.provider[data-provider='local']")).isEmpty());
    String breaker = retrying(x -> x.findElement(By.cssSelector("#providers tr.provider[data-provider='local'] td.breaker")).getText());
    assertThat(breaker).isNotBlank();
    browser.waitUntil(WAIT, x -> !x.findElements(By.cssSelector("#chart-events polyline.series")).isEmpty()
        && !x.findElements(By.cssSelector("#chart-latency polyline.series")).isEmpty());
    for (String section : List.of("cluster-error", "sagas-error", "dead-letters-error", "handoff-error", "providers-error", "webhooks-error")) {
      assertThat(browser.driver().findElement(By.id(section)).getText()).as(section).isEmpty();
    }
    browser.screenshot("dashboard-providers-and-webhooks");
    assertThat(browser.consoleLog()).as("browser console").doesNotContain("SEVERE");
  }

  // ------------------------------------------------------------------ helpers

  /** Reads the page again when the refresh replaced an element between finding and reading it. */
  private static <T> T retrying(Function<WebDriver, T> read) {
    for (int attempt = 1; ; attempt++) {
      try {
        return read.apply(browser.driver());
      } catch (StaleElementReferenceException e) {
        if (attempt >= 5) throw e;
      }
    }
  }

  private static String base() {
    return "http://127.0.0.1:" + cluster.node(0).httpPort();
  }

  private static String address(int index) {
    return cluster.system(index).address().toString();
  }
}
