package org.linecommerce.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

class HeadlessBrowserTest {

  private static final String PAGE = "<!doctype html><html><body>"
      + "<button id=b onclick=\"document.getElementById('out').textContent='clicked ' + navigator.language\">go</button>"
      + "<p id=out></p><script>console.log('page ready')</script></body></html>";

  @Test
  void opensALoopbackPageClicksAndTakesAScreenshot() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try (HeadlessBrowser browser = HeadlessBrowser.start()) {
      browser.driver().get("http://127.0.0.1:" + server.getAddress().getPort() + "/");
      browser.driver().findElement(By.id("b")).click();
      browser.waitUntil(Duration.ofSeconds(10), d -> d.findElement(By.id("out")).getText().startsWith("clicked"));
      assertThat(browser.driver().findElement(By.id("out")).getText()).isEqualTo("clicked en-US");
      assertThat(Files.size(browser.screenshot("headless-browser-test"))).isGreaterThan(1000);
      assertThat(browser.consoleLog()).contains("page ready");
    } finally {
      server.stop(0);
    }
  }
}
