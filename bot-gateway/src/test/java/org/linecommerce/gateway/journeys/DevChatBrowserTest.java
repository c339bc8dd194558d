package org.linecommerce.gateway.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.conversation.ConversationModule;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.gateway.GatewayModule;
import org.linecommerce.gateway.line.LineChannel;
import org.linecommerce.testkit.HeadlessBrowser;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The LINE simulator in a real browser (headless Chromium) against one real node in dry-run (all
 * four domains on H2, no LINE token): pick a name and a language, add the bot as a friend, ask for
 * matcha, tap "order" in the product carousel, confirm the order — every step through signed
 * webhooks on the real {@code POST /webhook} and the bot's answers streamed from the dry-run
 * outbox. Screenshots of each step go to {@code target/screenshots/devchat-*.png}.
 */
class DevChatBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(40);
  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static String base;
  private HeadlessBrowser browser;

  @BeforeAll
  static void startDryRunNode() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db,
        List.of(new CatalogModule(), new CustomerModule(), new ConversationModule(), new GatewayModule()),
        com.typesafe.config.ConfigFactory.parseString("linecommerce.gateway.inbox.reorder-delay = 100 ms\n"));
    assertThat(LineChannel.get(cluster.system(0)).dryRun()).as("no LINE token: dry-run").isTrue();
    base = "http://127.0.0.1:" + cluster.node(0).httpPort();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  @BeforeEach
  void openBrowser() {
    browser = HeadlessBrowser.start();
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) browser.close();
  }

  private WebDriver page() {
    return browser.driver();
  }

  private List<String> botTexts() {
    return page().findElements(By.cssSelector(".row.bot")).stream().map(WebElement::getText).toList();
  }

  private boolean botSaid(String fragment) {
    return botTexts().stream().anyMatch(t -> t.contains(fragment));
  }

  private void waitForBot(String fragment) {
    browser.waitUntil(WAIT, d -> botSaid(fragment));
  }

  private void waitFor(String css) {
    browser.waitUntil(WAIT, d -> !d.findElements(By.cssSelector(css)).isEmpty());
  }

  private void type(String text) {
    WebElement input = page().findElement(By.id("text"));
    input.sendKeys(text);
    page().findElement(By.id("send")).click();
  }

  private void follow(String name, String language) {
    page().get(base + "/dev/chat");
    browser.waitUntil(WAIT, d -> d.findElement(By.id("follow")).isDisplayed());
    new Select(page().findElement(By.id("language"))).selectByValue(language);
    WebElement nameInput = page().findElement(By.id("displayName"));
    nameInput.clear();
    nameInput.sendKeys(name);
  }

  /** Errors the page's own script raised (missing images on this offline machine are not). */
  private List<String> scriptErrors() {
    return browser.consoleLog().lines()
        .filter(l -> l.startsWith("SEVERE") && !l.contains("Failed to load resource"))
        .collect(Collectors.toList());
  }

  @Test
  void anEnglishShopperFollowsFindsMatchaOrdersAndConfirms() {
    follow("Aiko", "en");
    browser.screenshot("devchat-en-1-start");
    page().findElement(By.id("follow")).click();

    waitForBot("Welcome, Aiko!");
    assertThat(page().findElement(By.id("status")).getText()).isEqualTo("online");
    browser.screenshot("devchat-en-2-welcome");

    type("do you have matcha?");
    waitFor(".carousel .column button.action[data-data^='action=order_product']");
    assertThat(page().findElements(By.cssSelector(".row.user .bubble.user"))).extracting(WebElement::getText)
        .contains("do you have matcha?");
    List<WebElement> columns = page().findElements(By.cssSelector(".carousel .column"));
    assertThat(columns).isNotEmpty();
    assertThat(columns.stream().map(WebElement::getText).collect(Collectors.joining("\n"))).containsIgnoringCase("matcha");
    browser.screenshot("devchat-en-3-carousel");

    WebElement order = page().findElement(By.cssSelector(".carousel .column button.action[data-data^='action=order_product']"));
    assertThat(order.getText()).isEqualTo("Order");
    order.click();
    waitFor("button.action[data-data^='action=confirm_order']");
    assertThat(page().findElements(By.cssSelector(".row.user .bubble.user"))).extracting(WebElement::getText)
        .anySatisfy(t -> assertThat(t).startsWith("I'd like"));
    assertThat(botSaid("Please confirm your order")).isTrue();
    assertThat(page().findElements(By.cssSelector("button.action[data-data^='action=cancel_order']"))).hasSize(1);
    browser.screenshot("devchat-en-4-order-summary");

    page().findElement(By.cssSelector("button.action[data-data^='action=confirm_order']")).click();
    waitForBot("is confirmed. Thank you!");
    assertThat(botSaid("Order confirmed")).isTrue();
    browser.screenshot("devchat-en-5-confirmed");
    assertThat(scriptErrors()).as("the page's console").isEmpty();
  }

  @Test
  void aJapaneseShopperIsAnsweredInJapanese() {
    follow("あいこ", "ja");
    assertThat(page().findElement(By.id("follow")).getText()).as("the page speaks the chosen language").isEqualTo("友だち追加");
    browser.screenshot("devchat-ja-1-start");
    page().findElement(By.id("follow")).click();

    waitForBot("あいこさん、友だち追加ありがとうございます");
    assertThat(page().findElement(By.id("text")).getAttribute("placeholder")).isEqualTo("メッセージを入力");
    browser.screenshot("devchat-ja-2-welcome");

    type("抹茶ありますか");
    waitFor(".carousel .column button.action[data-data^='action=order_product']");
    WebElement order = page().findElement(By.cssSelector(".carousel .column button.action[data-data^='action=order_product']"));
    assertThat(order.getText()).isEqualTo("注文する");
    assertThat(page().findElements(By.cssSelector(".carousel .column")).stream().map(WebElement::getText)
        .collect(Collectors.joining("\n"))).contains("抹茶");
    browser.screenshot("devchat-ja-3-carousel");

    order.click();
    waitFor("button.action[data-data^='action=confirm_order']");
    WebElement confirm = page().findElement(By.cssSelector("button.action[data-data^='action=confirm_order']"));
    assertThat(confirm.getText()).isEqualTo("確定する");
    browser.screenshot("devchat-ja-4-order-summary");

    confirm.click();
    waitForBot("が確定しました");
    browser.screenshot("devchat-ja-5-confirmed");
    assertThat(scriptErrors()).as("the page's console").isEmpty();
  }

  @Test
  void aThaiShopperSeesThaiAndAQuickReplyTapIsSentAsTheirMessage() {
    follow("สมชาย", "th");
    assertThat(page().findElement(By.id("follow")).getText()).isEqualTo("เพิ่มเพื่อน");
    page().findElement(By.id("follow")).click();
    waitForBot("ยินดีต้อนรับค่ะ คุณสมชาย");
    browser.screenshot("devchat-th-1-welcome");

    type("มีมัทฉะไหม");
    waitFor(".carousel .column button.action[data-data^='action=order_product']");
    assertThat(page().findElement(By.cssSelector(".carousel .column button.action[data-data^='action=order_product']")).getText())
        .isEqualTo("สั่งซื้อ");
    waitFor(".quick-reply button");
    WebElement chip = page().findElement(By.cssSelector(".quick-reply button"));
    assertThat(chip.isDisplayed()).isTrue();
    String chipText = chip.getAttribute("data-text");
    assertThat(chipText).isNotBlank();
    browser.screenshot("devchat-th-2-carousel-and-quick-replies");

    int botRows = page().findElements(By.cssSelector(".row.bot")).size();
    chip.click();
    assertThat(page().findElement(By.id("quick-reply")).isDisplayed()).as("quick replies go once one is tapped").isFalse();
    browser.waitUntil(WAIT, d -> d.findElements(By.cssSelector(".row.user .bubble.user")).stream()
        .anyMatch(b -> b.getText().equals(chipText)));
    browser.waitUntil(WAIT, d -> d.findElements(By.cssSelector(".row.bot:not([data-kind='loading'])")).size() > botRows);
    browser.screenshot("devchat-th-3-quick-reply-answered");
    assertThat(scriptErrors()).as("the page's console").isEmpty();
  }

  /**
   * What the bot does not send today but LINE shows, pushed into the chat's outbox as a
   * notification would be: a confirm template and a template carousel render with their buttons,
   * and a tapped postback goes through the real webhook to the bot, which answers it.
   */
  @Test
  void pushedTemplatesRenderAndTheirButtonsReachTheBot() {
    follow("Ken", "en");
    page().findElement(By.id("follow")).click();
    waitForBot("Welcome, Ken!");
    String userId = (String) ((org.openqa.selenium.JavascriptExecutor) page())
        .executeScript("return JSON.parse(sessionStorage.getItem('linecommerce.devchat')).userId");
    String confirm = "{\"type\":\"template\",\"altText\":\"Confirm?\",\"template\":{\"type\":\"confirm\","
        + "\"text\":\"Keep order X-1 for later?\",\"actions\":["
        + "{\"type\":\"postback\",\"label\":\"Yes\",\"data\":\"action=confirm_order&orderId=no-such-order\",\"displayText\":\"Yes please\"},"
        + "{\"type\":\"message\",\"label\":\"No\",\"text\":\"No thanks\"}]}}";
    String carousel = "{\"type\":\"template\",\"altText\":\"Picks\",\"template\":{\"type\":\"carousel\",\"columns\":["
        + "{\"title\":\"Hojicha\",\"text\":\"Roasted tea\",\"actions\":[{\"type\":\"message\",\"label\":\"Tell me more\",\"text\":\"hojicha?\"}]},"
        + "{\"title\":\"Sencha\",\"text\":\"Green tea\",\"actions\":[{\"type\":\"message\",\"label\":\"Tell me more\",\"text\":\"sencha?\"}]}]}}";
    LineChannel.get(cluster.system(0)).outbox().record("push", userId, List.of(confirm, carousel), null,
        java.util.UUID.randomUUID().toString(), "browser-test");

    waitFor(".row.bot[data-kind='push'] .confirm button.action");
    assertThat(page().findElements(By.cssSelector(".confirm button.action"))).extracting(WebElement::getText)
        .containsExactly("Yes", "No");
    assertThat(page().findElements(By.cssSelector(".template-carousel .column .title"))).extracting(WebElement::getText)
        .containsExactly("Hojicha", "Sencha");
    browser.screenshot("devchat-en-templates");

    page().findElement(By.cssSelector(".confirm button.action[data-type='postback']")).click();
    browser.waitUntil(WAIT, d -> d.findElements(By.cssSelector(".row.user .bubble.user")).stream()
        .anyMatch(b -> b.getText().equals("Yes please")));
    waitForBot("Sorry, I could not find that order.");
    browser.screenshot("devchat-en-templates-answered");
    assertThat(scriptErrors()).as("the page's console").isEmpty();
  }
}
