package dev.nota.core.plugin;

import dev.nota.core.NotaException;

/**
 * A plugin could not be found, run, or gave an answer nota cannot use. {@link #errorCode()} is the plugin's own
 * protocol error code ({@code VALIDATION_ERROR}, {@code ACCESS_DENIED}, {@code TIMEOUT}, {@code THROTTLED},
 * {@code UNSUPPORTED_CONTRACT_VERSION}, {@code ERROR}) when the plugin reported one, else null.
 */
public final class PluginException extends NotaException {
  private final String errorCode;

  public PluginException(String message) {
    this(message, null, null);
  }

  public PluginException(String message, String errorCode, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /** The plugin's protocol error code, or null. */
  public String errorCode() {
    return errorCode;
  }
}
