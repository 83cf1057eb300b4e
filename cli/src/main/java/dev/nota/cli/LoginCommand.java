package dev.nota.cli;

import dev.nota.oci.OciException;
import dev.nota.oci.registry.AuthenticationException;
import dev.nota.oci.registry.Credential;
import dev.nota.oci.registry.CredentialHelpers;
import dev.nota.oci.registry.DockerConfig;
import dev.nota.oci.registry.RegistryLogin;
import dev.nota.oci.registry.RegistryOptions;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nota login}: checks a username and password against a registry and keeps them where docker keeps them
 * (a credential helper named in docker's {@code config.json}, else the file itself), so that nota, docker, notation
 * and oras all use them afterwards. Nothing is stored when the registry refuses them. The password is taken from
 * standard input or a terminal prompt, never from an argument, and never printed.
 */
@Command(name = "login",
    description = "Log in to a registry and store the credentials as docker does.",
    footer = {"%nExample: echo \"$PASSWORD\" | nota login -u alice --password-stdin registry.example.com"})
final class LoginCommand implements Callable<Integer>, Nota.Debuggable {
  private static final Pattern HOST = Pattern.compile(
      "(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?");
  private static final List<String> HUB = List.of("docker.io", "index.docker.io", "registry-1.docker.io");

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "REGISTRY", description = "The registry: host[:port], e.g. localhost:5000.")
  String server;

  @Option(names = {"-u", "--username"}, description = "Username for the registry.")
  String username;

  @Option(names = "--password-stdin", description = "Read the password (or token) from standard input.")
  boolean passwordStdin;

  @Option(names = "--insecure-registry",
      description = "Allow plain HTTP to the registry when it does not speak TLS (loopback registries always may).")
  boolean insecureRegistry;

  @Option(names = "--plain-http", description = "Talk plain HTTP to the registry, without trying TLS.")
  boolean plainHttp;

  @Option(names = "--ca-file", paramLabel = "PEM",
      description = "Trust the CA certificates in this PEM file for registry TLS, besides the system's.")
  Path caFile;

  @Option(names = {"-d", "--debug"}, description = "Print debug output (never secrets).")
  boolean debug;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  private final Context context;

  LoginCommand(Context context) {
    this.context = context;
  }

  @Override
  public boolean debug() {
    return debug;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String registry = registryOf(server);
    DockerConfig config = dockerConfig(context);
    String helper = local(() -> config.helperFor(registry)); // a broken config.json fails before any network use
    Credential credential = credential(registry);
    Set<String> plain = plainHttp ? Set.of(registry) : Set.of();
    Set<String> insecure = insecureRegistry || plainHttp ? Set.of(registry) : Set.of();
    RegistryOptions base = RegistryOptions.defaults();
    RegistryOptions options = new RegistryOptions(insecure, caFile, null, "nota/" + Nota.Version.version(),
        base.timeout(), base.maxRetries(), false, debug ? line -> err.println("debug: " + line) : null, plain);
    try {
      RegistryLogin.check(registry, credential, options);
    } catch (AuthenticationException e) {
      if (e.status() == 401 || e.status() == 403) {
        throw new UserException(ExitCode.REGISTRY, "logging in to " + registry + " as " + credential.username()
            + ": unauthorized: " + (e.status() == 401 ? "the registry refused the username or password"
                : "the registry denied access") + "; nothing was stored");
      }
      throw e;
    }
    if (debug) {
      err.println("debug: " + registry + " accepted the credentials of " + credential.username() + "; storing them "
          + (helper == null ? "in " + config.file() : "through docker-credential-" + helper));
    }
    String used = local(() -> config.store(registry, credential));
    if (used == null) {
      err.println("WARNING! Your password is stored unencrypted in " + config.file()
          + " (name a credential helper in its credsStore to keep it in a keychain).");
    }
    out.println("Login Succeeded");
    return ExitCode.OK;
  }

  private Credential credential(String registry) throws UserException, IOException {
    Console console = context.stdin() == System.in ? System.console() : null;
    String user = username;
    if (user == null || user.isEmpty()) {
      if (passwordStdin) {
        throw new UserException("--password-stdin needs --username (-u)");
      }
      if (console == null) {
        throw new UserException("no terminal to ask for the username and password of " + registry
            + "; pass --username and pipe the password in with --password-stdin");
      }
      user = console.readLine("Username: ");
      if (user == null || user.isBlank()) {
        throw new UserException("no username given");
      }
      user = user.strip();
    }
    if (user.contains(":")) {
      throw new UserException("the username must not contain ':' (docker's config cannot store it)");
    }
    String password;
    if (passwordStdin) {
      password = readSecret(context.stdin());
    } else if (console != null) {
      char[] typed = console.readPassword("Password: ");
      password = typed == null ? "" : new String(typed);
    } else {
      throw new UserException("no terminal to ask for the password of " + user + " on; pipe it in with "
          + "--password-stdin (nota never takes a password as an argument)");
    }
    if (password.isEmpty()) {
      throw new UserException("the password is empty" + (passwordStdin ? " (nothing on standard input)" : ""));
    }
    return Credential.basic(user, password);
  }

  /** Standard input up to its end, without the line break a pipe or here-string adds (as docker reads it). */
  private static String readSecret(InputStream in) throws IOException, UserException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      bytes.write(buf, 0, n);
      if (bytes.size() > 64 * 1024) {
        throw new UserException("--password-stdin: more than 64 KiB on standard input; that is not a password");
      }
    }
    String s = bytes.toString(StandardCharsets.UTF_8);
    if (s.endsWith("\n")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.endsWith("\r")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  /** docker's config file for this context, its helpers looked up on the context's {@code PATH}. */
  static DockerConfig dockerConfig(Context context) {
    return new DockerConfig(context.config().dockerConfig(context.env()),
        CredentialHelpers.onPath(context.env().get("PATH")));
  }

  /**
   * The registry {@code host[:port]} a login argument names: a scheme and a path are dropped as docker drops them
   * ({@code https://registry.example.com/v2/} is {@code registry.example.com}); Docker Hub's names become
   * {@code docker.io}.
   */
  static String registryOf(String server) throws UserException {
    String s = server.strip();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://")) {
      s = s.substring(8);
    } else if (lower.startsWith("http://")) {
      s = s.substring(7);
    }
    int slash = s.indexOf('/');
    if (slash >= 0) {
      s = s.substring(0, slash);
    }
    if (!HOST.matcher(s).matches()) {
      throw new UserException("\"" + server + "\" is not a registry: expected host[:port], e.g. localhost:5000 or "
          + "registry.example.com");
    }
    return HUB.contains(s.toLowerCase(Locale.ROOT)) ? "docker.io" : s;
  }

  /** A step on docker's config file or a credential helper: its failure is a configuration error (exit 2). */
  interface LocalStep<T> {
    T run() throws OciException;
  }

  static <T> T local(LocalStep<T> step) throws UserException {
    try {
      return step.run();
    } catch (OciException e) {
      throw new UserException(e.getMessage());
    }
  }
}
