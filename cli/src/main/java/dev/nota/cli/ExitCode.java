package dev.nota.cli;

/** nota's exit codes, as ../shared/DESIGN.md fixes them and `nota --help` lists them. */
public final class ExitCode {
  private ExitCode() {}

  /** Success. */
  public static final int OK = 0;
  /** A trust decision: verification failed, or there is no signature. */
  public static final int VERIFICATION_FAILED = 1;
  /** Usage or configuration error: bad flags, reference, policy, key or certificate. */
  public static final int USAGE = 2;
  /** Registry or network error. */
  public static final int REGISTRY = 3;
  /** Internal error (a bug). */
  public static final int INTERNAL = 4;
}
