package dev.nota.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * Where a signing command gets the password of a PKCS#12 key or the PIN of a token key: standard input, or an
 * environment variable the user names (never the secret itself on the command line, where {@code ps} shows it),
 * or else a prompt when there is a terminal. nota never stores the secret; it is asked for at every signing.
 */
final class KeySecretOptions {
  private static final int MAX_SECRET = 4096;

  @Option(names = {"--key-password-stdin", "--pin-stdin"},
      description = "Read the signing key's PKCS#12 password or token PIN from standard input (first line).")
  boolean stdin;

  @Option(names = {"--key-password-env", "--pin-env"}, paramLabel = "NAME",
      description = "Take the signing key's PKCS#12 password or token PIN from environment variable NAME.")
  String env;

  /** The secret for {@code what} (e.g. {@code PIN of token "t"}), from these options. */
  char[] read(Context context, String what) throws UserException {
    return read(context, stdin, env, what, "--key-password-stdin or --key-password-env NAME");
  }

  /**
   * The secret for {@code what}: from standard input when {@code fromStdin}, else from the environment variable
   * {@code envName} when set, else from a prompt on the terminal.
   *
   * @param flags the flags to name when there is no terminal to prompt on
   * @throws UserException when both sources are given, the variable is unset or empty, standard input is empty,
   *     or nothing is given and there is no terminal
   */
  static char[] read(Context context, boolean fromStdin, String envName, String what, String flags)
      throws UserException {
    if (fromStdin && envName != null) {
      throw new UserException("give the " + what + " either on standard input or in an environment variable, "
          + "not both");
    }
    if (fromStdin) {
      return fromStdin(context.stdin(), what);
    }
    if (envName != null) {
      String v = context.env().get(envName);
      if (v == null || v.isEmpty()) {
        throw new UserException("environment variable " + envName + " (named for the " + what + ") is not set");
      }
      return v.toCharArray();
    }
    Console console = context.stdin() == System.in ? System.console() : null;
    if (console == null) {
      throw new UserException("the " + what + " is needed and there is no terminal to ask for it; use " + flags);
    }
    char[] typed = console.readPassword("%s: ", "Enter the " + what);
    if (typed == null || typed.length == 0) {
      throw new UserException("no " + what + " given");
    }
    return typed;
  }

  private static char[] fromStdin(InputStream in, String what) throws UserException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
        if (line.size() >= MAX_SECRET) {
          throw new UserException("the " + what + " on standard input is over " + MAX_SECRET + " bytes");
        }
        line.write(b);
      }
    } catch (IOException e) {
      throw new UserException("cannot read the " + what + " from standard input: " + e.getMessage());
    }
    byte[] bytes = line.toByteArray();
    int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    try {
      if (n == 0) {
        throw new UserException("standard input holds no " + what);
      }
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, n));
      char[] out = new char[chars.remaining()];
      chars.get(out);
      Arrays.fill(chars.array(), '\0');
      return out;
    } catch (CharacterCodingException e) {
      throw new UserException("the " + what + " on standard input is not UTF-8");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
