package org.linecommerce.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser for page tests: Debian's headless Chromium driven through its chromedriver by
 * Selenium (packages {@code chromium} and {@code chromium-driver}; {@code .ci/run} installs them
 * when missing). Nothing is downloaded at run time: both executables are taken from
 * {@code /usr/bin} (or {@code CHROMIUM_BINARY} / {@code CHROMEDRIVER_BINARY}), and Chromium runs
 * with its background networking off, so it only talks to the loopback pages a test opens.
 *
 * <pre>{@code
 * try (HeadlessBrowser browser = HeadlessBrowser.start()) {
 *   browser.driver().get(node.baseUrl() + "/dev/chat");
 *   browser.waitUntil(Duration.ofSeconds(10), d -> d.findElements(By.cssSelector(".bubble")).size() > 0);
 *   browser.screenshot("dev-chat-welcome"); // target/screenshots/dev-chat-welcome.png
 * }
 * }</pre>
 */
public final class HeadlessBrowser implements AutoCloseable {

  private final ChromeDriver driver;
  private final Path profileDir;

  private HeadlessBrowser(ChromeDriver driver, Path profileDir) {
    this.driver = driver;
    this.profileDir = profileDir;
  }

  /** Whether Chromium and chromedriver are installed where {@link #start} looks. */
  public static boolean available() {
    return new File(chromium()).canExecute() && new File(chromedriver()).canExecute();
  }

  /** Starts headless Chromium with a fresh profile and a 1280×900 window. */
  public static HeadlessBrowser start() {
    if (!available()) {
      throw new IllegalStateException("Browser tests need Debian's chromium and chromium-driver ("
          + chromium() + ", " + chromedriver() + "): apt-get install -y chromium chromium-driver"
          + " (.ci/run installs them when missing)");
    }
    try {
      Path profile = Files.createTempDirectory("linecommerce-chromium-");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(chromium());
      options.addArguments(List.of(
          "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-default-apps", "--disable-extensions", "--window-size=1280,900", "--lang=en-US",
          "--user-data-dir=" + profile));
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(new File(chromedriver()))
          .usingAnyFreePort()
          .build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
      return new HeadlessBrowser(driver, profile);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a Chromium profile folder", e);
    }
  }

  public WebDriver driver() {
    return driver;
  }

  /** Waits until {@code condition} holds (polling), failing with a screenshot's path when it never does. */
  public void waitUntil(Duration timeout, java.util.function.Function<WebDriver, Boolean> condition) {
    try {
      new WebDriverWait(driver, timeout).until(condition::apply);
    } catch (RuntimeException e) {
      Path shot = screenshot("timeout-" + System.currentTimeMillis());
      throw new AssertionError("page condition not met within " + timeout + " (screenshot " + shot
          + "); browser console: " + consoleLog(), e);
    }
  }

  /** Saves a PNG of the window as {@code target/screenshots/<name>.png} and returns its path. */
  public Path screenshot(String name) {
    try {
      Path dir = Path.of("target", "screenshots");
      Files.createDirectories(dir);
      Path target = dir.resolve(name + ".png");
      File file = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(file.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target.toAbsolutePath();
    } catch (IOException e) {
      throw new IllegalStateException("cannot save screenshot " + name, e);
    }
  }

  /** What the page wrote to the browser console (errors included), one entry per line. */
  public String consoleLog() {
    StringBuilder out = new StringBuilder();
    try {
      for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
        out.append(entry.getLevel()).append(' ').append(entry.getMessage()).append('\n');
      }
    } catch (RuntimeException e) {
      out.append("(console log unavailable: ").append(e.getMessage()).append(')');
    }
    return out.toString();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      deleteQuietly(profileDir);
    }
  }

  private static String chromium() {
    String env = System.getenv("CHROMIUM_BINARY");
    return env != null && !env.isBlank() ? env : "/usr/bin/chromium";
  }

  private static String chromedriver() {
    String env = System.getenv("CHROMEDRIVER_BINARY");
    return env != null && !env.isBlank() ? env : "/usr/bin/chromedriver";
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException ignored) {
      // a temp folder; the OS cleans it eventually
    }
  }
}
