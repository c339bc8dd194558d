package org.linecommerce.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy forwards both ways; cut closes live connections and refuses new ones; restore forwards again. */
class TcpProxyTest {

  private ServerSocket echo;
  private TcpProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!echo.isClosed()) {
        try {
          Socket s = echo.accept();
          Thread pump = new Thread(() -> {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
              in.transferTo(out);
            } catch (IOException ignored) {
              // closed
            }
          });
          pump.setDaemon(true);
          pump.start();
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  private String roundTrip(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes());
    s.getOutputStream().flush();
    byte[] buffer = s.getInputStream().readNBytes(text.length());
    return new String(buffer);
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(5_000);
    return s;
  }

  @Test
  void forwardsCutsAndRestores() throws IOException {
    try (Socket live = connect()) {
      assertThat(roundTrip(live, "hello")).isEqualTo("hello");
      proxy.cut();
      assertThat(live.getInputStream().read()).as("a live connection is closed by the cut").isEqualTo(-1);
    }
    try (Socket refused = connect()) {
      assertThatThrownBy(() -> {
        refused.getOutputStream().write("x".getBytes());
        if (refused.getInputStream().read() == -1) throw new IOException("closed");
      }).isInstanceOf(IOException.class);
    }
    proxy.restore();
    try (Socket again = connect()) {
      assertThat(roundTrip(again, "back")).isEqualTo("back");
    }
  }
}
