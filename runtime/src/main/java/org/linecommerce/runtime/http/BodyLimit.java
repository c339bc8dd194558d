package org.linecommerce.runtime.http;

import com.typesafe.config.Config;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;
import scala.Option;

/**
 * The request body limit ({@code linecommerce.http.max-body-size}) and how a refused body is
 * disposed of.
 *
 * <p>A body over the limit is answered with 413: at once when its {@code Content-Length} says so,
 * or, for a chunked body, when the route reading it crosses the limit (it fails with Pekko's
 * {@link EntityStreamSizeException}, which the edge renders as 413).
 *
 * <p>Why the edge keeps reading a body it refuses: a server that answers and closes while the
 * client is still sending leaves unread bytes in its socket, so the kernel resets the connection,
 * and the reset often destroys the response before the client reads it; the client sees
 * "connection reset" instead of the 413 or 401. So, like Tomcat's {@code maxSwallowSize}, the
 * edge reads and discards up to {@code linecommerce.http.max-swallow-size} more bytes of a refused
 * body and answers after the body has ended ({@link #afterDraining}); the connection then stays
 * usable. Beyond that budget it stops reading and the connection is closed.
 */
final class BodyLimit {

  private final long maxBody;
  private final long maxSwallow;

  BodyLimit(long maxBody, long maxSwallow) {
    if (maxBody < 1) throw new IllegalStateException("linecommerce.http.max-body-size must be positive");
    if (maxSwallow < 0) throw new IllegalStateException("linecommerce.http.max-swallow-size must not be negative");
    this.maxBody = maxBody;
    this.maxSwallow = maxSwallow;
  }

  static BodyLimit fromConfig(Config config) {
    return new BodyLimit(
        config.getBytes("linecommerce.http.max-body-size"), config.getBytes("linecommerce.http.max-swallow-size"));
  }

  long maxBody() {
    return maxBody;
  }

  /**
   * Limits the entity {@code inner} sees: Pekko's own limit is set to what the edge may read at
   * most, and a chunked body fails at {@code max-body-size} only once it has ended (or outgrown
   * the swallow budget). Goes outside the rejection and exception handlers, so they drain the
   * limited entity.
   */
  Route limitEntity(Supplier<Route> inner) {
    return Directives.withSizeLimit(maxBody + maxSwallow, () ->
        Directives.mapRequest(request -> request.entity().getContentLengthOption().isPresent()
                ? request // Pekko enforces a declared length exactly; refuseDeclaredOversize judges it
                : request.transformEntityDataBytes(new SwallowingLimit(maxBody, maxSwallow)),
            inner));
  }

  /** 413 for a body whose {@code Content-Length} is over the limit, before anything reads it. */
  Route refuseDeclaredOversize(Supplier<Route> inner) {
    Route next = inner.get();
    return Directives.extractRequest(request -> {
      OptionalLong declared = request.entity().getContentLengthOption();
      if (declared.isEmpty() || declared.getAsLong() <= maxBody) return next;
      Route tooLarge = ProblemHandlers.tooLarge(maxBody);
      // within the budget, read it all so the client gets the answer; beyond it, answer and close
      return declared.getAsLong() <= maxBody + maxSwallow ? afterDraining(tooLarge) : tooLarge;
    });
  }

  /**
   * {@code answer} once the rest of the request body has been read and discarded (bounded by the
   * entity's limit). An entity the route already consumed cannot be read again; then, as when
   * draining fails, {@code answer} goes out at once.
   */
  static Route afterDraining(Route answer) {
    return Directives.extractRequest(request -> {
      if (request.entity().isKnownEmpty() || request.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict) {
        return answer;
      }
      return Directives.extractMaterializer(materializer ->
          Directives.onComplete(request.discardEntityBytes(materializer).completionStage(), drained -> answer));
    });
  }

  /**
   * Passes bytes on up to {@code maxBody}; past it, swallows up to {@code maxSwallow} more and
   * fails with {@link EntityStreamSizeException} when the body ends, or at once when the body
   * outgrows the budget.
   */
  static final class SwallowingLimit extends GraphStage<FlowShape<ByteString, ByteString>> {
    private final Inlet<ByteString> in = Inlet.create("SwallowingLimit.in");
    private final Outlet<ByteString> out = Outlet.create("SwallowingLimit.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final long maxBody;
    private final long maxSwallow;

    SwallowingLimit(long maxBody, long maxSwallow) {
      this.maxBody = maxBody;
      this.maxSwallow = maxSwallow;
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
      return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
      return new GraphStageLogic(shape) {
        private long seen;
        private boolean exceeded;

        {
          setHandler(in, new AbstractInHandler() {
            @Override
            public void onPush() {
              ByteString bytes = grab(in);
              seen += bytes.size();
              if (!exceeded && seen <= maxBody) {
                push(out, bytes);
              } else if (seen > maxBody + maxSwallow) {
                failStage(new EntityStreamSizeException(maxBody, Option.empty()));
              } else {
                exceeded = true;
                pull(in);
              }
            }

            @Override
            public void onUpstreamFinish() {
              if (exceeded) {
                failStage(new EntityStreamSizeException(maxBody, Option.apply(seen)));
              } else {
                completeStage();
              }
            }
          });
          setHandler(out, new AbstractOutHandler() {
            @Override
            public void onPull() {
              if (!exceeded && !hasBeenPulled(in)) pull(in);
            }
          });
        }
      };
    }
  }
}
