package org.linecommerce.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.stream.Materializer;
import org.linecommerce.customer.CustomerModule;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.CustomerCommand;
import org.linecommerce.customer.api.CustomerView;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.testkit.TestDatabase;
import org.linecommerce.testkit.TestNodeConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 11, item 1 ("internal hop"): the same customer-profile lookup done the way this system
 * does it inside the cluster and the way the old Node design did it between services, side by
 * side in one JVM, each against its floor.
 *
 * <ul>
 *   <li>{@link #ask}: {@code CustomerClient.get} — a resilient typed ask to the active sharded
 *       {@code Customer} entity (in memory after the first lookup), the reply a Java object;
 *   <li>{@link #http}: {@code GET /api/v1/customers/{id}} on the same node through Pekko HTTP's
 *       client over keep-alive loopback connections (a host pool), through the node's whole HTTP
 *       edge (correlation id, trace context, metrics, auth, rate limit), which asks the same
 *       entity; the JSON body parsed into a tree by Jackson on the caller's side;
 *   <li>{@link #entityAsk}: the resilient ask's floor — the same sharded ask without
 *       {@code ResilientAsk} (no breaker, retry or result mapping): what sharding and the entity cost;
 *   <li>{@link #actorPingPong}: the ask floor — an ask to a plain echo actor;
 *   <li>{@link #socketPingPong}: the HTTP floor — one byte written to and read back from a
 *       loopback TCP echo server (a kernel round trip without HTTP or JSON).
 * </ul>
 *
 * <p>Latency: JMH sample time, one caller. Throughput at saturation: the same methods in
 * throughput mode with many callers ({@code -bm thrpt -t 16}); see {@code bench/RESULTS.md}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 3, time = 5)
public class InternalHopBenchmark {

  static final String USER = "Ubench0000000000000000000000000001";
  private static final long TIMEOUT_MS = 5_000;

  /** An echo actor's message: the floor of an ask. */
  public record Ping(ActorRef<Ping> replyTo) {}

  private TestDatabase database;
  private Node node;
  private CustomerClient customers;
  private EntityRef<CustomerCommand> entity;
  private Http http;
  private Materializer materializer;
  private HttpRequest request;
  private ObjectMapper json;
  private ActorRef<Ping> echo;
  private ServerSocket echoServer;

  @Setup(Level.Trial)
  public void start() throws Exception {
    database = TestDatabase.h2();
    node = Node.start(TestNodeConfig.node(database, ConfigFactory.parseString("""
        linecommerce.node.roles = "customer"
        pekko.loglevel = WARNING
        # the HTTP caller keeps as many keep-alive connections as callers
        pekko.http.host-connection-pool.max-connections = 64
        pekko.http.host-connection-pool.max-open-requests = 256
        """)), List.of(new CustomerModule()));
    customers = new CustomerClient(node.system());
    entity = ClusterSharding.get(node.system()).entityRefFor(CustomerCommand.ENTITY_KEY, USER);
    AskResult<?> registered = customers.register(USER, "Bench", "en", null, null, MessageMeta.root("bench", null))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (!(registered instanceof AskResult.Ok<?>)) throw new IllegalStateException("register: " + registered);
    http = Http.get(node.system());
    materializer = Materializer.matFromSystem(node.system());
    request = HttpRequest.GET("http://127.0.0.1:" + node.httpPort() + "/api/v1/customers/" + USER)
        .addHeader(Authorization.oauth2("dev-api-token"));
    json = new ObjectMapper();
    Behavior<Ping> echoBehavior = Behaviors.receive(Ping.class)
        .onMessage(Ping.class, p -> {
          p.replyTo().tell(p);
          return Behaviors.same();
        })
        .build();
    echo = node.system().systemActorOf(echoBehavior, "bench-echo", Props.empty());
    echoServer = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptEchoConnections, "bench-socket-echo");
    acceptor.setDaemon(true);
    acceptor.start();
    // the entity and the HTTP pool active before the first measured call
    ask();
    http();
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    echoServer.close();
    node.shutdown().toCompletableFuture().get(60, TimeUnit.SECONDS);
    database.close();
  }

  @Benchmark
  public CustomerView ask() throws Exception {
    AskResult<CustomerView> result = customers.get(USER).toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (!(result instanceof AskResult.Ok<CustomerView> ok) || !ok.value().exists()) {
      throw new IllegalStateException("ask: " + result);
    }
    return ok.value();
  }

  @Benchmark
  public CustomerView entityAsk() throws Exception {
    return entity.<CustomerView>ask(CustomerCommand.Get::new, Duration.ofMillis(TIMEOUT_MS))
        .toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  @Benchmark
  public JsonNode http() throws Exception {
    HttpResponse response = http.singleRequest(request).toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    String body = response.entity().toStrict(TIMEOUT_MS, materializer).toCompletableFuture()
        .get(TIMEOUT_MS, TimeUnit.MILLISECONDS).getData().utf8String();
    if (response.status().intValue() != 200) throw new IllegalStateException("http: " + response.status() + " " + body);
    return json.readTree(body);
  }

  @Benchmark
  public Ping actorPingPong() throws Exception {
    return AskPattern.<Ping, Ping>ask(echo, Ping::new, Duration.ofMillis(TIMEOUT_MS), node.system().scheduler())
        .toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  /** One caller's connection to the loopback echo server. */
  @State(Scope.Thread)
  public static class EchoConnection {
    Socket socket;
    InputStream in;
    OutputStream out;

    @Setup(Level.Trial)
    public void connect(InternalHopBenchmark bench) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), bench.echoServer.getLocalPort());
      socket.setTcpNoDelay(true);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      socket.close();
    }
  }

  @Benchmark
  public int socketPingPong(EchoConnection connection) throws IOException {
    connection.out.write(1);
    connection.out.flush();
    int b = connection.in.read();
    if (b != 1) throw new IOException("echo answered " + b);
    return b;
  }

  private void acceptEchoConnections() {
    while (!echoServer.isClosed()) {
      try {
        Socket s = echoServer.accept();
        s.setTcpNoDelay(true);
        Thread t = new Thread(() -> echo(s), "bench-socket-echo-" + s.getPort());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void echo(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      int b;
      while ((b = in.read()) >= 0) {
        out.write(b);
        out.flush();
      }
    } catch (IOException ignored) {
      // the caller closed its connection
    }
  }
}
