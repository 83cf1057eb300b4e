package dev.nota.core.tuf;

import dev.nota.core.NotaException;

/**
 * A Notary v1 failure. The message is one line, {@code "<role>: <reason>"}; {@link #kind()} tells a caller whether
 * the trust data did not verify, the source could not be reached, or the input was bad.
 */
public final class TufException extends NotaException {
  /** What went wrong, so the CLI can choose an exit code. */
  public enum Kind {
    /** The trust data does not verify (a trust decision). */
    VERIFICATION,
    /** The server or the files could not be read. */
    NETWORK,
    /** Bad input: a name, a flag, a file given by the user. */
    INPUT
  }

  private final Kind kind;
  private final String role;

  public TufException(Kind kind, String role, String reason) {
    super(role == null ? reason : role + ": " + reason);
    this.kind = kind;
    this.role = role;
  }

  public TufException(Kind kind, String role, String reason, Throwable cause) {
    super(role == null ? reason : role + ": " + reason, cause);
    this.kind = kind;
    this.role = role;
  }

  static TufException verification(String role, String reason) {
    return new TufException(Kind.VERIFICATION, role, reason);
  }

  public Kind kind() {
    return kind;
  }

  /** The role the message is about, or null. */
  public String role() {
    return role;
  }
}
