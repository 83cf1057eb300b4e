package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nota.cli.CliAccess;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cross-checks nota and the real notation run against one real registry process, shared by the {@code interop}
 * tests (olareg, distribution v3) and the {@code real} tests (Debian's distribution 2.8): signatures made by one tool
 * verify and list with the other, in JWS and COSE, and two signers started at the same moment both survive. One
 * notation-layout configuration directory serves both tools; the signers are two test keys, alice and bob.
 */
public final class RegistryScenarios implements AutoCloseable {
  /** The subject {@code cert generate-test} gives a test signing certificate. */
  public static String subject(String commonName) {
    return "x509.subject:CN=" + commonName + ",O=Notary,L=Seattle,ST=WA,C=US";
  }

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private final Path home;
  private final CliAccess nota;
  private final Path notation;
  private final Map<String, String> env;
  private final RegistryClient client = new RegistryClient(RegistryOptions.defaults());
  private int images;

  /** A configuration in {@code home} with the EC P-256 test keys alice (the default) and bob. */
  public RegistryScenarios(Path home) {
    this.home = home;
    this.notation = Peers.require("notation");
    this.nota = new CliAccess(home);
    ok(nota.run("cert", "generate-test", "--default", "--key-type", "ec-256", "alice"));
    ok(nota.run("cert", "generate-test", "--key-type", "ec-256", "bob"));
    this.env = Peers.environment(home, nota.config());
  }

  /** nota, in-process, on this configuration. */
  public CliAccess nota() {
    return nota;
  }

  /** Runs the real notation on this configuration. */
  public Peers.Run notation(String... args) throws IOException, InterruptedException {
    return Peers.run(notation, env, args);
  }

  /** Pushes a new, distinct sample image to {@code repo} ({@code host/name}); returns {@code repo@digest}. */
  public String pushImage(String repo) throws Exception {
    try (Target target = client.repository(Reference.parse(repo))) {
      return repo + "@" + CliAccess.pushSampleImage(target, null, "image " + (++images) + " " + repo).digest();
    }
  }

  /** A trust policy for {@code scope} trusting {@code identity} of the test key {@code store}. */
  public void trust(String scope, String store, String identity) {
    ok(nota.run("policy", "init", "--force", "--name", "interop", "--scope", scope, "--trust-store", "ca:" + store,
        "--trusted-identity", identity));
  }

  /**
   * nota signs, notation verifies and lists that one signature; notation signs (with {@code notationFlags} added),
   * nota verifies and lists it; both with {@code format} (jws or cose), in repository {@code host/<format>}.
   */
  public void signBothWays(String host, String format, String... notationFlags) throws Exception {
    String repo = host + "/" + format;
    String byNota = pushImage(repo);
    String byNotation = pushImage(repo);
    trust(repo, "alice", subject("alice"));

    ok(nota.run("sign", "--signature-format", format, byNota));
    Peers.Run verified = ok(notation("verify", "--insecure-registry", byNota));
    assertTrue(verified.out().contains("Successfully verified signature for " + byNota), verified::toString);
    assertEnvelope(format, notation("inspect", "--insecure-registry", "-o", "json", byNota));

    List<String> sign = new ArrayList<>(List.of("sign", "--insecure-registry", "--key", "alice",
        "--signature-format", format));
    sign.addAll(List.of(notationFlags));
    sign.add(byNotation);
    ok(notation(sign.toArray(String[]::new)));
    CliAccess.Result ours = ok(nota.run("verify", byNotation));
    assertTrue(ours.out().contains("Successfully verified signature for " + byNotation), ours::toString);
    assertEnvelope(format, nota.run("inspect", "-o", "json", byNotation));

    for (String ref : List.of(byNota, byNotation)) {
      Peers.Run listing = ok(notation("ls", "--insecure-registry", ref));
      Set<String> theirs = digests(ref, listing.out());
      assertEquals(1, theirs.size(), () -> "notation ls lists " + theirs + ": " + listing);
      assertEquals(theirs, notaLists(ref), () -> "nota ls and notation ls differ for " + ref);
    }
  }

  /** The signature digests {@code notation ls} lists for {@code ref}. */
  public Set<String> notationLists(String ref) throws Exception {
    return digests(ref, ok(notation("ls", "--insecure-registry", ref)).out());
  }

  /** The signature digests {@code nota ls} lists for {@code ref}. */
  public Set<String> notaLists(String ref) throws Exception {
    return digests(ref, ok(nota.run("ls", ref)).out());
  }

  /** Holds requests until both signers have sent theirs, so that they really meet (a {@code GatedRelay}). */
  public interface Gate {
    /** Holds the next matching requests until {@code parties} of them wait. */
    void arm(int parties);

    /** Whether the last armed gate opened because every party arrived. */
    boolean tripped();

    /** No gate: the signers start together and race as they happen to. */
    Gate NONE = new Gate() {
      @Override
      public void arm(int parties) {}

      @Override
      public boolean tripped() {
        return false;
      }
    };
  }

  /** How rounds of two concurrent signers ended. */
  public record Rounds(int rounds, int bothKept, int met, long millis) {
    @Override
    public String toString() {
      return "both signatures kept in " + bothKept + "/" + rounds + " rounds (the signers met at the gate in " + met
          + "), " + String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
  }

  /**
   * {@code rounds} times: a new image in {@code signHost/race}, then two {@code nota sign} JVMs (alice and bob)
   * started at the same moment; each must succeed and both signatures must then be listed by nota and notation
   * (read through {@code listHost}).
   */
  public Rounds concurrentNota(String signHost, String listHost, Gate gate, int rounds) throws Exception {
    return concurrent(signHost, listHost, gate, rounds, true, (ref, key) -> notaProcess(ref, key));
  }

  /**
   * The same rounds with two concurrent {@code notation sign} processes, measured rather than asserted: notation
   * 1.3.2 read-modify-writes the tag index once, so one signature is lost when they meet.
   */
  public Rounds concurrentNotation(String signHost, String listHost, Gate gate, int rounds) throws Exception {
    return concurrent(signHost, listHost, gate, rounds, false, (ref, key) -> notationProcess(ref, key));
  }

  @FunctionalInterface
  private interface Starter {
    Signer start(String ref, String key) throws IOException;
  }

  private Rounds concurrent(String signHost, String listHost, Gate gate, int rounds, boolean strict,
      Starter starter) throws Exception {
    long started = System.nanoTime();
    trust(signHost + "/race", "alice", "*");
    int bothKept = 0;
    int met = 0;
    for (int round = 0; round < rounds; round++) {
      String digest = pushImage(listHost + "/race");
      digest = digest.substring(digest.indexOf('@') + 1);
      String ref = signHost + "/race@" + digest;
      gate.arm(2);
      List<Signer> signers = List.of(starter.start(ref, "alice"), starter.start(ref, "bob"));
      for (Signer s : signers) {
        if (!s.process().waitFor(Peers.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          s.process().destroyForcibly();
          fail("sign process did not finish in " + Peers.TIMEOUT.toSeconds() + " s:\n" + s.output());
        }
      }
      for (Signer s : signers) {
        String output = s.output();
        assertEquals(0, s.process().exitValue(), () -> "exit " + s.process().exitValue() + "\n" + output);
      }
      met += gate.tripped() ? 1 : 0;
      String listed = listHost + "/race@" + digest;
      Set<String> ours = notaLists(listed);
      Set<String> theirs = notationLists(listed);
      int r = round;
      assertEquals(ours, theirs, () -> "round " + r + ": nota ls and notation ls differ for " + listed);
      if (ours.size() == 2) {
        bothKept++;
      } else if (strict) {
        fail("round " + r + ": " + ours.size() + " signature(s) listed for " + listed + " after two concurrent "
            + "signers: " + ours);
      }
    }
    return new Rounds(rounds, bothKept, met, (System.nanoTime() - started) / 1_000_000);
  }

  /** A separate JVM running {@code nota sign}, started for speed (C1 only, serial GC). */
  private Signer notaProcess(String ref, String key) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path log = Files.createTempFile(home, "nota-sign-" + key, ".log");
    ProcessBuilder builder = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
        "dev.nota.cli.Nota", "sign", "--key", key, ref)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(Map.of("HOME", home.toString(), "PATH", "/usr/bin:/bin",
        "NOTA_CONFIG", nota.config().toString(), "DOCKER_CONFIG", home.resolve("docker").toString()));
    return new Signer(builder.start(), log);
  }

  private Signer notationProcess(String ref, String key) throws IOException {
    Path log = Files.createTempFile(home, "notation-sign-" + key, ".log");
    ProcessBuilder builder = new ProcessBuilder(notation.toString(), "sign", "--insecure-registry", "--key", key,
        ref)
        .directory(home.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    return new Signer(builder.start(), log);
  }

  /** A running sign process and the file its output goes to. */
  private record Signer(Process process, Path log) {
    String output() throws IOException {
      return Files.readString(log, StandardCharsets.UTF_8);
    }
  }

  /** The digests in a {@code ls} listing of {@code ref}, but the artifact's own. */
  static Set<String> digests(String ref, String listing) {
    Set<String> digests = new TreeSet<>();
    Matcher m = DIGEST.matcher(listing);
    while (m.find()) {
      digests.add(m.group());
    }
    digests.remove(ref.substring(ref.lastIndexOf('@') + 1));
    return digests;
  }

  private static void assertEnvelope(String format, Object inspected) {
    String mediaType = format.equals("jws") ? "application/jose+json" : "application/cose";
    assertTrue(inspected.toString().contains(mediaType), () -> "expected a " + mediaType + " envelope: " + inspected);
  }

  /** Asserts exit 0. */
  public static CliAccess.Result ok(CliAccess.Result r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }

  /** Asserts exit 0. */
  public static Peers.Run ok(Peers.Run r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }

  @Override
  public void close() {
    client.close();
  }
}
