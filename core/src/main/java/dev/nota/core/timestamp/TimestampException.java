package dev.nota.core.timestamp;

import dev.nota.core.NotaException;
import java.util.Objects;

/**
 * Obtaining a timestamp failed. The two reasons are kept apart because a caller acts differently on them: a TSA that
 * cannot be reached (down, too slow, answering HTTP errors) may work on a retry, whereas an answer that is not a
 * trustworthy timestamp of the request (garbage, a rejected status, another nonce or imprint, an untrusted chain)
 * will not get better by asking again.
 */
public final class TimestampException extends NotaException {
  /** Why no timestamp was obtained. */
  public enum Reason {
    /** The TSA could not be reached, did not answer in time, or answered with an HTTP error status. */
    UNREACHABLE,
    /** The TSA answered, but its answer is not a valid, trusted timestamp token for this request. */
    INVALID_RESPONSE
  }

  private final Reason reason;

  public TimestampException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public TimestampException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
