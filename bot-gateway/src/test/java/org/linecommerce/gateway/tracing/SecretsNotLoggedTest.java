package org.linecommerce.gateway.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.conversation.ConversationModule;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.gateway.GatewayModule;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.tracing.LogContext;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.FakeOpenAiServer;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;
import org.slf4j.LoggerFactory;

/**
 * No secret reaches the logs. A node with a real-looking channel secret, channel access token (not
 * dry-run: the fake LINE platform checks it), API and admin tokens and an AI vendor key runs the
 * journeys that touch them all - follow, a product question answered by the vendor, an order placed
 * and confirmed, API and admin calls (and refused ones), a webhook with a bad signature, a failing
 * vendor call - and stops; then every captured line (message, MDC, stack trace; and whatever went to
 * stdout/stderr around logback) is scanned for every secret value.
 */
class SecretsNotLoggedTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern ORDER_ID = Pattern.compile("action=confirm_order&orderId=([A-Za-z0-9_-]+)");

  @Test
  void noSecretAppearsInAnyLogLineOfAnEndToEndRun() throws Exception {
    Map<String, String> secrets = Map.of(
        "LINE_CHANNEL_SECRET", HexFormat.of().formatHex(bytes(16)),
        "LINE_CHANNEL_ACCESS_TOKEN", Base64.getEncoder().withoutPadding().encodeToString(bytes(128)).replace('/', 'x').replace('+', 'y') + "=",
        "API_TOKEN", "api-" + HexFormat.of().formatHex(bytes(24)),
        "ADMIN_TOKEN", "adm-" + HexFormat.of().formatHex(bytes(24)),
        "OPENAI_API_KEY", "sk-proj-" + HexFormat.of().formatHex(bytes(24)));

    LogCapture capture = LogCapture.begin();
    try {
      runJourneys(secrets);
    } finally {
      capture.stop();
    }
    assertThat(capture.lines()).as("captured log lines").hasSizeGreaterThan(20);
    assertThat(capture.lines()).as("the failing vendor call's line, with the turn's ids in the MDC")
        .anySatisfy(line -> assertThat(line).contains("AI provider openai failed",
            LogContext.CORRELATION_ID + "=", LogContext.TRACE_ID + "="));
    assertNoSecretIn(capture.lines(), secrets);
  }

  /** The scan itself finds a secret in a message, in an MDC value and in a stack trace. */
  @Test
  void theScanFindsASecretInAMessageAnMdcValueOrAStackTrace() {
    String secret = "sk-planted-" + HexFormat.of().formatHex(bytes(8));
    Map<String, String> secrets = Map.of("PLANTED", secret);
    org.slf4j.Logger log = LoggerFactory.getLogger("org.linecommerce.gateway.line.HttpLineMessaging");
    MessageMeta leaky = MessageMeta.root("test", "corr-" + secret);

    LogCapture inMessage = LogCapture.begin();
    log.info("calling LINE with Authorization: Bearer {}", secret);
    inMessage.stop();
    LogCapture inMdc = LogCapture.begin();
    LogContext.run(leaky, "ChatInbox|U1", () -> log.info("an innocent message"));
    inMdc.stop();
    LogCapture inStackTrace = LogCapture.begin();
    log.warn("vendor call failed", new IllegalStateException("401 for key " + secret));
    inStackTrace.stop();

    for (LogCapture capture : List.of(inMessage, inMdc, inStackTrace)) {
      AssertionError error = null;
      try {
        assertNoSecretIn(capture.lines(), secrets);
      } catch (AssertionError e) {
        error = e;
      }
      assertThat(error).as("the scan of " + capture.lines()).isNotNull();
      assertThat(error.getMessage()).contains("PLANTED");
    }
  }

  private static void assertNoSecretIn(List<String> lines, Map<String, String> secrets) {
    List<String> offending = new ArrayList<>();
    for (String line : lines) {
      secrets.forEach((name, value) -> {
        if (line.contains(value)) offending.add(name + " in: " + line);
      });
    }
    if (!offending.isEmpty()) {
      throw new AssertionError(offending.size() + " log line(s) contain a secret:\n" + String.join("\n", offending));
    }
  }

  private static void runJourneys(Map<String, String> secrets) throws Exception {
    FakeLinePlatform line = new FakeLinePlatform(secrets.get("LINE_CHANNEL_ACCESS_TOKEN"), secrets.get("LINE_CHANNEL_SECRET"));
    FakeOpenAiServer vendor = new FakeOpenAiServer().answer("We have matcha powder and matcha latte.");
    TestDatabase db = TestDatabase.h2();
    InProcessCluster cluster = null;
    try {
      cluster = InProcessCluster.start(1, db,
          List.of(new CatalogModule(), new CustomerModule(), new ConversationModule(), new GatewayModule()),
          ConfigFactory.parseString(line.nodeConfig()
              + "linecommerce.gateway.inbox.reorder-delay = 100 ms\n"
              + "linecommerce.auth.api-token = \"" + secrets.get("API_TOKEN") + "\"\n"
              + "linecommerce.auth.admin-token = \"" + secrets.get("ADMIN_TOKEN") + "\"\n"
              + "linecommerce.conversation.providers = \"openai,local\"\n"
              + "linecommerce.conversation.openai.base-url = \"" + vendor.apiBaseUrl() + "\"\n"
              + "linecommerce.conversation.openai.api-key = \"" + secrets.get("OPENAI_API_KEY") + "\"\n"
              + "linecommerce.conversation.openai.timeout = 3s\n"));
      String base = "http://127.0.0.1:" + cluster.node(0).httpPort();
      String webhook = base + "/webhook";
      String userId = "Usecrets" + Long.toHexString(System.nanoTime());

      line.addProfile(userId, "Aiko", "en");
      send(line, webhook, line.followEvent(userId, false));
      await("welcome").until(() -> line.deliveriesTo(userId).size() >= 1);

      send(line, webhook, line.textEvent(userId, "do you have matcha?"));
      await("the vendor's answer").until(() -> line.deliveriesTo(userId).size() >= 2);
      assertThat(vendor.chatRequests()).as("the vendor was asked, with the key").isNotEmpty();

      send(line, webhook, line.postbackEvent(userId, "action=order_product&productId=matcha-powder-1&quantity=1"));
      await("order summary").until(() -> line.deliveriesTo(userId).size() >= 3);
      Matcher m = ORDER_ID.matcher(String.join("\n", lastMessages(line, userId)));
      assertThat(m.find()).as("the summary has a confirm button").isTrue();
      send(line, webhook, line.postbackEvent(userId, "action=confirm_order&orderId=" + m.group(1)));
      await("confirmation").until(() -> line.deliveriesTo(userId).size() >= 4);

      assertThat(call(base + "/admin/chats?mode=handoff", secrets.get("ADMIN_TOKEN"))).isEqualTo(200);
      assertThat(call(base + "/api/v1/customers/" + userId, secrets.get("API_TOKEN"))).isEqualTo(200);
      assertThat(call(base + "/admin/chats?mode=handoff", secrets.get("API_TOKEN"))).as("the API token on an admin path").isEqualTo(401);
      assertThat(call(base + "/api/v1/customers/" + userId, secrets.get("ADMIN_TOKEN"))).isEqualTo(401);

      byte[] body = line.webhookBody(List.of(line.textEvent(userId, "hello"))).getBytes(StandardCharsets.UTF_8);
      assertThat(line.post(webhook, body, "bm90LXRoZS1zaWduYXR1cmU=")).as("a bad signature").isEqualTo(401);

      vendor.failAll(FakeOpenAiServer.Fault.SERVER_ERROR);
      int asked = vendor.chatRequests().size();
      send(line, webhook, line.textEvent(userId, "is the matcha latte sweet?"));
      await("an answer without the vendor").until(() -> line.deliveriesTo(userId).size() >= 5);
      assertThat(vendor.requests(FakeOpenAiServer.COMPLETIONS_PATH).size()).as("the failing vendor was called")
          .isGreaterThan(asked);
      vendor.heal();
    } finally {
      if (cluster != null) cluster.close();
      db.close();
      line.close();
      vendor.close();
    }
  }

  private static ConditionFactory await(String what) {
    return Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(100));
  }

  private static void send(FakeLinePlatform line, String webhook, FakeLinePlatform.WebhookEvent event) {
    // a 503 (the inbox not answering in time on a fresh, busy node) is redelivered, as LINE does
    Awaitility.await("webhook acknowledged").atMost(Duration.ofSeconds(30)).pollInSameThread()
        .pollInterval(Duration.ofMillis(500))
        .until(() -> line.sendWebhook(webhook, event), status -> {
          assertThat(status).isIn(200, 503);
          return status == 200;
        });
  }

  private static List<String> lastMessages(FakeLinePlatform line, String userId) {
    var all = line.deliveriesTo(userId);
    return all.get(all.size() - 1).messages();
  }

  private static int call(String url, String bearer) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /**
   * Everything logged while it runs: each logback event rendered whole (level, logger, thread,
   * message, MDC, stack trace), with {@code org.linecommerce} at DEBUG, and everything written to
   * stdout and stderr (Pekko's own stdout logger before and after slf4j, stray prints).
   */
  static final class LogCapture extends AppenderBase<ILoggingEvent> {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private PrintStream out;
    private PrintStream err;
    private Level appLevel;

    static LogCapture begin() {
      LogCapture capture = new LogCapture();
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      capture.setContext(context);
      capture.setName("secrets-scan");
      capture.start();
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(capture);
      ch.qos.logback.classic.Logger app = context.getLogger("org.linecommerce");
      capture.appLevel = app.getLevel();
      app.setLevel(Level.DEBUG);
      capture.out = System.out;
      capture.err = System.err;
      System.setOut(new PrintStream(tee(capture.out, capture.console), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(tee(capture.err, capture.console), true, StandardCharsets.UTF_8));
      return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
      StringBuilder b = new StringBuilder()
          .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" [").append(event.getThreadName())
          .append("] ").append(event.getFormattedMessage());
      event.getMDCPropertyMap().forEach((k, v) -> b.append(" | ").append(k).append('=').append(v));
      if (event.getKeyValuePairs() != null) event.getKeyValuePairs().forEach(kv -> b.append(" | ").append(kv));
      if (event.getThrowableProxy() != null) b.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
      lines.add(b.toString());
    }

    @Override
    public void stop() {
      LoggerContext context = (LoggerContext) getContext();
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this);
      context.getLogger("org.linecommerce").setLevel(appLevel);
      if (out != null) {
        System.out.flush();
        System.err.flush();
        System.setOut(out);
        System.setErr(err);
      }
      super.stop();
    }

    List<String> lines() {
      List<String> all = new ArrayList<>(lines);
      synchronized (console) {
        console.toString(StandardCharsets.UTF_8).lines().map(l -> "console: " + l).forEach(all::add);
      }
      return all;
    }

    private static OutputStream tee(OutputStream original, ByteArrayOutputStream copy) {
      return new OutputStream() {
        @Override
        public void write(int b) throws java.io.IOException {
          original.write(b);
          synchronized (copy) {
            copy.write(b);
          }
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
          original.write(b, off, len);
          synchronized (copy) {
            copy.write(b, off, len);
          }
        }

        @Override
        public void flush() throws java.io.IOException {
          original.flush();
        }
      };
    }
  }
}
