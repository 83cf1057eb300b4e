package dev.nota.cli.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nota.cli.CliAccess;
import dev.nota.cli.interop.CrossChecks;
import dev.nota.oci.Reference;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.oci.registry.RegistryTarget;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nota against distribution 2.8 serving HTTPS with its own {@code http.tls} and a certificate from a private CA made
 * here: trusted through {@code --ca-file} or through the JVM's trust store ({@code javax.net.ssl.trustStore}, the
 * "system store" a deployment would add its CA to), refused with one clear line when the CA is unknown, the name
 * differs or the certificate has expired, and never downgraded to plain HTTP, not even with
 * {@code --insecure-registry}.
 */
@Tag("real")
class DistributionTlsTest {
  private static final String AREA = "TLS (distribution 2.8 with http.tls)";
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  @TempDir static Path work;
  private static KeyPair caKeys;
  private static X509Certificate ca;
  private static Path caFile;
  private static Distribution https;
  private static CliAccess nota;
  private static String ref;

  @BeforeAll
  static void start() throws Exception {
    caKeys = ecKeys();
    X500Name caName = new X500Name("CN=nota real TLS test CA");
    Instant now = Instant.now();
    ca = sign(new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))), caName, caKeys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
    caFile = Files.writeString(work.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));

    Path dir = Files.createDirectories(work.resolve("https"));
    https = startWith(dir, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost"));
    nota = new CliAccess(work.resolve("home"));
    ok(nota.run("cert", "generate-test", "--default", "--key-type", "ec-256", "alice"));
    ok(nota.run("policy", "init", "--force", "--name", "p", "--scope", "*", "--trust-store", "ca:alice",
        "--trusted-identity", "*"));
    try (RegistryClient client = new RegistryClient(RegistryOptions.defaults().withCaFile(caFile));
        RegistryTarget t = client.repository(Reference.parse(https.host() + "/app"))) {
      ref = https.host() + "/app@" + CliAccess.pushSampleImage(t, "v1", "over real tls").digest();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (https != null) {
      https.close();
    }
  }

  /** A distribution serving a certificate for {@code names}, valid in the given window, issued by the test CA. */
  private static Distribution startWith(Path dir, Instant notBefore, Instant notAfter, GeneralName... names)
      throws Exception {
    KeyPair keys = ecKeys();
    X509Certificate cert = sign(new JcaX509v3CertificateBuilder(new X500Name("CN=nota real TLS test CA"), serial(),
        Date.from(notBefore), Date.from(notAfter), new X500Name("CN=registry"), keys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names)));
    Path certificate = Files.writeString(dir.resolve("server.pem"), pem("CERTIFICATE", cert.getEncoded()));
    Path key = Files.writeString(dir.resolve("server.key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    return Distribution.startTls(dir, certificate, key);
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder) throws Exception {
    PrivateKey key = caKeys.getPrivate();
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static CliAccess.Result ok(CliAccess.Result r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }

  /** Requests distribution has served so far (its access log has one line per request). */
  private static long servedRequests(Distribution registry) {
    return registry.log().lines().filter(l -> l.contains("response completed")).count();
  }

  private static void assertOneLineExit3(CliAccess.Result r, String... fragments) {
    assertEquals(3, r.code(), r::toString);
    // --debug adds "debug: " lines and the stack trace after the error line; without it the error is all there is
    boolean debug = r.err().contains("debug: ");
    List<String> errors = r.err().lines().filter(l -> debug ? l.startsWith("Error: ") : !l.isBlank()).toList();
    assertEquals(1, errors.size(), r::toString);
    assertTrue(errors.get(0).startsWith("Error: "), r::toString);
    assertFalse(errors.get(0).contains("Exception"), r::toString);
    for (String f : fragments) {
      assertTrue(errors.get(0).contains(f), () -> "expected \"" + f + "\" in\n" + r);
    }
  }

  private static void assertNoPlainHttp(CliAccess.Result r) {
    List<String> requests = r.err().lines().filter(l -> l.startsWith("debug: > ")).toList();
    assertTrue(requests.stream().noneMatch(l -> l.contains(" http://")), r::toString);
  }

  @Test
  void signsListsAndVerifiesWithTheCaFile() throws Exception {
    CrossChecks.check(AREA, "--ca-file with the private CA: sign (JWS, COSE), ls, verify succeed over HTTPS", () -> {
      String ca = caFile.toString();
      CliAccess.Result signed = ok(nota.run("sign", "--ca-file", ca, "-d", ref));
      assertTrue(signed.out().contains("Successfully signed " + ref), signed::toString);
      assertTrue(signed.err().contains("debug: > PUT https://" + https.host() + "/v2/app/manifests/"),
          signed::toString);
      assertNoPlainHttp(signed);
      ok(nota.run("sign", "--ca-file", ca, "--signature-format", "cose", ref));
      CliAccess.Result listed = ok(nota.run("ls", "--ca-file", ca, ref));
      assertTrue(listed.out().contains("sha256:"), listed::toString);
      CliAccess.Result verified = ok(nota.run("verify", "--ca-file", ca, ref));
      assertTrue(verified.out().contains("Successfully verified signature for " + ref), verified::toString);
    });
  }

  @Test
  void trustsTheRegistryThroughTheJvmTrustStoreWithoutCaFile() throws Exception {
    CrossChecks.check(AREA, "CA only in the JVM trust store (javax.net.ssl.trustStore): sign and verify succeed",
        () -> {
          char[] password = "changeit".toCharArray();
          KeyStore store = KeyStore.getInstance("PKCS12");
          store.load(null, null);
          store.setCertificateEntry("nota-real-test-ca", ca);
          Path trustStore = work.resolve("truststore.p12");
          try (OutputStream out = Files.newOutputStream(trustStore)) {
            store.store(out, password);
          }
          List<String> jvm = List.of("-Djavax.net.ssl.trustStore=" + trustStore,
              "-Djavax.net.ssl.trustStoreType=PKCS12", "-Djavax.net.ssl.trustStorePassword=changeit");
          Child signed = nota(jvm, "sign", "--signature-format", "cose", ref);
          assertEquals(0, signed.code(), signed::toString);
          Child verified = nota(jvm, "verify", ref);
          assertEquals(0, verified.code(), verified::toString);
          // Without the trust store the same command is refused: the store is what made it trusted.
          Child refused = nota(List.of(), "verify", ref);
          assertEquals(3, refused.code(), refused::toString);
          assertTrue(refused.output().contains("is not trusted"), refused::toString);
        });
  }

  @Test
  void anUnknownCaExitsThreeNamingTheHostAndNeverFallsBackToPlainHttp() throws Exception {
    CrossChecks.check(AREA, "unknown CA: exit 3, one line naming host and untrusted certificate, no plain HTTP "
        + "(also with --insecure-registry)", () -> {
          long served = servedRequests(https);
          for (List<String> flags : List.of(List.<String>of(), List.of("--insecure-registry"))) {
            for (String command : List.of("sign", "verify", "ls")) {
              List<String> args = new ArrayList<>(List.of(command));
              if (!command.equals("ls")) {
                args.add("-d");
              }
              args.addAll(flags);
              args.add(ref);
              CliAccess.Result r = nota.run(args.toArray(String[]::new));
              assertOneLineExit3(r, "the TLS certificate of " + https.host() + " is not trusted", "--ca-file");
              assertNoPlainHttp(r);
            }
          }
          assertEquals(served, servedRequests(https), https::log);
        });
  }

  @Test
  void anInsecureRegistryThatSpeaksTlsIsStillSpokenToOverTls() throws Exception {
    CrossChecks.check(AREA, "--insecure-registry on a TLS registry: probe finds TLS, every request is HTTPS",
        () -> {
          CliAccess.Result r = ok(nota.run("ls", "-d", "--insecure-registry", "--ca-file", caFile.toString(), ref));
          assertTrue(r.err().contains("probed " + https.host() + ": not plain HTTP, using HTTPS"), r::toString);
          assertTrue(r.err().contains("debug: > GET https://" + https.host() + "/v2/"), r::toString);
          assertNoPlainHttp(r);
        });
  }

  @Test
  void aCertificateForAnotherNameIsRefusedInOneLine() throws Exception {
    CrossChecks.check(AREA, "certificate for another name: exit 3, one line saying it is not valid for the name",
        () -> {
          Instant now = Instant.now();
          try (Distribution other = startWith(Files.createDirectories(work.resolve("other-name")),
              now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)),
              new GeneralName(GeneralName.dNSName, "registry.example"))) {
            CliAccess.Result r = nota.run("ls", "--ca-file", caFile.toString(), other.host() + "/app:v1");
            assertOneLineExit3(r, "the TLS certificate of " + other.host() + " is not valid for the name 127.0.0.1");
            assertEquals(0, servedRequests(other), other::log);
          }
        });
  }

  @Test
  void anExpiredCertificateIsRefusedInOneLine() throws Exception {
    CrossChecks.check(AREA, "expired server certificate from a trusted CA: exit 3, one line saying it expired",
        () -> {
          Instant now = Instant.now();
          try (Distribution expired = startWith(Files.createDirectories(work.resolve("expired")),
              now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"))) {
            CliAccess.Result r = nota.run("ls", "--ca-file", caFile.toString(), expired.host() + "/app:v1");
            assertOneLineExit3(r, "the TLS certificate of " + expired.host() + " has expired or is not yet valid");
            assertEquals(0, servedRequests(expired), expired::log);
          }
        });
  }

  /** What a nota child process printed (stdout and stderr together) and returned. */
  private record Child(int code, String output) {
    @Override
    public String toString() {
      return "exit " + code + "\n" + output;
    }
  }

  /** Runs {@code nota args} in a separate JVM with {@code jvmOptions}, using this test's nota configuration. */
  private static Child nota(List<String> jvmOptions, String... args) throws Exception {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.nota.cli.Nota"));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(work, "nota", ".log");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("NOTA_CONFIG", nota.config().toString());
    builder.environment().put("DOCKER_CONFIG", work.resolve("home").resolve("docker").toString());
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("nota did not finish in 60 s: " + String.join(" ", args));
    }
    return new Child(process.exitValue(), read(log));
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
