package dev.nota.cli;

import static dev.nota.cli.Cli.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.layout.LayoutTarget;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --oci-layout} on archives: {@code .tar.gz}/{@code .tgz} files signed in place and read by every read-only
 * command, {@code -} reading a plain or gzipped tar from standard input (and refused for {@code sign}), broken
 * archives as one-line errors that leave the file as it was; and {@code --plain-http} on every target command.
 */
class LayoutArchiveCommandTest {
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  @TempDir Path home;
  @TempDir Path work;
  private Cli cli;

  @BeforeEach
  void keyAndPolicy() {
    cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "--key-type", "ec-256", "alice"));
    ok(cli.run("policy", "init", "--name", "local", "--scope", "local/x", "--trust-store", "ca:alice",
        "--trusted-identity", "*"));
  }

  /** Runs nota with {@code stdin} as standard input, byte for byte (Cli's stdin is text). */
  private Cli.Result runWithStdin(byte[] stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Context context = new Context(Map.of("NOTA_CONFIG", cli.config.toString(),
        "DOCKER_CONFIG", home.resolve("docker").toString()), new ByteArrayInputStream(stdin), Clock.systemUTC());
    int code = Nota.run(context, new PrintWriter(out), new PrintWriter(err), args);
    return new Cli.Result(code, out.toString(), err.toString());
  }

  private Descriptor archiveWithImage(Path archive) throws Exception {
    try (Target target = LayoutTarget.openArchive(archive, true)) {
      return SampleImage.push(target, "v1", "archived " + archive.getFileName());
    }
  }

  private static void assertOneLineError(Cli.Result r, String expected) {
    assertNotEquals(0, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), () -> "one line: " + r);
    assertTrue(r.err().startsWith("Error: ") && r.err().contains(expected), r::toString);
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private static List<String> signatures(String listing, Descriptor artifact) {
    Matcher m = DIGEST.matcher(listing);
    List<String> found = new java.util.ArrayList<>();
    while (m.find()) {
      if (!m.group().equals(artifact.digest().toString())) {
        found.add(m.group());
      }
    }
    return found;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"app.tar.gz", "app.tgz", "app.tar"})
  void signsIntoAnArchiveInPlaceAndEveryReadOnlyCommandReadsIt(String file) throws Exception {
    Path archive = work.resolve(file);
    Descriptor image = archiveWithImage(archive);
    boolean gzip = !file.endsWith(".tar");
    String ref = archive + "@" + image.digest();

    Cli.Result signed = ok(cli.run("sign", "--oci-layout", ref));
    assertTrue(signed.out().contains("Successfully signed " + ref), signed::toString);
    byte[] bytes = Files.readAllBytes(archive);
    assertEquals(gzip, bytes[0] == 0x1f && bytes[1] == (byte) 0x8b, "the archive keeps its format");
    assertEquals(List.of(archive), list(work), "no temp file beside the archive");

    Cli.Result verified = ok(cli.run("verify", "--oci-layout", "--scope", "local/x", ref));
    assertTrue(verified.out().contains("Successfully verified signature for " + ref), verified::toString);
    List<String> sigs = signatures(ok(cli.run("ls", "--oci-layout", ref)).out(), image);
    assertEquals(1, sigs.size(), sigs::toString);
    assertTrue(ok(cli.run("inspect", "--oci-layout", "-o", "json", ref)).out().contains(sigs.get(0)));
    assertArrayEquals(bytes, Files.readAllBytes(archive), "read-only commands leave the archive as it was");
  }

  @Test
  void readsATarOrATarGzFromStandardInputByDigestOrTag() throws Exception {
    Path archive = work.resolve("app.tar.gz");
    Descriptor image = archiveWithImage(archive);
    ok(cli.run("sign", "--oci-layout", archive + ":v1"));
    byte[] gz = Files.readAllBytes(archive);
    byte[] tar;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      tar = in.readAllBytes();
    }
    for (byte[] stdin : List.of(gz, tar)) {
      Cli.Result byDigest = runWithStdin(stdin, "verify", "--oci-layout", "--scope", "local/x",
          "-@" + image.digest()); // no "--" needed: "-@..." is not taken for an option
      ok(byDigest);
      assertTrue(byDigest.out().contains("Successfully verified signature for -@" + image.digest()),
          byDigest::toString);
      Cli.Result byTag = runWithStdin(stdin, "verify", "--oci-layout", "--scope", "local/x", "--", "-:v1");
      ok(byTag);
      assertTrue(byTag.err().contains("Always verify the artifact using digest(@" + image.digest()),
          byTag::toString);
      assertEquals(1, signatures(ok(runWithStdin(stdin, "ls", "--oci-layout", "-:v1")).out(), image).size());
      ok(runWithStdin(stdin, "inspect", "--oci-layout", "-o", "json", "--", "-@" + image.digest()));
    }
  }

  @Test
  void signRefusesStandardInputWithExitCode2AndSaysWhy() throws Exception {
    Path archive = work.resolve("app.tar");
    Descriptor image = archiveWithImage(archive);
    byte[] tar = Files.readAllBytes(archive);
    for (String ref : new String[] {"-@" + image.digest(), "-:v1"}) {
      Cli.Result r = runWithStdin(tar, "sign", "--oci-layout", ref);
      assertEquals(2, r.code(), r::toString);
      assertOneLineError(r, "cannot sign an archive read from standard input");
    }
  }

  @Test
  void passwordStdinAndALayoutOnStandardInputAreRefusedTogether() throws Exception {
    Path archive = work.resolve("app.tar");
    Descriptor image = archiveWithImage(archive);
    Cli.Result r = runWithStdin(Files.readAllBytes(archive), "ls", "--oci-layout", "-u", "me", "--password-stdin",
        "--", "-@" + image.digest());
    assertEquals(2, r.code(), r::toString);
    assertOneLineError(r, "both want standard input");
  }

  @Test
  void aTruncatedTarGzIsAOneLineErrorAndSignLeavesItAsItWas() throws Exception {
    Path archive = work.resolve("app.tar.gz");
    Descriptor image = archiveWithImage(archive);
    byte[] whole = Files.readAllBytes(archive);
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);
    Files.write(archive, cut);
    String ref = archive + "@" + image.digest();

    assertOneLineError(cli.run("sign", "--oci-layout", ref), "gzip data is truncated");
    assertArrayEquals(cut, Files.readAllBytes(archive), "nothing half-written");
    assertEquals(List.of(archive), list(work));
    assertOneLineError(cli.run("verify", "--oci-layout", "--scope", "local/x", ref), "gzip data is truncated");
    assertOneLineError(cli.run("ls", "--oci-layout", ref), "gzip data is truncated");
    assertOneLineError(runWithStdin(cut, "inspect", "--oci-layout", "--", "-@" + image.digest()),
        "invalid oci-archive -: the gzip data is truncated");
  }

  @Test
  void aTruncatedTarOnStandardInputOrOnDiskIsAOneLineError() throws Exception {
    Path archive = work.resolve("app.tar");
    Descriptor image = archiveWithImage(archive);
    byte[] whole = Files.readAllBytes(archive);
    byte[] cut = Arrays.copyOf(whole, whole.length - 2048);
    assertOneLineError(runWithStdin(cut, "ls", "--oci-layout", "--", "-@" + image.digest()), "truncated");
    assertOneLineError(runWithStdin(new byte[0], "ls", "--oci-layout", "--", "-@" + image.digest()), "it is empty");
    Files.write(archive, cut);
    assertOneLineError(cli.run("sign", "--oci-layout", archive + "@" + image.digest()), "truncated");
    assertArrayEquals(cut, Files.readAllBytes(archive));
  }

  @Test
  void readingAMissingLayoutCreatesNothing() throws Exception {
    for (String name : new String[] {"absent", "absent.tar.gz"}) {
      Path missing = work.resolve(name);
      Cli.Result r = cli.run("ls", "--oci-layout", missing + ":v1");
      assertOneLineError(r, name.endsWith(".gz") ? "no such file" : "not found");
      assertFalse(Files.exists(missing), r::toString);
    }
  }

  @Test
  void plainHttpIsAcceptedBySignVerifyListAndInspect() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().start();
        RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
      String repo = registry.host() + "/app";
      Descriptor image;
      try (Target target = client.repository(Reference.parse(repo))) {
        image = SampleImage.push(target, null, "plain http");
      }
      ok(cli.run("policy", "init", "--force", "--name", "p", "--scope", repo, "--trust-store", "ca:alice",
          "--trusted-identity", "*"));
      String ref = repo + "@" + image.digest();
      ok(cli.run("sign", "--plain-http", ref));
      ok(cli.run("verify", "--plain-http", ref));
      assertEquals(1, signatures(ok(cli.run("ls", "--plain-http", ref)).out(), image).size());
      ok(cli.run("inspect", "--plain-http", "-o", "json", ref));
      Cli.Result debug = ok(cli.run("ls", "--plain-http", "--debug", ref));
      assertTrue(debug.err().contains("http://" + registry.host() + "/v2/"), debug::toString);
    }
  }
}
