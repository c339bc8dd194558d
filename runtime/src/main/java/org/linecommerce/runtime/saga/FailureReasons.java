package org.linecommerce.runtime.saga;

import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.runtime.resilience.Stages;

/**
 * How a saga turns an error into the reason it stores and shows (short, without the wrapping of
 * futures), and which errors no retry can fix.
 */
final class FailureReasons {

  /** Longest reason or timeline detail stored; longer ones are cut with an ellipsis. */
  static final int MAX_DETAIL = 300;

  private FailureReasons() {}

  /**
   * The reason for {@code error}: the message alone for a participant's refusal
   * ({@code StatusReply.ErrorMessage}) or a {@link SagaStep.PermanentFailure}, else the exception's
   * simple class name and message.
   */
  static String describe(Throwable error) {
    Throwable t = Stages.unwrap(error);
    if (t instanceof StatusReply.ErrorMessage || t instanceof SagaStep.PermanentFailure) {
      return truncate(t.getMessage());
    }
    return truncate(t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
  }

  /** Whether another attempt cannot fix {@code error} ({@link SagaStep.PermanentFailure}). */
  static boolean isPermanent(Throwable error) {
    return Stages.unwrap(error) instanceof SagaStep.PermanentFailure;
  }

  static String truncate(String text) {
    return text == null || text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "…";
  }

}
