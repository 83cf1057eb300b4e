package dev.nota.cli.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.cli.CliAccess;
import dev.nota.cli.interop.CrossChecks;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.oci.registry.StaticCredentials;
import dev.nota.testregistry.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nota login} and {@code nota logout} against a real distribution 2.8 with htpasswd basic auth and against the
 * testregistry's token service: the credentials are checked before they are stored, stored where docker stores them
 * (docker's {@code config.json}, or a credential helper named by {@code credHelpers} or {@code credsStore}), used by
 * later commands without {@code -u}, removed by logout, and never printed.
 */
@Tag("real")
class LoginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "alice";
  private static final String PASSWORD = "pa55-Login-s3cret";
  private static final String AUTH = b64(USER + ":" + PASSWORD);

  @TempDir static Path work;
  private static Distribution registry;
  private static Descriptor image;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
    registry = Distribution.start(Files.createDirectories(work.resolve("registry")), USER + ":" + PASSWORD);
    image = push(registry.host() + "/login/app", new StaticCredentials(USER, PASSWORD));
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private static Descriptor push(String repo, StaticCredentials credentials) throws Exception {
    try (RegistryClient client = new RegistryClient(RegistryOptions.defaults().withCredentials(credentials));
        Target t = client.repository(Reference.parse(repo))) {
      return CliAccess.pushSampleImage(t, "v1", "login test image " + repo);
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static CliAccess.Result ok(CliAccess.Result r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }

  private Path dockerConfig() {
    return home.resolve("docker").resolve("config.json");
  }

  /** nota in this test's home, with a signing key and a policy trusting it for every repository. */
  private CliAccess nota() {
    CliAccess nota = new CliAccess(home);
    if (!Files.exists(nota.config().resolve("signingkeys.json"))) {
      ok(nota.run("cert", "generate-test", "--default", "--key-type", "ec-256", "alice"));
      ok(nota.run("policy", "init", "--force", "--name", "p", "--scope", "*", "--trust-store", "ca:alice",
          "--trusted-identity", "*"));
    }
    return nota;
  }

  private static String ref() {
    return registry.host() + "/login/app@" + image.digest();
  }

  private CliAccess.Result login(CliAccess nota, String password, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("login", "-u", USER, "--password-stdin"));
    args.addAll(List.of(extra));
    args.add(registry.host());
    return nota.stdin(password + "\n").run(args.toArray(String[]::new));
  }

  private static void assertNoSecret(CliAccess.Result r) {
    for (String secret : List.of(PASSWORD, AUTH)) {
      assertFalse(r.out().contains(secret) || r.err().contains(secret), () -> "secret shown:\n" + r);
    }
  }

  @Test
  void loginStoresTheCredentialsSoSignVerifyAndListNeedNoUsernameAndLogoutTakesThemAway() throws Exception {
    CliAccess nota = nota();
    CliAccess.Result anonymous = nota.stdin("").run("ls", ref());
    assertEquals(3, anonymous.code(), anonymous::toString);

    CliAccess.Result in = ok(login(nota, PASSWORD));
    assertEquals("Login Succeeded\n", in.out());
    assertNoSecret(in);
    JsonNode config = JSON.readTree(Files.readAllBytes(dockerConfig()));
    assertEquals(AUTH, config.path("auths").path(registry.host()).path("auth").asText(), config::toString);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dockerConfig())));

    nota.stdin("");
    ok(nota.run("sign", ref()));
    CliAccess.Result verified = ok(nota.run("verify", ref()));
    assertTrue(verified.out().contains("Successfully verified"), verified::toString);
    CliAccess.Result listed = ok(nota.run("ls", ref()));
    assertTrue(listed.out().contains("sha256:"), listed::toString);

    CliAccess.Result out = ok(nota.run("logout", registry.host()));
    assertEquals("Removing login credentials for " + registry.host() + "\n", out.out());
    assertTrue(JSON.readTree(Files.readAllBytes(dockerConfig())).path("auths").isEmpty());

    CliAccess.Result refused = nota.run("ls", ref());
    assertEquals(3, refused.code(), refused::toString);
    assertEquals(1, refused.err().strip().lines().count(), refused::toString);
    assertTrue(refused.err().toLowerCase(Locale.ROOT).contains("unauthorized"), refused::toString);

    CliAccess.Result again = ok(nota.run("logout", registry.host()));
    assertEquals("Not logged in to " + registry.host() + "\n", again.out());
  }

  @Test
  void aWrongPasswordExitsThreeSaysUnauthorizedAndLeavesTheConfigAsItWas() throws Exception {
    CliAccess nota = nota();
    String original = "{\n\t\"auths\": {\"other.example\": {\"auth\": \"" + b64("o:p") + "\"}},\n\t\"x\": 1\n}\n";
    Files.createDirectories(dockerConfig().getParent());
    Files.writeString(dockerConfig(), original);
    String wrong = "wrong-" + PASSWORD;
    CliAccess.Result refused = login(nota, wrong);
    assertEquals(3, refused.code(), refused::toString);
    assertEquals(1, refused.err().strip().lines().count(), refused::toString);
    assertTrue(refused.err().contains("unauthorized") && refused.err().contains("nothing was stored"),
        refused::toString);
    assertFalse(refused.err().contains(wrong) || refused.err().contains(b64(USER + ":" + wrong)), refused::toString);
    assertEquals("", refused.out());
    assertEquals(original, Files.readString(dockerConfig()));

    Files.delete(dockerConfig());
    assertEquals(3, login(nota, wrong).code());
    assertFalse(Files.exists(dockerConfig()));
  }

  @Test
  void debugOutputOfLoginAndOfASignWithTheStoredCredentialsHoldsNoSecret() throws Exception {
    CliAccess nota = nota();
    CliAccess.Result in = ok(login(nota, PASSWORD, "--debug"));
    assertTrue(in.err().contains("debug: > GET"), in::toString);
    assertTrue(in.err().contains("Authorization: Basic <redacted>"), in::toString);
    assertNoSecret(in);
    CliAccess.Result signed = ok(nota.stdin("").run("sign", "--debug", ref()));
    assertTrue(signed.err().contains("Authorization: Basic <redacted>"), signed::toString);
    assertNoSecret(signed);
    CliAccess.Result refused = login(nota, "wrong-" + PASSWORD, "--debug");
    assertEquals(3, refused.code(), refused::toString);
    assertFalse(refused.err().contains("wrong-" + PASSWORD), refused::toString);
    assertNoSecret(refused);
  }

  @Test
  void credHelperNamedForTheRegistryStoresIsReadAndErasesEndToEnd() throws Exception {
    helperEndToEnd("{\"credHelpers\": {\"" + registry.host() + "\": \"nota-test\"}}");
  }

  @Test
  void credsStoreStoresIsReadAndErasesEndToEnd() throws Exception {
    helperEndToEnd("{\"credsStore\": \"nota-test\", \"auths\": {}}");
  }

  private void helperEndToEnd(String configJson) throws Exception {
    nota();
    Path bin = keychainHelper("nota-test");
    Files.createDirectories(dockerConfig().getParent());
    Files.writeString(dockerConfig(), configJson);
    Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"));

    CliAccess.Result in = run(env, PASSWORD + "\n", "login", "-u", USER, "--password-stdin", registry.host());
    assertEquals(0, in.code(), in::toString);
    assertNoSecret(in);
    assertEquals(configJson, Files.readString(dockerConfig()), "the secret went to the helper, not the file");
    assertEquals(List.of("store " + registry.host()), Files.readAllLines(home.resolve("helper.log")));

    CliAccess.Result signed = run(env, "", "sign", ref());
    assertEquals(0, signed.code(), signed::toString);
    assertTrue(Files.readAllLines(home.resolve("helper.log")).contains("get " + registry.host()),
        "sign asked the helper");

    CliAccess.Result out = run(env, "", "logout", registry.host());
    assertEquals("Removing login credentials for " + registry.host() + "\n", out.out(), out::toString);
    assertTrue(Files.readAllLines(home.resolve("helper.log")).contains("erase " + registry.host()));
    CliAccess.Result refused = run(env, "", "ls", ref());
    assertEquals(3, refused.code(), refused::toString);
    assertTrue(refused.err().toLowerCase(Locale.ROOT).contains("unauthorized"), refused::toString);
    CliAccess.Result again = run(env, "", "logout", registry.host());
    assertEquals("Not logged in to " + registry.host() + "\n", again.out(), again::toString);
  }

  @Test
  void aCredentialHelperThatIsNotInstalledIsAClearErrorAndNothingIsStored() throws Exception {
    nota();
    Files.createDirectories(dockerConfig().getParent());
    String config = "{\"credsStore\": \"nota-absent-helper\"}";
    Files.writeString(dockerConfig(), config);
    CliAccess.Result r = run(Map.of("PATH", home.toString()), PASSWORD + "\n",
        "login", "-u", USER, "--password-stdin", registry.host());
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("docker-credential-nota-absent-helper not found on the PATH"), r::toString);
    assertEquals(config, Files.readString(dockerConfig()));
    assertNoSecret(r);
  }

  @Test
  void loginAgainstATokenServiceGetsATokenWithTheCredentialsAndSignWorksAfterwards() throws Exception {
    try (TestRegistry tokens = TestRegistry.builder().tokenAuth("bob", "token-pw").start()) {
      Descriptor pushed = push(tokens.host() + "/tok/app", new StaticCredentials("bob", "token-pw"));
      String ref = tokens.host() + "/tok/app@" + pushed.digest();
      CliAccess nota = nota();
      CliAccess.Result wrong = nota.stdin("nope\n").run("login", "-u", "bob", "--password-stdin", tokens.host());
      assertEquals(3, wrong.code(), wrong::toString);
      assertTrue(wrong.err().contains("unauthorized"), wrong::toString);
      assertFalse(Files.exists(dockerConfig()));

      CliAccess.Result in = nota.stdin("token-pw\n").run("login", "-u", "bob", "--password-stdin", "--debug",
          tokens.host());
      assertEquals(0, in.code(), in::toString);
      assertTrue(in.err().contains("/token"), "asked the token service:\n" + in);
      assertFalse(in.err().contains("token-pw") || in.err().contains(b64("bob:token-pw")), in::toString);
      CliAccess.Result signed = nota.stdin("").run("sign", ref);
      assertEquals(0, signed.code(), signed::toString);
      assertTrue(nota.run("ls", ref).out().contains("sha256:"));
    }
  }

  @Test
  void loginToARegistryThatIsNotRunningExitsThreeAndStoresNothing() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    CliAccess.Result r = nota().stdin(PASSWORD + "\n").run("login", "-u", USER, "--password-stdin",
        "127.0.0.1:" + port);
    assertEquals(3, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertTrue(r.err().contains("logging in to 127.0.0.1:" + port) && r.err().contains("refused the connection"),
        r::toString);
    assertFalse(Files.exists(dockerConfig()));
  }

  @Test
  void badLoginInvocationsAreOneLineUsageErrors() throws Exception {
    CliAccess nota = nota();
    String host = registry.host();
    Map<List<String>, String> cases = Map.of(
        List.of("login", "-u", USER, host), "no terminal to ask for the password",
        List.of("login", "--password-stdin", host), "--password-stdin needs --username",
        List.of("login", host), "no terminal to ask for the username and password",
        List.of("login", "-u", USER, "--password-stdin", "not a host"), "is not a registry",
        List.of("logout", "https://"), "is not a registry");
    for (Map.Entry<List<String>, String> c : cases.entrySet()) {
      CliAccess.Result r = nota.stdin(PASSWORD + "\n").run(c.getKey().toArray(String[]::new));
      assertEquals(2, r.code(), r::toString);
      assertEquals(1, r.err().strip().lines().count(), r::toString);
      assertTrue(r.err().contains(c.getValue()), r::toString);
      assertNoSecret(r);
    }
    CliAccess.Result empty = nota.stdin("\n").run("login", "-u", USER, "--password-stdin", host);
    assertEquals(2, empty.code(), empty::toString);
    assertTrue(empty.err().contains("the password is empty"), empty::toString);
    assertFalse(Files.exists(dockerConfig()));
  }

  @Test
  void aMalformedDockerConfigFailsLoginBeforeAnyNetworkUseAndIsLeftAlone() throws Exception {
    CliAccess nota = nota();
    Files.createDirectories(dockerConfig().getParent());
    String broken = "{\"auths\": {\"x\": {\"auth\": \"" + AUTH + "\"}";
    Files.writeString(dockerConfig(), broken);
    CliAccess.Result r = login(nota, PASSWORD);
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("is not valid JSON") && r.err().contains(dockerConfig().toString()), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertNoSecret(r);
    assertEquals(broken, Files.readString(dockerConfig()));
    CliAccess.Result out = nota.run("logout", registry.host());
    assertEquals(2, out.code(), out::toString);
    assertEquals(broken, Files.readString(dockerConfig()));
  }

  @Test
  @Tag("interop")
  void orasUsesWhatNotaLoginStoredAndNotaUsesWhatOrasLoginStored() throws Exception {
    Path oras = peer("oras");
    CliAccess nota = nota();
    Path bin = keychainHelper("nota-test");
    Map<String, String> env = Map.of("HOME", home.toString(), "DOCKER_CONFIG", home.resolve("docker").toString(),
        "PATH", bin + ":/usr/bin:/bin", "TMPDIR", home.toString());
    String repo = registry.host() + "/login/app";
    CrossChecks.check("Credentials", "nota login stores in docker's config.json and through a credsStore helper; "
        + "oras reads both, and nota reads what oras login stored", () -> {
          ok(login(nota, PASSWORD));
          PeerRun tags = peerRun(oras, env, "", "repo", "tags", "--plain-http", repo);
          assertEquals(0, tags.code(), tags::toString);
          assertTrue(tags.out().contains("v1"), tags::toString);

          Files.writeString(dockerConfig(), "{\"credsStore\": \"nota-test\"}");
          CliAccess.Result viaHelper = run(Map.of("PATH", bin.toString()), PASSWORD + "\n",
              "login", "-u", USER, "--password-stdin", registry.host());
          assertEquals(0, viaHelper.code(), viaHelper::toString);
          PeerRun helperTags = peerRun(oras, env, "", "repo", "tags", "--plain-http", repo);
          assertEquals(0, helperTags.code(), helperTags::toString);
          assertTrue(Files.readAllLines(home.resolve("helper.log")).contains("get " + registry.host()),
              "oras asked the helper nota stored through");

          Files.delete(dockerConfig());
          PeerRun orasLogin = peerRun(oras, env, PASSWORD + "\n", "login", "--plain-http", "-u", USER,
              "--password-stdin", registry.host());
          assertEquals(0, orasLogin.code(), orasLogin::toString);
          CliAccess.Result listed = ok(nota.stdin("").run("ls", ref()));
          assertTrue(listed.out().startsWith(ref()), listed::toString);
          CliAccess.Result out = ok(nota.run("logout", registry.host()));
          assertEquals("Removing login credentials for " + registry.host() + "\n", out.out());
          PeerRun refused = peerRun(oras, env, "", "repo", "tags", "--plain-http", repo);
          assertTrue(refused.code() != 0, refused::toString);
        });
  }

  /** What a peer printed and returned. */
  private record PeerRun(int code, String out, String err) {}

  /** The peer binary {@code name}, found as the interop group finds it; skipped (failed on CI) when missing. */
  private static Path peer(String name) {
    String dir = System.getenv("NOTA_PEERS");
    Path exe = (dir != null && !dir.isBlank() ? Path.of(dir)
        : Path.of(System.getProperty("user.home"), ".cache", "nota-peers", "bin")).resolve(name);
    if (!Files.isExecutable(exe)) {
      String why = name + " not found at " + exe + " (run ../shared/tools/build-peers.sh, or set NOTA_PEERS)";
      if ("true".equals(System.getenv("CI"))) {
        org.junit.jupiter.api.Assertions.fail(why);
      }
      org.junit.jupiter.api.Assumptions.abort(why);
    }
    return exe;
  }

  /** Runs a peer with exactly {@code env} and {@code stdin}, killed after 60 s. */
  private PeerRun peerRun(Path exe, Map<String, String> env, String stdin, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(exe.toString()));
    command.addAll(List.of(args));
    Path in = Files.writeString(Files.createTempFile(home, "peer", ".in"), stdin);
    Path out = Files.createTempFile(home, "peer", ".out");
    Path err = Files.createTempFile(home, "peer", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
        .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        org.junit.jupiter.api.Assertions.fail("timed out: " + command);
      }
    } finally {
      process.destroyForcibly();
    }
    return new PeerRun(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /**
   * A credential helper keeping one file per server under this test's home and logging {@code <verb> <server>} to
   * {@code helper.log} (never the secret), in its own {@code bin} directory.
   */
  private Path keychainHelper(String name) throws Exception {
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path keychain = Files.createDirectories(home.resolve("keychain"));
    Path log = home.resolve("helper.log");
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(script, "#!/bin/sh\n"
        + "input=$(cat)\n"
        + "case \"$1\" in\n"
        + "  store) server=$(printf '%s' \"$input\" | sed -n 's/.*\"ServerURL\":\"\\([^\"]*\\)\".*/\\1/p')\n"
        + "         echo \"store $server\" >> '" + log + "'\n"
        + "         printf '%s' \"$input\" > '" + keychain + "'/$(printf '%s' \"$server\" | tr -c 'A-Za-z0-9' _) ;;\n"
        + "  get|erase) echo \"$1 $input\" >> '" + log + "'\n"
        + "         f='" + keychain + "'/$(printf '%s' \"$input\" | tr -c 'A-Za-z0-9' _)\n"
        + "         if [ ! -f \"$f\" ]; then echo 'credentials not found in native keychain'; exit 1; fi\n"
        + "         if [ \"$1\" = get ]; then cat \"$f\"; else rm \"$f\"; fi ;;\n"
        + "  *) echo \"unknown verb $1\"; exit 1 ;;\n"
        + "esac\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return bin;
  }

  /** Runs nota in-process in the same home, with {@code extraEnv} added to its environment. */
  private CliAccess.Result run(Map<String, String> extraEnv, String stdin, String... args) {
    CliAccess cli = new CliAccess(home).stdin(stdin);
    extraEnv.forEach(cli::env);
    return cli.run(args);
  }

}
