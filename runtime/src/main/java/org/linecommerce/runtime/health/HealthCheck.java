package org.linecommerce.runtime.health;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One named check behind {@code GET /health}. A {@link #critical()} check that is not up makes the
 * node answer 503; a non-critical one only marks the whole as degraded.
 */
public interface HealthCheck {

  CompletionStage<Result> check();

  default boolean critical() {
    return false;
  }

  /** @param status {@code up}, {@code degraded} or {@code down} */
  record Result(String status, Map<String, Object> details) {
    public static Result up(Map<String, Object> details) {
      return new Result("up", details);
    }

    public static Result down(Map<String, Object> details) {
      return new Result("down", details);
    }

    public boolean isUp() {
      return "up".equals(status);
    }
  }
}
