package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.tracing.LogContext;
import org.slf4j.Logger;

/**
 * The node's {@code logback.xml}: {@code LOG_FORMAT=json} writes one JSON object per line with the
 * correlation id, trace id, entity id and node address; {@code text} (the default) a readable line
 * with the correlation id; {@code APP_ENV=production} without {@code LOG_FORMAT} means JSON.
 * Variables are given as logback context properties, which logback looks up before the environment.
 */
class LogFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MessageMeta META =
      MessageMeta.root("test", "corr-42", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

  @ParameterizedTest(name = "LOG_FORMAT={0} APP_ENV={1} → {2}")
  @CsvSource({"json, , json", "text, production, text", ", production, json", ", development, text", ", , text"})
  void theFormatFollowsLogFormatElseAppEnv(String logFormat, String appEnv, String expected) throws Exception {
    String out = logOneLine(logFormat == null ? Map.of() : Map.of("LOG_FORMAT", logFormat),
        appEnv == null ? Map.of() : Map.of("APP_ENV", appEnv));
    String line = out.lines().filter(l -> l.contains("order accepted")).findFirst().orElseThrow(() -> new AssertionError(out));
    if (expected.equals("json")) {
      JsonNode json = JSON.readTree(line);
      assertThat(json.path("message").asText()).isEqualTo("order accepted");
      assertThat(json.path("level").asText()).isEqualTo("INFO");
      assertThat(json.path(LogContext.CORRELATION_ID).asText()).isEqualTo("corr-42");
      assertThat(json.path(LogContext.TRACE_ID).asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(json.path(LogContext.ENTITY_ID).asText()).isEqualTo("Customer|U1");
      assertThat(json.path(LogContext.NODE_ADDRESS).asText()).isEqualTo("pekko://linecommerce@10.0.0.7:2551");
    } else {
      assertThat(line).doesNotStartWith("{").contains("INFO", "[corr-42]", "order accepted");
    }
  }

  private static String logOneLine(Map<String, String> logFormat, Map<String, String> appEnv) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
      logFormat.forEach(context::putProperty);
      appEnv.forEach(context::putProperty);
      context.putProperty(LogContext.NODE_ADDRESS, "pekko://linecommerce@10.0.0.7:2551");
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      Logger log = context.getLogger("org.linecommerce.customer.Customer");
      LogContext.run(META, "Customer|U1", () -> log.info("order accepted"));
    } finally {
      context.stop();
      System.out.flush();
      System.setOut(original);
    }
    String statuses = context.getStatusManager().getCopyOfStatusList().toString();
    return captured.toString(StandardCharsets.UTF_8) + "\n[logback status] " + statuses;
  }
}
